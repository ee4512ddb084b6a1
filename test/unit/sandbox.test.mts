// The sandbox follows ../shared/videsk-docs/rooms-api.md, so the node's tests can trust it.
import { request as httpRequest } from 'node:http';
import { describe, expect, test } from 'vitest';
import { useVirtualClock } from '../support/clock.mjs';
import { inHours, useSandbox } from '../support/helpers.mjs';
import {
	startSandbox,
	STRICTEST,
	VARIANTS,
	type Clock,
	type SandboxOptions,
} from '../sandbox/server.mjs';

// The sandbox's time (its Date header, rooms' times, latency and trickle waits) is this clock's.
const clock = useVirtualClock();
const sandbox = useSandbox();

async function call(method: string, path: string, body?: unknown, token = sandbox().token) {
	const response = await fetch(sandbox().url + path, {
		method,
		headers: {
			...(token ? { Authorization: `Bearer ${token}` } : {}),
			...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, json, text };
}

describe('authentication', () => {
	test('a missing or wrong token is 401 NotAuthenticated in Feathers shape', async () => {
		for (const token of ['', 'wrong']) {
			const { status, json } = await call('GET', '/vpaas/rooms', undefined, token);
			expect(status).toBe(401);
			expect(json).toMatchObject({
				name: 'NotAuthenticated',
				code: 401,
				className: 'not-authenticated',
			});
			expect(typeof json.message).toBe('string');
		}
	});

	test('an expired token is 401 "jwt expired"; a forbidden token is 403', async () => {
		Object.assign(sandbox().settings, { expiredToken: 'old', forbiddenToken: 'blocked-ip' });
		expect((await call('GET', '/vpaas/rooms', undefined, 'old')).json).toMatchObject({
			code: 401,
			message: 'jwt expired',
		});
		expect((await call('GET', '/vpaas/rooms', undefined, 'blocked-ip')).json).toMatchObject({
			name: 'Forbidden',
			code: 403,
		});
	});
});

describe('list', () => {
	test('defaults to 10 per page, clamps $limit silently, reports total, limit and skip', async () => {
		sandbox().seed(120);
		const first = await call('GET', '/vpaas/rooms');
		expect(first.json).toMatchObject({ total: 120, limit: 10, skip: 0 });
		expect(first.json.data).toHaveLength(10);
		const clamped = await call('GET', '/vpaas/rooms?$limit=500&$skip=50');
		expect(clamped.json).toMatchObject({ total: 120, limit: 100, skip: 50 });
		expect(clamped.json.data).toHaveLength(70);
		sandbox().settings.maxPageSize = 30;
		expect((await call('GET', '/vpaas/rooms?$limit=100')).json.data).toHaveLength(30);
	});

	test('sorts in Feathers bracket form and filters by ended and externalId', async () => {
		sandbox().seed(5);
		sandbox().end('seed-2');
		const newestFirst = await call('GET', '/vpaas/rooms?%24sort%5BcreatedAt%5D=-1');
		expect(newestFirst.json.data.map((r: any) => r.externalId)).toEqual([
			'seed-5',
			'seed-4',
			'seed-3',
			'seed-2',
			'seed-1',
		]);
		const ended = await call('GET', '/vpaas/rooms?ended=true');
		expect(ended.json.data.map((r: any) => r.externalId)).toEqual(['seed-2']);
		const byExternalId = await call('GET', '/vpaas/rooms?externalId=seed-4');
		expect(byExternalId.json).toMatchObject({ total: 1, data: [{ externalId: 'seed-4' }] });
	});
});

describe('create', () => {
	test('applies the documented defaults and returns the room with an access token', async () => {
		const before = clock.now();
		const { status, json } = await call('POST', '/vpaas/rooms', {});
		expect(status).toBe(201);
		expect(json.id).toMatch(/^[0-9a-f]{24}$/);
		expect(json.name).toBeTruthy();
		expect(json.externalId).toBeTruthy();
		expect(Date.parse(json.nbf)).toBeGreaterThanOrEqual(before - 1000);
		expect(Date.parse(json.exp) - Date.parse(json.nbf)).toBe(3 * 3600 * 1000);
		expect(json.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
		expect(json.authorizations).toHaveLength(1);
	});

	test('validates lengths and dates (400) and rejects a duplicate externalId (409)', async () => {
		const cases = [
			{ name: 'x'.repeat(501) },
			{ externalId: 'x'.repeat(101) },
			{ exp: new Date(clock.now() - 1000).toISOString() },
			{ nbf: inHours(2), exp: inHours(1) },
			{ nbf: inHours(0), exp: inHours(73) },
			{ settings: 'not an object' },
		];
		for (const body of cases) {
			const { status, json } = await call('POST', '/vpaas/rooms', body);
			expect(status, JSON.stringify(body)).toBe(400);
			expect(json).toMatchObject({ name: 'BadRequest', code: 400 });
		}
		expect(
			(await call('POST', '/vpaas/rooms', { name: 'x'.repeat(500), externalId: 'y'.repeat(100) }))
				.status,
		).toBe(201);
		expect((await call('POST', '/vpaas/rooms', { externalId: 'dup' })).status).toBe(201);
		const duplicate = await call('POST', '/vpaas/rooms', { externalId: 'dup' });
		expect(duplicate.status).toBe(409);
		expect(duplicate.json).toMatchObject({ name: 'Conflict', code: 409, className: 'conflict' });
	});
});

describe('one room', () => {
	test('get, update and join work by id or externalId; an encoded "/" stays in one segment', async () => {
		// Decoded path ids (Feathers 4): under the default, raw ones, see "path ids" below.
		sandbox().settings.pathIds = 'decoded';
		const created = (await call('POST', '/vpaas/rooms', { externalId: 'a/b' })).json;
		expect((await call('GET', `/vpaas/rooms/${created.id}`)).json.externalId).toBe('a/b');
		expect((await call('GET', '/vpaas/rooms/a%2Fb')).json.id).toBe(created.id);
		expect((await call('GET', '/vpaas/rooms/a/b')).status).toBe(404);
		const updated = await call('PATCH', '/vpaas/rooms/a%2Fb', { name: 'New', generateToken: true });
		expect(updated.json).toMatchObject({ name: 'New' });
		expect(updated.json.accessToken).toBeTruthy();
		const joined = await call('POST', `/vpaas/rooms/${created.id}/join`, {});
		expect(Object.keys(joined.json)).toEqual(['accessToken']);
		expect((await call('GET', `/vpaas/rooms/${created.id}`)).json.authorizations).toHaveLength(3);
	});

	test('an ended room cannot be updated (404 "not found or already ended"); unknown rooms are 404', async () => {
		await call('POST', '/vpaas/rooms', { externalId: 'r1' });
		expect((await call('PATCH', '/vpaas/rooms/r1', { ended: true })).json.ended).toBe(true);
		const again = await call('PATCH', '/vpaas/rooms/r1', { ended: true });
		expect(again.status).toBe(404);
		expect(again.json.message).toMatch(/not found or already ended/);
		expect((await call('GET', '/vpaas/rooms/nope')).json).toMatchObject({
			name: 'NotFound',
			code: 404,
		});
	});

	test('DELETE is always 403 with the documented body', async () => {
		await call('POST', '/vpaas/rooms', { externalId: 'r1' });
		for (const id of ['r1', 'unknown']) {
			const { status, json } = await call('DELETE', `/vpaas/rooms/${id}`);
			expect(status).toBe(403);
			expect(json).toEqual({
				name: 'Forbidden',
				message: 'Not allowed',
				code: 403,
				className: 'forbidden',
			});
		}
	});
});

describe('knobs for tests', () => {
	test('rate limit: 429 with Retry-After and RateLimit-* headers past the limit', async () => {
		sandbox().settings.rateLimit = { perSecond: 3 };
		const statuses = [];
		let limited;
		for (let i = 0; i < 5; i++) {
			const response = await call('GET', '/vpaas/rooms');
			statuses.push(response.status);
			if (response.status === 429) limited = response;
		}
		expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
		expect(statuses.slice(3)).toEqual([429, 429]);
		expect(limited!.json).toMatchObject({ name: 'TooManyRequests', code: 429 });
		expect(limited!.headers.get('retry-after')).toMatch(/^\d+$/);
		expect(limited!.headers.get('ratelimit-limit')).toBe('3');
		expect(limited!.headers.get('ratelimit-remaining')).toBe('0');
	});

	test('faults: a status with an HTML body on the n-th request, then normal answers; a log of requests', async () => {
		sandbox().fault({ nth: 2, status: 502, body: '<html><body>Bad gateway</body></html>' });
		expect((await call('GET', '/vpaas/rooms')).status).toBe(200);
		const faulty = await call('GET', '/vpaas/rooms?$limit=1');
		expect(faulty.status).toBe(502);
		expect(faulty.text).toContain('Bad gateway');
		expect((await call('GET', '/vpaas/rooms')).status).toBe(200);
		expect(sandbox().requests.map((r) => [r.method, r.rawPath, r.query])).toEqual([
			['GET', '/vpaas/rooms', {}],
			['GET', '/vpaas/rooms', { $limit: '1' }],
			['GET', '/vpaas/rooms', {}],
		]);
		expect(sandbox().requests[0].headers.authorization).toBe(`Bearer ${sandbox().token}`);
	});
});

/** A seeded pseudo-random generator (mulberry32), so that a shuffled order is reproducible. */
function seededRandom(seed: number) {
	return () => {
		seed = (seed + 0x6d2b79f5) | 0;
		let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const externalIds = (page: any) => page.data.map((room: any) => room.externalId);

describe('list filters and operators', () => {
	test('ended and externalId take plain values and Feathers $ne, $in and $nin', async () => {
		sandbox().seed(4);
		sandbox().end('seed-3');
		const list = async (query: string) =>
			externalIds((await call('GET', `/vpaas/rooms?${query}`)).json);
		expect(await list('ended=false')).toEqual(['seed-1', 'seed-2', 'seed-4']);
		expect(await list('ended[$ne]=false')).toEqual(['seed-3']);
		expect(await list('externalId[$in][]=seed-2&externalId[$in][]=seed-4')).toEqual([
			'seed-2',
			'seed-4',
		]);
		expect(await list('externalId[$nin][0]=seed-1&ended=false')).toEqual(['seed-2', 'seed-4']);
		const refused = await call('GET', '/vpaas/rooms?ended=yes');
		expect(refused.status).toBe(400);
		expect(refused.json).toMatchObject({ name: 'BadRequest', className: 'bad-request' });
	});

	test('rooms carry createdAt; updatedAt only with the updatedAt option, moved by every change', async () => {
		const plain = (await call('POST', '/vpaas/rooms', { externalId: 'plain' })).json;
		expect(Date.parse(plain.createdAt)).toBeGreaterThan(0);
		expect(plain).not.toHaveProperty('updatedAt');
		sandbox().settings.updatedAt = true;
		const timed = (await call('POST', '/vpaas/rooms', { externalId: 'timed' })).json;
		expect(timed.updatedAt).toBe(timed.createdAt);
		sandbox().update('timed', { name: 'Renamed' }, { at: Date.parse(timed.createdAt) + 5000 });
		expect(Date.parse((await call('GET', '/vpaas/rooms/timed')).json.updatedAt)).toBe(
			Date.parse(timed.createdAt) + 5000,
		);
	});

	test('join and stats: an unknown room is 404, an ended room cannot be joined; stats views', async () => {
		await call('POST', '/vpaas/rooms', { externalId: 'r1' });
		expect((await call('POST', '/vpaas/rooms/nope/join', {})).status).toBe(404);
		for (const view of ['report', 'snapshot', 'summary']) {
			const stats = await call('GET', `/vpaas/rooms/r1/stats?view=${view}`);
			expect(stats.json).toMatchObject({ view });
		}
		expect((await call('GET', '/vpaas/rooms/r1/stats')).json.view).toBe('report');
		expect((await call('GET', '/vpaas/rooms/r1/stats?view=other')).status).toBe(400);
		expect((await call('GET', '/vpaas/rooms/nope/stats')).status).toBe(404);
		sandbox().end('r1');
		expect((await call('POST', '/vpaas/rooms/r1/join', {})).json).toMatchObject({
			name: 'NotFound',
			message: 'Room not found or already ended',
		});
	});
});

describe('path ids (pathIds)', () => {
	test("raw, the default (Feathers 5's Koa router): the segment is looked up as it came", async () => {
		await call('POST', '/vpaas/rooms', { externalId: 'a@b' });
		const byPath = await call('GET', '/vpaas/rooms/a%40b');
		expect(byPath.status).toBe(404);
		expect(byPath.json).toMatchObject({ name: 'NotFound', message: 'Room "a%40b" not found' });
		expect((await call('PATCH', '/vpaas/rooms/a%40b', { name: 'x' })).status).toBe(404);
		expect((await call('POST', '/vpaas/rooms/a%40b/join', {})).status).toBe(404);
		// The query string is decoded (qs), so the list finds it.
		expect(externalIds((await call('GET', '/vpaas/rooms?externalId=a%40b')).json)).toEqual(['a@b']);
		// A text that needs no encoding is found either way.
		await call('POST', '/vpaas/rooms', { externalId: 'plain-1' });
		expect((await call('GET', '/vpaas/rooms/plain-1')).status).toBe(200);
	});

	test("a segment named as a property of JavaScript's Object.prototype is a 500 from Feathers 5's router", async () => {
		// transport-commons' RouteNode keeps its children in a plain object: `children.valueOf` is
		// Object.prototype.valueOf, not a route, and its lookup throws. Either way of reading ids.
		for (const pathIds of ['raw', 'decoded'] as const) {
			sandbox().settings.pathIds = pathIds;
			await call('POST', '/vpaas/rooms', { externalId: `valueOf` });
			const { status, json } = await call('GET', '/vpaas/rooms/valueOf');
			expect(status, pathIds).toBe(500);
			expect(json).toEqual({ message: 'child.lookup is not a function' });
			expect(externalIds((await call('GET', '/vpaas/rooms?externalId=valueOf')).json)).toEqual([
				'valueOf',
			]);
		}
	});

	test('decoded (Feathers 4 on Express, or a decoding hook): the path finds the room', async () => {
		sandbox().settings.pathIds = 'decoded';
		const created = (await call('POST', '/vpaas/rooms', { externalId: 'a@b c/d' })).json;
		const path = `/vpaas/rooms/${encodeURIComponent('a@b c/d')}`;
		expect((await call('GET', path)).json.id).toBe(created.id);
		expect((await call('PATCH', path, { name: 'x' })).json.name).toBe('x');
		expect((await call('POST', `${path}/join`, {})).status).toBe(200);
		expect((await call('GET', `${path}/stats`)).status).toBe(200);
	});
});

describe('query schema (querySchema)', () => {
	test('lenient, the default: any room field sorts and filters', async () => {
		sandbox().seed(3, (index) => ({ externalId: `r${index}`, name: `${3 - index}` }));
		expect(externalIds((await call('GET', '/vpaas/rooms?$sort[name]=1')).json)).toEqual([
			'r2',
			'r1',
			'r0',
		]);
		for (const field of ['nbf', 'exp', 'updatedAt', 'id']) {
			expect((await call('GET', `/vpaas/rooms?$sort[${field}]=-1`)).status, field).toBe(200);
		}
		expect((await call('GET', '/vpaas/rooms?name=2')).json.total).toBe(1);
	});

	test('strict: only the documented fields; any other is a 400 naming it in data', async () => {
		sandbox().settings.querySchema = 'strict';
		sandbox().seed(2);
		for (const field of ['name', 'nbf', 'exp', 'updatedAt']) {
			const { status, json } = await call('GET', `/vpaas/rooms?$sort[${field}]=1`);
			expect(status, field).toBe(400);
			expect(json).toMatchObject({
				name: 'BadRequest',
				code: 400,
				className: 'bad-request',
				data: [{ instancePath: '/$sort', params: { additionalProperty: field } }],
			});
			expect(json).not.toHaveProperty('errors');
		}
		expect((await call('GET', '/vpaas/rooms?name=x')).json.data).toEqual([
			expect.objectContaining({ instancePath: '', params: { additionalProperty: 'name' } }),
		]);
		const documented = await call(
			'GET',
			'/vpaas/rooms?ended=false&externalId[$ne]=x&$sort[createdAt]=-1&$limit=5&$skip=0',
		);
		expect(externalIds(documented.json)).toEqual(['seed-2', 'seed-1']);
	});
});

describe('validation details (validationDetails)', () => {
	const invalid = [
		['GET', '/vpaas/rooms?ended=yes', undefined, 'ended'],
		['POST', '/vpaas/rooms', { name: 'x'.repeat(501) }, 'name'],
		['POST', '/vpaas/rooms', { exp: 'tomorrow' }, 'exp'],
		['PATCH', '/vpaas/rooms/r1', { ended: 'yes' }, 'ended'],
		['PATCH', '/vpaas/rooms/r1', { externalId: 'new' }, 'externalId'],
	] as const;

	test("data, the default (Feathers 5's schema hooks): ajv's list, each naming its path", async () => {
		await call('POST', '/vpaas/rooms', { externalId: 'r1' });
		for (const [method, path, body, field] of invalid) {
			const { status, json } = await call(method, path, body);
			expect(status, `${method} ${path}`).toBe(400);
			expect(json.message).toBe('validation failed');
			const named = json.data.map(
				(error: any) => error.instancePath.split('/')[1] || error.params.additionalProperty,
			);
			expect(named).toContain(field);
		}
	});

	test('errors (Feathers 4 with Mongoose): the same failures by field, in errors', async () => {
		sandbox().settings.validationDetails = 'errors';
		await call('POST', '/vpaas/rooms', { externalId: 'r1' });
		for (const [method, path, body, field] of invalid) {
			const { status, json } = await call(method, path, body);
			expect(status, `${method} ${path}`).toBe(400);
			expect(json).toMatchObject({ name: 'BadRequest', errors: { [field]: expect.any(String) } });
			expect(Array.isArray(json.data)).toBe(false);
		}
	});
});

describe('ties (ties)', () => {
	/** 30 rooms created in the same millisecond, so that createdAt ties them all. */
	function seedTied() {
		const createdAt = clock.now() - 60_000;
		sandbox().seed(30, (index) => ({
			externalId: `t${String(index).padStart(2, '0')}`,
			createdAt,
		}));
	}
	const inserted = Array.from({ length: 30 }, (_, index) => `t${String(index).padStart(2, '0')}`);
	const pages = (query: string) =>
		Promise.all([1, 2, 3, 4].map(() => call('GET', `/vpaas/rooms?$limit=100&${query}`))).then(
			(answers) => answers.map((answer) => externalIds(answer.json)),
		);

	test('stable, the default: ties come in the order the rooms were stored', async () => {
		seedTied();
		for (const query of ['', '$sort[createdAt]=1', '$sort[createdAt]=-1']) {
			for (const order of await pages(query)) expect(order, query).toEqual(inserted);
		}
	});

	test('shuffled (MongoDB): ties come in another order on each query, yet every sort key is honoured', async () => {
		Object.assign(sandbox().settings, { ties: 'shuffled', random: seededRandom(7) });
		seedTied();
		const orders = await pages('$sort[createdAt]=1');
		expect(new Set(orders.map((order) => order.join())).size).toBeGreaterThan(1);
		for (const order of orders) expect([...order].sort()).toEqual(inserted);
		// externalId is unique: with it as a second key no two rooms tie.
		for (const order of await pages('$sort[createdAt]=1&$sort[externalId]=1')) {
			expect(order).toEqual(inserted);
		}
		for (const order of await pages('$sort[createdAt]=-1&$sort[externalId]=-1')) {
			expect(order).toEqual([...inserted].reverse());
		}
		// Without a sort, or with one the server ignores: the stored (natural) order.
		for (const order of await pages('')) expect(order).toEqual(inserted);
		sandbox().settings.ignoredSorts = ['createdAt'];
		for (const order of await pages('$sort[createdAt]=-1')) expect(order).toEqual(inserted);
	});
});

describe('id or externalId (idResolution)', () => {
	/** Room "one", and room "two" whose externalId is one's id. */
	async function collide() {
		const one = (await call('POST', '/vpaas/rooms', { externalId: 'one' })).json;
		const two = (await call('POST', '/vpaas/rooms', { externalId: one.id })).json;
		return { one, two };
	}

	test('id-first, the default: a text that is an id names that room', async () => {
		const { one } = await collide();
		expect((await call('GET', `/vpaas/rooms/${one.id}`)).json.externalId).toBe('one');
	});

	test('externalId-first: the room whose externalId it is', async () => {
		sandbox().settings.idResolution = 'externalId-first';
		const { one, two } = await collide();
		expect((await call('GET', `/vpaas/rooms/${one.id}`)).json.id).toBe(two.id);
		expect((await call('PATCH', `/vpaas/rooms/${one.id}`, { name: 'x' })).json.id).toBe(two.id);
		// Where only one reading names a room, it does.
		expect((await call('GET', `/vpaas/rooms/${two.id}`)).json.id).toBe(two.id);
	});
});

describe('Date header (dateSkewMs, dateMissing) and the clock', () => {
	test('the Date header gives the clock, or skewed by dateSkewMs either way, or is missing', async () => {
		const date = async () => {
			const { headers } = await call('GET', '/vpaas/rooms');
			return headers.get('date') === null ? null : Date.parse(headers.get('date')!);
		};
		expect(Math.abs((await date())! - clock.now())).toBeLessThan(2000);
		sandbox().settings.dateSkewMs = 3_600_000;
		expect(Math.abs((await date())! - clock.now() - 3_600_000)).toBeLessThan(2000);
		sandbox().settings.dateSkewMs = -3_600_000;
		expect(Math.abs((await date())! - clock.now() + 3_600_000)).toBeLessThan(2000);
		// A list: each answer the next skew, in turn.
		sandbox().requests.length = 0;
		sandbox().settings.dateSkewMs = [0, -300_000];
		const skews = [];
		for (let index = 0; index < 4; index += 1) skews.push((await date())! - clock.now());
		expect(skews.map((skew) => Math.round(skew / 60_000))).toEqual([0, -5, 0, -5]);
		sandbox().settings.dateSkewMs = 0;
		sandbox().settings.dateMissing = true;
		expect(await date()).toBeNull();
		// Nor on an error, a fault's answer, or a raw read of the headers.
		expect((await call('GET', '/vpaas/rooms', undefined, 'wrong')).headers.get('date')).toBeNull();
		const raw = await new Promise<Record<string, unknown>>((resolve, reject) =>
			httpRequest(`${sandbox().url}/vpaas/rooms`, (response) => {
				response.resume();
				resolve(response.headers);
			})
				.on('error', reject)
				.end(),
		);
		expect(raw).not.toHaveProperty('date');
	});

	test('one clock for every time: Date, createdAt, ids, exp checks, latency waits', async () => {
		const now = Date.parse('2031-03-04T05:06:07.000Z');
		const slept: number[] = [];
		const fixed: Clock = {
			now: () => now,
			sleep: (ms) => {
				slept.push(ms);
				return Promise.resolve();
			},
		};
		Object.assign(sandbox().settings, { clock: fixed, latencyMs: 5000 });
		const started = Date.now();
		const created = await call('POST', '/vpaas/rooms', {});
		expect(Date.now() - started).toBeLessThan(1000);
		expect(slept).toEqual([5000]);
		expect(Date.parse(created.headers.get('date')!)).toBe(now);
		expect(created.json).toMatchObject({
			createdAt: '2031-03-04T05:06:07.000Z',
			nbf: '2031-03-04T05:06:07.000Z',
			exp: '2031-03-04T08:06:07.000Z',
		});
		expect(Number.parseInt(created.json.id.slice(0, 8), 16)).toBe(now / 1000);
		// In the future for this machine, in the past for the sandbox's clock.
		const { status } = await call('POST', '/vpaas/rooms', { exp: '2031-03-04T05:00:00Z' });
		expect(status).toBe(400);
		sandbox().settings.clock = clock;
	});
});

describe('answers: slow and trickling', () => {
	test('trickleMs: the headers at once, the body one byte at a time', async () => {
		sandbox().settings.trickleMs = 10;
		const started = clock.now();
		const response = await fetch(`${sandbox().url}/vpaas/rooms/nope`, {
			headers: { Authorization: `Bearer ${sandbox().token}` },
		});
		const headersAt = clock.now() - started;
		expect(response.status).toBe(404);
		const body = await response.text();
		const bodyAt = clock.now() - started;
		expect(headersAt).toBeLessThan(100);
		expect(bodyAt).toBeGreaterThanOrEqual(body.length * 10 - 50);
		expect(JSON.parse(body)).toMatchObject({ name: 'NotFound', code: 404 });
	});

	test("a trickle fault: Videsk's own answer, trickling, then normal answers", async () => {
		sandbox().fault({ nth: 1, kind: 'trickle', intervalMs: 5 });
		const started = clock.now();
		const slow = await call('GET', '/vpaas/rooms');
		expect(clock.now() - started).toBeGreaterThanOrEqual(slow.text.length * 5 - 50);
		expect(slow.json).toMatchObject({ total: 0, data: [] });
		const prompt = clock.now();
		await call('GET', '/vpaas/rooms');
		expect(clock.now() - prompt).toBeLessThan(100);
	});

	test('faults: hang, reset, repeated headers, latency', async () => {
		sandbox().fault({ nth: 1, kind: 'reset' });
		await expect(call('GET', '/vpaas/rooms')).rejects.toThrow();
		sandbox().fault({
			nth: 2,
			status: 429,
			body: { message: 'slow down' },
			headers: { 'Retry-After': ['1', '2'] },
			latencyMs: 100,
		});
		const started = clock.now();
		const limited = await call('GET', '/vpaas/rooms');
		expect(clock.now() - started).toBeGreaterThanOrEqual(90);
		expect(limited.status).toBe(429);
		expect(limited.headers.get('retry-after')).toBe('1, 2');
		expect(limited.json).toEqual({ message: 'slow down' });
		sandbox().fault({ nth: 3, kind: 'hang' });
		const giveUp = new AbortController();
		void clock.sleep(200).then(() => giveUp.abort());
		await expect(
			fetch(`${sandbox().url}/vpaas/rooms`, { signal: giveUp.signal }),
		).rejects.toThrow();
		// Neither the cut answer nor the hung one was ever answered in full.
		expect(sandbox().requests.map((request) => request.status)).toEqual([
			undefined,
			429,
			undefined,
		]);
	});
});

describe('variants', () => {
	test.each(Object.entries({ ...VARIANTS, STRICTEST }))(
		'%s: the documented API holds',
		async (_name, options: SandboxOptions) => {
			const own = await startSandbox(options);
			try {
				const headers = {
					Authorization: `Bearer ${own.token}`,
					'Content-Type': 'application/json',
				};
				const send = async (method: string, path: string, body?: unknown) => {
					const response = await fetch(own.url + path, {
						method,
						headers,
						body: body === undefined ? undefined : JSON.stringify(body),
					});
					return { status: response.status, json: await response.json() };
				};
				own.seed(120);
				const page = await send('GET', '/vpaas/rooms?$limit=100&$sort[createdAt]=-1&ended=false');
				expect(page.json).toMatchObject({
					total: 120,
					limit: Math.min(100, own.settings.maxPageSize),
				});
				expect(page.json.data[0].externalId).toBe('seed-120');
				const created = await send('POST', '/vpaas/rooms', { externalId: 'v-1', name: 'V' });
				expect(created.status).toBe(201);
				expect((await send('GET', `/vpaas/rooms/${created.json.id}`)).json.externalId).toBe('v-1');
				expect((await send('PATCH', '/vpaas/rooms/v-1', { ended: true })).json.ended).toBe(true);
				expect((await send('PATCH', '/vpaas/rooms/v-1', { ended: true })).status).toBe(404);
				expect((await send('DELETE', '/vpaas/rooms/v-1')).json.message).toBe('Not allowed');
			} finally {
				await own.close();
			}
		},
	);

	test('STRICTEST: raw ids, strict queries, data details, shuffled ties, a smaller clamp, externalId first, no Date', () => {
		expect(STRICTEST).toMatchObject({
			pathIds: 'raw',
			querySchema: 'strict',
			validationDetails: 'data',
			ties: 'shuffled',
			idResolution: 'externalId-first',
			dateMissing: true,
		});
		expect(STRICTEST.maxPageSize).toBeLessThan(100);
	});
});

describe('the requests it is handling, for a virtual clock', () => {
	test('a request counts while it is handled, not while it waits on the clock, on onRequest, or for nothing', async () => {
		sandbox().seed(1);
		const seen: Record<string, number> = {};
		// A fault's `match` runs while the request is handled.
		sandbox().fault({ nth: 1, match: () => ((seen.handled = sandbox().active()), false) });
		await call('GET', '/vpaas/rooms/seed-1');
		sandbox().onRequest(() => clock.sleep(50));
		const waited = call('GET', '/vpaas/rooms/seed-1');
		await clock.sleep(25);
		seen.onRequest = sandbox().active();
		await waited;
		sandbox().onRequest(undefined);
		sandbox().fault({ nth: 3, latencyMs: 50 });
		const slow = call('GET', '/vpaas/rooms/seed-1');
		await clock.sleep(25);
		seen.latency = sandbox().active();
		await slow;
		sandbox().fault({ nth: 4, kind: 'hang' });
		const giveUp = new AbortController();
		const hung = fetch(`${sandbox().url}/vpaas/rooms`, { signal: giveUp.signal }).catch(() => {});
		await clock.sleep(25);
		seen.hang = sandbox().active();
		giveUp.abort();
		await hung;
		seen.after = sandbox().active();
		expect(seen).toEqual({ handled: 1, onRequest: 0, latency: 0, hang: 0, after: 0 });
		expect(sandbox().requests).toHaveLength(4);
	});
});
