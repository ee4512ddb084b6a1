// The Videsk sandbox: a local stand-in for the VPaaS Rooms API, built from
// ../shared/videsk-docs/rooms-api.md as a FeathersJS 5 application (app.mjs), since Videsk runs
// Feathers. Tests, the demo and the benchmarks talk to it on 127.0.0.1. Where the docs are
// silent, the choice made here is marked "ASSUMPTION", or is an option (README.md).
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createApp } from './app.mjs';
import { realClock } from './clock.mjs';
import { roomPath } from './services/rooms/rooms.mjs';
import { newRoom } from './services/rooms/rooms.schema.mjs';

export { realClock } from './clock.mjs';
export { STRICTEST, VARIANTS } from './variants.mjs';

/** The state of each sandbox running in this process. */
const running = new Set();
/** The clock of sandboxes started without one. */
let defaultClock = realClock;

/**
 * How many requests the sandboxes of this process are handling at this moment: arrived, not yet
 * answered, and not waiting on the clock, on a test's `onRequest` or for nothing (a `hang`). A
 * virtual clock (test/support/clock.mts) moves time on only when this is 0.
 */
export function activeRequests() {
	let count = 0;
	for (const state of running) count += state.active.size;
	return count;
}

/** Sets the clock of the sandboxes started from now on without a `clock`; returns the previous. */
export function setDefaultClock(clock) {
	const previous = defaultClock;
	defaultClock = clock;
	return previous;
}

const DEFAULTS = {
	token: 'sandbox-api-token',
	expiredToken: undefined,
	forbiddenToken: undefined,
	maxPageSize: 100,
	maxLifetimeHours: 72,
	rateLimit: undefined,
	latencyMs: 0,
	trickleMs: 0,
	updatedAt: false,
	ignoredSorts: [],
	random: Math.random,
	pathIds: 'raw',
	querySchema: 'lenient',
	validationDetails: 'data',
	ties: 'stable',
	idResolution: 'id-first',
	dateSkewMs: 0,
	dateMissing: false,
	host: '127.0.0.1',
	port: 0,
};

/** Starts a sandbox; server.d.mts and README.md describe every option. */
export async function startSandbox(options = {}) {
	const started = { ...DEFAULTS, clock: defaultClock, ...options };
	const settings = { ...started, ignoredSorts: [...started.ignoredSorts] };
	const state = {
		settings,
		requests: [],
		faults: [],
		windows: new Map(),
		onRequest: undefined,
		secret: randomBytes(32),
		active: new Set(),
	};
	const app = createApp(state);
	running.add(state);
	const server = await app.listen(settings.port, settings.host);
	if (!server.listening) await once(server, 'listening');
	const sockets = new Set();
	server.on('connection', (socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	const rooms = app.service(roomPath);
	const { port } = server.address();

	const sandbox = {
		url: `http://${settings.host}:${port}`,
		token: settings.token,
		settings,
		requests: state.requests,
		/** Rooms as stored, oldest first. */
		rooms: () => Object.values(rooms.store).map((room) => structuredClone(room)),
		/**
		 * Creates `count` rooms directly in the store (no request is logged), one a second up to
		 * now. `make(index)` gives each room's fields, and may set `createdAt` (ms) to backdate it.
		 * Returns their IDs, in order.
		 */
		seed(
			count,
			make = (index) => ({ name: `Seeded room ${index + 1}`, externalId: `seed-${index + 1}` }),
		) {
			const start = settings.clock.now() - count * 1000;
			const ids = [];
			for (let index = 0; index < count; index += 1) {
				const { createdAt = start + index * 1000, ...fields } = make(index);
				const room = newRoom(fields, createdAt, settings);
				rooms.insert(room, { ip: '127.0.0.1' });
				ids.push(room.id);
			}
			return ids;
		},
		/** Marks a room ended directly in the store; `at` (ms) backdates its `updatedAt`. */
		end(roomId, { at } = {}) {
			rooms.changeStored(roomId, { ended: true }, at);
		},
		/** Changes a room's fields directly in the store, as a PATCH would (`at` as for end). */
		update(roomId, fields, { at } = {}) {
			rooms.changeStored(roomId, fields, at);
		},
		/** Removes a room from the store, as if Videsk had purged it: it answers 404 from then on. */
		purge(roomId) {
			rooms.purge(roomId);
		},
		/**
		 * Runs `callback(request)` (awaited) when each request arrives, after it is logged and
		 * before it is answered, so that a test can change the store between the pages of one
		 * poll. `undefined` removes it; reset() too.
		 */
		onRequest(callback) {
			state.onRequest = callback;
		},
		/**
		 * Answers matching requests differently, `times` times (default 1): `{ nth, method, path,
		 * match, status, body, headers, contentType, kind: 'hang'|'reset'|'trickle', intervalMs,
		 * latencyMs }`. `nth` counts every request the sandbox received, from 1; `path` matches the
		 * decoded path; `match(request)` is any test on the logged request.
		 */
		fault({ nth, method, path, match, times = 1, ...effect }) {
			state.faults.push({
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
			Object.assign(settings, started, { ignoredSorts: [...started.ignoredSorts] });
			rooms.clear();
			state.requests.length = 0;
			state.faults.length = 0;
			state.onRequest = undefined;
			state.windows.clear();
		},
		/** How many of its requests it is handling at this moment (see activeRequests). */
		active: () => state.active.size,
		async close() {
			for (const socket of sockets) socket.destroy();
			await app.teardown();
			running.delete(state);
		},
	};
	if (options.seed) sandbox.seed(options.seed);
	return sandbox;
}
