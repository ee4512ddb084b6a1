// The Videsk sandbox: a local stand-in for the VPaaS Rooms API, built from
// ../shared/videsk-docs/rooms-api.md. Tests, the demo and the benchmarks talk to it on 127.0.0.1.
// Where the docs are silent, the choice made here is marked "ASSUMPTION".
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const ROOMS = '/vpaas/rooms';
const DAY_MS = 24 * 3600 * 1000;

const FEATHERS_ERRORS = {
	400: ['BadRequest', 'bad-request'],
	401: ['NotAuthenticated', 'not-authenticated'],
	403: ['Forbidden', 'forbidden'],
	404: ['NotFound', 'not-found'],
	405: ['MethodNotAllowed', 'method-not-allowed'],
	409: ['Conflict', 'conflict'],
	429: ['TooManyRequests', 'too-many-requests'],
	500: ['GeneralError', 'general-error'],
};

class FeathersError extends Error {
	constructor(code, message, extra = {}) {
		super(message);
		this.code = code;
		this.extra = extra;
	}

	toJSON() {
		const [name, className] = FEATHERS_ERRORS[this.code] ?? FEATHERS_ERRORS[500];
		return { name, message: this.message, code: this.code, className, ...this.extra };
	}
}

const base64url = (value) => Buffer.from(value).toString('base64url');

/**
 * Starts a sandbox. Every option is a knob for tests:
 * - token: the api-token it accepts; expiredToken: a token answered with 401 "jwt expired";
 *   forbiddenToken: a token answered with 403 (as a token whose IP allow-list excludes us).
 * - seed: number of rooms created up front; maxPageSize: the silent `$limit` clamp (100).
 * - rateLimit: { perSecond, retryAfter, reset, headers, clockAheadMs } answers 429
 *   past that many requests a second per token (see `rateLimited` for the variants).
 * - latencyMs: delay before every answer.
 * - updatedAt: rooms also carry `updatedAt`, set when created and on every change (see below).
 * - ignoredSorts: fields whose `$sort` the list ignores (as a server without that index might),
 *   answering in the rooms' stored order instead.
 * - clock: the time (ms) its answers' Date header gives; the real time by default.
 * Faults are added with `sandbox.fault(...)` (see below).
 */
export async function startSandbox(options = {}) {
	const defaults = {
		token: 'sandbox-api-token',
		expiredToken: undefined,
		forbiddenToken: undefined,
		maxPageSize: 100,
		maxLifetimeHours: 72,
		rateLimit: undefined,
		latencyMs: 0,
		updatedAt: false,
		ignoredSorts: [],
		clock: () => Date.now(),
		host: '127.0.0.1',
		port: 0,
		...options,
	};
	const settings = { ...defaults };
	const rooms = new Map();
	const requests = [];
	const faults = [];
	const tokenSecret = randomBytes(32);
	let idCounter = 0;
	let onRequest;
	/** Rate-limit windows by token. */
	const windows = new Map();

	function newId() {
		const seconds = Math.floor(Date.now() / 1000)
			.toString(16)
			.padStart(8, '0');
		idCounter += 1;
		return seconds + randomBytes(4).toString('hex') + idCounter.toString(16).padStart(8, '0');
	}

	function issueAccessToken(room, ip) {
		const jti = randomUUID();
		room.authorizations.push({ ip, jti, createdAt: new Date().toISOString() });
		// ASSUMPTION: the docs give neither the claims nor the lifetime; this is JWT-shaped (HS256).
		const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
		const payload = base64url(
			JSON.stringify({ room: room.id, jti, nbf: toSeconds(room.nbf), exp: toSeconds(room.exp) }),
		);
		const signature = createHmac('sha256', tokenSecret).update(`${header}.${payload}`).digest();
		return `${header}.${payload}.${base64url(signature)}`;
	}

	function findRoom(roomId) {
		if (rooms.has(roomId)) return rooms.get(roomId);
		for (const room of rooms.values()) if (room.externalId === roomId) return room;
		return undefined;
	}

	function externalIdTaken(externalId) {
		for (const room of rooms.values()) if (room.externalId === externalId) return true;
		return false;
	}

	function publicRoom(room) {
		return { ...room, authorizations: [...room.authorizations] };
	}

	function createRoom(body, ip, now = Date.now()) {
		validateRoomFields(body, { creating: true });
		const nbf = body.nbf !== undefined ? new Date(body.nbf) : new Date(now);
		const exp = body.exp !== undefined ? new Date(body.exp) : new Date(now + 3 * 3600 * 1000);
		checkDates(nbf, exp, now);
		const id = newId();
		const externalId = body.externalId ?? `room-${id.slice(-12)}`;
		if (externalIdTaken(externalId)) {
			throw new FeathersError(409, `A room with externalId "${externalId}" already exists`);
		}
		const room = {
			id,
			name: body.name ?? `Room ${id.slice(-6)}`,
			externalId,
			exp: exp.toISOString(),
			nbf: nbf.toISOString(),
			// ASSUMPTION: the docs filter on `ended` and PATCH sets it, but the room example does
			// not show it; the sandbox returns it. `settings` is echoed back, which the docs leave open.
			ended: false,
			...(body.settings !== undefined ? { settings: body.settings } : {}),
			authorizations: [],
			createdAt: new Date(now).toISOString(),
		};
		touch(room, now);
		rooms.set(id, room);
		const accessToken = issueAccessToken(room, ip);
		return { ...publicRoom(room), accessToken };
	}

	/**
	 * ASSUMPTION (only with the `updatedAt` option): the docs show neither `createdAt` nor
	 * `updatedAt`; a Feathers service storing rooms with timestamps has both, `updatedAt` moving
	 * on every change. The trigger uses it when present, so the sandbox can play both accounts.
	 */
	function touch(room, at = Date.now()) {
		if (settings.updatedAt) room.updatedAt = new Date(at).toISOString();
	}

	function checkDates(nbf, exp, now) {
		if (exp.getTime() <= now) throw new FeathersError(400, '"exp" must be in the future');
		if (nbf.getTime() >= exp.getTime()) throw new FeathersError(400, '"nbf" must be before "exp"');
		if (exp.getTime() - nbf.getTime() > (settings.maxLifetimeHours * DAY_MS) / 24) {
			throw new FeathersError(400, `A room can last at most ${settings.maxLifetimeHours} hours`);
		}
	}

	function list(query) {
		let matching = [...rooms.values()];
		if (query.ended !== undefined) {
			const valid = (text) => text === 'true' || text === 'false';
			if (
				typeof query.ended === 'object' ? !operands(query.ended).every(valid) : !valid(query.ended)
			) {
				throw new FeathersError(400, 'Invalid value for "ended"', {
					errors: { ended: 'must be a boolean' },
				});
			}
			matching = matching.filter((room) => matches(String(room.ended), query.ended));
		}
		if (query.externalId !== undefined) {
			matching = matching.filter((room) => matches(room.externalId, query.externalId));
		}
		if (query.$sort !== undefined && typeof query.$sort !== 'object') {
			throw new FeathersError(400, 'Invalid "$sort": use $sort[field]=1 or -1');
		}
		const sortEntries = Object.entries(query.$sort ?? {});
		for (const [field, direction] of sortEntries) {
			if (direction !== '1' && direction !== '-1') {
				throw new FeathersError(400, `Invalid sort direction for "${field}"`);
			}
		}
		// A server that cannot sort by one of the fields ignores the whole sort.
		const applied = sortEntries.some(([field]) => settings.ignoredSorts.includes(field))
			? []
			: sortEntries;
		// Stable insertion order is the tie-breaker, as MongoDB's natural order would be.
		matching.sort((a, b) => {
			for (const [field, direction] of applied) {
				const order = compare(a[field], b[field]);
				if (order !== 0) return direction === '-1' ? -order : order;
			}
			return 0;
		});
		const askedLimit = parseInteger(query.$limit, 10);
		const limit = Math.min(Math.max(askedLimit, 0), settings.maxPageSize);
		const skip = Math.max(parseInteger(query.$skip, 0), 0);
		return {
			total: matching.length,
			limit,
			skip,
			data: matching.slice(skip, skip + limit).map(publicRoom),
		};
	}

	function update(room, body, ip) {
		if (!room || room.ended) throw new FeathersError(404, 'Room not found or already ended');
		validateRoomFields(body, { creating: false });
		const nbf = body.nbf !== undefined ? new Date(body.nbf) : new Date(room.nbf);
		const exp = body.exp !== undefined ? new Date(body.exp) : new Date(room.exp);
		if (body.nbf !== undefined || body.exp !== undefined) checkDates(nbf, exp, Date.now());
		if (body.name !== undefined) room.name = body.name;
		room.nbf = nbf.toISOString();
		room.exp = exp.toISOString();
		if (body.ended === true) room.ended = true;
		touch(room);
		const result = publicRoom(room);
		if (body.generateToken === true) result.accessToken = issueAccessToken(room, ip);
		return result;
	}

	function route(request) {
		const { method, segments, query, body, ip } = request;
		if (segments[0] !== 'vpaas' || segments[1] !== 'rooms' || segments.length > 4) {
			throw new FeathersError(404, `Page not found: ${request.rawPath}`);
		}
		const roomId = segments[2];
		const action = segments[3];
		if (roomId === undefined) {
			if (method === 'GET') return [200, list(query)];
			if (method === 'POST') return [201, createRoom(body, ip)];
		} else if (roomId === '') {
			throw new FeathersError(400, 'Missing room ID');
		} else if (action === undefined) {
			if (method === 'GET') {
				const room = findRoom(roomId);
				if (!room) throw new FeathersError(404, `Room "${roomId}" not found`);
				return [200, publicRoom(room)];
			}
			if (method === 'PATCH') return [200, update(findRoom(roomId), body, ip)];
			if (method === 'DELETE') throw new FeathersError(403, 'Not allowed');
		} else if (action === 'join' && method === 'POST') {
			const room = findRoom(roomId);
			// ASSUMPTION: the docs list no 404 for join; an unknown or ended room answers 404 here.
			if (!room || room.ended) throw new FeathersError(404, 'Room not found or already ended');
			return [200, { accessToken: issueAccessToken(room, ip) }];
		} else if (action === 'stats' && method === 'GET') {
			const room = findRoom(roomId);
			if (!room) throw new FeathersError(404, `Room "${roomId}" not found`);
			return [200, roomStats(room, query.view ?? 'report')];
		}
		const knownPath = action === undefined || action === 'join' || action === 'stats';
		throw new FeathersError(knownPath ? 405 : 404, `${method} ${request.rawPath} is not supported`);
	}

	function authenticate(headers) {
		const match = /^Bearer (.+)$/.exec(headers.authorization ?? '');
		const token = match?.[1];
		if (token !== undefined && token === settings.expiredToken) {
			throw new FeathersError(401, 'jwt expired', { data: { name: 'TokenExpiredError' } });
		}
		if (token !== undefined && token === settings.forbiddenToken) {
			throw new FeathersError(403, 'Insufficient permissions');
		}
		if (token !== settings.token)
			throw new FeathersError(401, 'Invalid authentication information');
	}

	/**
	 * ASSUMPTION: Videsk's docs say only "about 20 requests per second per token", `RateLimit-*`
	 * headers, and maybe `Retry-After` on a 429. This limits like express-rate-limit, common in
	 * Express/Feathers APIs: a fixed one-second window per token that starts with the window's
	 * first request; every request counts, refused ones too. Variants of the headers, since the
	 * node must cope with each: `reset` 'seconds' (whole seconds until the window ends, rounded
	 * up: express-rate-limit's), 'fractional' (exact seconds, e.g. 0.347) or 'epoch' (Unix time
	 * in whole seconds, rounded up); `headers: false` sends no `RateLimit-*`, `retryAfter: false`
	 * no `Retry-After`. `clockAheadMs`: Videsk's clock that far ahead of this machine's, in its
	 * `Date` header and its Unix-time `RateLimit-Reset`.
	 */
	function rateLimited(response, token) {
		if (!settings.rateLimit) return false;
		const {
			perSecond,
			retryAfter = true,
			reset = 'seconds',
			headers = true,
			clockAheadMs = 0,
		} = settings.rateLimit;
		const now = Date.now();
		if (clockAheadMs) response.setHeader('Date', new Date(now + clockAheadMs).toUTCString());
		let window = windows.get(token);
		if (window === undefined || now - window.startedAt >= 1000) {
			window = { startedAt: now, count: 0 };
			windows.set(token, window);
		}
		window.count += 1;
		const endsAt = window.startedAt + 1000;
		const wholeSeconds = String(Math.max(1, Math.ceil((endsAt - now) / 1000)));
		const resetValue = {
			seconds: wholeSeconds,
			fractional: String((endsAt - now) / 1000),
			epoch: String(Math.ceil((endsAt + clockAheadMs) / 1000)),
		}[reset];
		if (headers) {
			response.setHeader('RateLimit-Limit', String(perSecond));
			response.setHeader('RateLimit-Remaining', String(Math.max(perSecond - window.count, 0)));
			response.setHeader('RateLimit-Reset', resetValue);
		}
		if (window.count <= perSecond) return false;
		if (retryAfter) response.setHeader('Retry-After', wholeSeconds);
		return true;
	}

	function takeFault(entry) {
		const index = faults.findIndex((fault) => fault.matches(entry));
		if (index === -1) return undefined;
		const fault = faults[index];
		fault.remaining -= 1;
		if (fault.remaining <= 0) faults.splice(index, 1);
		return fault;
	}

	const sockets = new Set();
	const server = createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			void handle(req, res, Buffer.concat(chunks).toString('utf8'));
		});
	});
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});

	async function handle(req, res, rawBody) {
		const [rawPath, rawQuery = ''] = (req.url ?? '/').split('?');
		const entry = {
			number: requests.length + 1,
			receivedAt: Date.now(),
			method: req.method,
			rawPath,
			path: safeDecode(rawPath),
			query: parseQuery(rawQuery),
			rawQuery,
			headers: req.headers,
			body: parseJson(rawBody) ?? rawBody,
		};
		requests.push(entry);
		res.setHeader('Date', new Date(settings.clock()).toUTCString());
		if (onRequest) await onRequest(entry);
		res.once('finish', () => (entry.status = res.statusCode));
		if (settings.latencyMs) await sleep(settings.latencyMs);
		const fault = takeFault(entry);
		if (fault?.latencyMs) await sleep(fault.latencyMs);
		if (fault?.kind === 'hang') return; // never answers; the socket is destroyed on close()
		if (fault?.kind === 'reset') {
			res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
			res.write('{"id":"');
			res.socket?.destroy();
			return;
		}
		if (fault?.status !== undefined) {
			const isText = typeof fault.body === 'string';
			res.writeHead(fault.status, {
				'Content-Type': fault.contentType ?? (isText ? 'text/html' : 'application/json'),
				...fault.headers,
			});
			res.end(fault.body === undefined ? '' : isText ? fault.body : JSON.stringify(fault.body));
			return;
		}
		try {
			const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
			if (rateLimited(res, token)) {
				throw new FeathersError(429, 'Too many requests, please slow down');
			}
			authenticate(req.headers);
			const withBody = req.method === 'POST' || req.method === 'PATCH';
			if (
				withBody &&
				rawBody !== '' &&
				!/^application\/json/.test(req.headers['content-type'] ?? '')
			) {
				throw new FeathersError(400, 'Content-Type must be application/json');
			}
			const body = rawBody === '' ? {} : parseJson(rawBody);
			if (withBody && (body === undefined || typeof body !== 'object' || Array.isArray(body))) {
				throw new FeathersError(400, 'The request body must be a JSON object');
			}
			const segments = rawPath.split('/').slice(1).map(safeDecode);
			const [status, payload] = route({
				method: req.method,
				rawPath,
				segments,
				query: entry.query,
				body,
				ip: req.socket.remoteAddress,
			});
			send(res, status, payload);
		} catch (error) {
			const feathersError =
				error instanceof FeathersError ? error : new FeathersError(500, 'Internal server error');
			send(res, feathersError.code, feathersError.toJSON());
		}
	}

	await new Promise((resolve) => server.listen(settings.port, settings.host, resolve));
	const { port } = server.address();

	const sandbox = {
		url: `http://${settings.host}:${port}`,
		token: settings.token,
		settings,
		requests,
		/** Rooms as stored, oldest first. */
		rooms: () => [...rooms.values()].map(publicRoom),
		/**
		 * Creates `count` rooms directly in the store (no request is logged), one a second up to
		 * now. `make(index)` gives each room's fields, and may set `createdAt` (ms) to backdate it.
		 */
		seed(
			count,
			make = (index) => ({ name: `Seeded room ${index + 1}`, externalId: `seed-${index + 1}` }),
		) {
			const start = Date.now() - count * 1000;
			for (let index = 0; index < count; index += 1) {
				const { createdAt = start + index * 1000, ...fields } = make(index);
				createRoom(fields, '127.0.0.1', createdAt);
			}
		},
		/** Marks a room ended directly in the store; `at` (ms) backdates its `updatedAt`. */
		end(roomId, { at } = {}) {
			const room = findRoom(roomId);
			room.ended = true;
			touch(room, at);
		},
		/** Changes a room's fields directly in the store, as a PATCH would (`at` as for end). */
		update(roomId, fields, { at } = {}) {
			const room = findRoom(roomId);
			Object.assign(room, fields);
			touch(room, at);
		},
		/** Removes a room from the store, as if Videsk had purged it: it answers 404 from then on. */
		purge(roomId) {
			rooms.delete(findRoom(roomId).id);
		},
		/**
		 * Runs `callback(request)` (awaited) when each request arrives, after it is logged and
		 * before it is answered, so that a test can change the store between the pages of one
		 * poll. `undefined` removes it; reset() too.
		 */
		onRequest(callback) {
			onRequest = callback;
		},
		/**
		 * Answers matching requests differently, `times` times (default 1):
		 * `{ nth, method, path, match, status, body, headers, contentType, kind: 'hang'|'reset', latencyMs }`.
		 * `nth` counts every request the sandbox received, from 1; `path` matches the decoded path;
		 * `match(request)` is any test on the logged request.
		 */
		fault({ nth, method, path, match, times = 1, ...effect }) {
			faults.push({
				...effect,
				remaining: times,
				matches: (entry) =>
					(nth === undefined || entry.number === nth) &&
					(method === undefined || entry.method === method) &&
					(path === undefined || entry.path === path) &&
					(match === undefined || match(entry)),
			});
		},
		/** Empties the store, the log and the faults, and restores the options it started with. */
		reset() {
			Object.assign(settings, defaults, { ignoredSorts: [] });
			rooms.clear();
			requests.length = 0;
			faults.length = 0;
			onRequest = undefined;
			windows.clear();
		},
		async close() {
			for (const socket of sockets) socket.destroy();
			await new Promise((resolve) => server.close(resolve));
		},
	};
	if (options.seed) sandbox.seed(options.seed);
	return sandbox;
}

/**
 * ASSUMPTION: Videsk's telemetry page names the three views and what they hold, but gives no
 * schema. These bodies are plausible stand-ins so that the node can be tested; the node passes
 * whatever Videsk returns through unchanged.
 */
function roomStats(room, view) {
	const peers = room.authorizations.map((authorization) => authorization.jti);
	switch (view) {
		case 'report':
			return {
				roomId: room.id,
				view,
				qualityScore: 87,
				metrics: { averageRttMs: 84, packetLossPercent: 0.4, averageBitrateKbps: 1450 },
				patterns: ['stable-network'],
				recommendations: ['No action needed'],
			};
		case 'snapshot':
			return {
				roomId: room.id,
				view,
				live: !room.ended,
				peers: peers.length,
				rttMs: 90,
				packetLossPercent: 0.5,
			};
		case 'summary':
			return {
				roomId: room.id,
				view,
				perPeer: peers.map((peer) => ({ peer, minutes: 12, averageRttMs: 80 })),
				perMinute: [{ minute: 0, peers: peers.length, averageRttMs: 82 }],
			};
		default:
			throw new FeathersError(400, `Invalid view "${view}": use report, snapshot or summary`);
	}
}

function validateRoomFields(body, { creating }) {
	const errors = {};
	// ASSUMPTION: the docs give the limits in "characters" without saying how they are counted;
	// the sandbox counts Unicode code points (as JSON Schema's maxLength does), as the node does.
	const checkString = (field, max) => {
		if (body[field] === undefined) return;
		if (typeof body[field] !== 'string' || body[field].length === 0) {
			errors[field] = 'must be a non-empty string';
		} else if (Array.from(body[field]).length > max) {
			errors[field] = `must be at most ${max} characters`;
		}
	};
	checkString('name', 500);
	if (creating) checkString('externalId', 100);
	for (const field of ['exp', 'nbf']) {
		if (body[field] !== undefined && Number.isNaN(Date.parse(body[field]))) {
			errors[field] = 'must be an ISO 8601 date-time';
		}
	}
	for (const field of creating ? [] : ['ended', 'generateToken']) {
		if (body[field] !== undefined && typeof body[field] !== 'boolean')
			errors[field] = 'must be a boolean';
	}
	if (creating && body.settings !== undefined) {
		if (
			body.settings === null ||
			typeof body.settings !== 'object' ||
			Array.isArray(body.settings)
		) {
			errors.settings = 'must be an object';
		}
	}
	const fields = Object.keys(errors);
	if (fields.length) {
		throw new FeathersError(
			400,
			`Invalid ${fields.map((f) => `"${f}"`).join(', ')}: ${Object.values(errors).join('; ')}`,
			{
				errors,
			},
		);
	}
}

function send(res, status, payload) {
	const body = JSON.stringify(payload);
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
	res.end(body);
}

/**
 * Feathers' query syntax: `$sort[createdAt]=-1` becomes `{ $sort: { createdAt: '-1' } }`, and
 * `externalId[$in][0]=a` (or `[]=a`) `{ externalId: { $in: ['a'] } }`.
 */
function parseQuery(rawQuery) {
	const query = {};
	for (const [key, value] of new URLSearchParams(rawQuery)) {
		const [, name, inner, index] = /^([^[\]]+)(?:\[([^[\]]+)\](?:\[(\d*)\])?)?$/.exec(key) ?? [
			,
			key,
		];
		if (inner === undefined) {
			query[name] = value;
		} else {
			const object = (query[name] = typeof query[name] === 'object' ? query[name] : {});
			object[inner] = index === undefined ? value : [...(object[inner] ?? []), value];
		}
	}
	return query;
}

/**
 * A field's value against a query condition: a plain value, or Feathers' common operators.
 * ASSUMPTION: Videsk's docs list only plain values for the `ended` and `externalId` filters, but
 * say the server is Feathers, whose services take `$ne`, `$in` and `$nin` on any field: so does
 * the sandbox, so that a query operator reaching it would show what it does.
 */
function matches(value, condition) {
	if (typeof condition !== 'object' || condition === null) return value === condition;
	return Object.entries(condition).every(([operator, operand]) => {
		const list = [operand].flat();
		if (operator === '$ne') return value !== operand;
		if (operator === '$in') return list.includes(value);
		if (operator === '$nin') return !list.includes(value);
		throw new FeathersError(400, `Invalid query operator "${operator}"`);
	});
}

function operands(condition) {
	return Object.values(condition).flat();
}

function parseInteger(value, fallback) {
	const number = Number.parseInt(value ?? '', 10);
	return Number.isNaN(number) ? fallback : number;
}

function parseJson(text) {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function safeDecode(value) {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}

function compare(a, b) {
	if (a === b) return 0;
	if (a === undefined) return -1;
	if (b === undefined) return 1;
	return a < b ? -1 : 1;
}

function toSeconds(iso) {
	return Math.floor(Date.parse(iso) / 1000);
}

function sleep(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
