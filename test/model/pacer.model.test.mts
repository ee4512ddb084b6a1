// The pacer (transport/pacer.ts) over generated histories: executions and trigger polls queueing
// requests with various Timeouts, answered with any rate-limit headers (sane, huge, negative,
// not numbers at all, repeated, Unix times from a clock that is off, HTTP dates), failing
// without an answer, stopped, and time passing. Whatever happened:
// - a request arriving for a flow (an execution, a poll) with nothing else waiting gets its turn
//   within as many sends as there were other flows waiting: nobody waits behind a big one;
// - no timer is set for longer than 60 s (Node cannot hold more than 2^31 ms), and timers are
//   set in proportion to what happens: no spinning;
// - a stopped request leaves at once;
// - once Videsk answers normally again, every waiting request gets its turn or fails within a
//   bounded time, the pacer keeps under the limit, and after the longest window (60 s) requests
//   are sent again, however long a wait Videsk once asked for.
// Fake timers and clock: every wait is simulated, none real.
import type { IDataObject } from 'n8n-workflow';
import { getEventListeners } from 'node:events';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { PACKAGE_DIR } from '../support/harness.mjs';
import { fc, numRuns, PROPERTY_TIMEOUT_MS } from '../support/properties.mjs';

interface Ticket {
	sequence: number;
}
interface Answer {
	statusCode: number;
	headers: IDataObject;
}
interface Pacer {
	acquire(flow: object, timeoutMs: number, signal?: AbortSignal): Promise<Ticket>;
	observe(ticket: Ticket, answer?: Answer): unknown;
}
const { RateLimitPacer, LONGEST_WINDOW_MS } = createRequire(import.meta.url)(
	path.join(PACKAGE_DIR, 'dist/nodes/VideskRooms/transport/pacer.js'),
) as { RateLimitPacer: new () => Pacer; LONGEST_WINDOW_MS: number };

const LIMIT = 20;
const TIMEOUTS = [1_000, 10_000, 30_000];
const START = Date.UTC(2026, 4, 1, 9, 30);

/** Every timer the pacer sets (with fake timers, setTimeout is the fake one). */
let timers: number[] = [];
let warnings: string[] = [];
const onWarning = (warning: Error) => warnings.push(warning.name);
beforeEach(() => {
	vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
	vi.setSystemTime(START);
	timers = [];
	warnings = [];
	const fakeSetTimeout = globalThis.setTimeout;
	vi.spyOn(globalThis, 'setTimeout').mockImplementation(((
		callback: () => void,
		ms?: number,
		...rest: unknown[]
	) => {
		timers.push(ms ?? 0);
		return fakeSetTimeout(callback, ms, ...rest);
	}) as typeof setTimeout);
	process.on('warning', onWarning);
});
afterEach(() => {
	process.off('warning', onWarning);
	vi.restoreAllMocks();
	vi.useRealTimers();
});

interface Waiter {
	state: 'waiting' | 'sent' | 'failed';
	flow: object;
	timeoutMs: number;
	stop?: AbortController;
	/** Sends before it arrived, and the other flows waiting then (if its flow had none waiting). */
	sendsBefore: number;
	flowsAhead?: number;
	turn?: number;
}

/**
 * The pacer under test, its waiters by flow, the requests it let through still without an
 * answer, and Videsk's clock (`aheadMs` off this machine's) for the headers the model sends.
 */
class World {
	pacer = new RateLimitPacer();
	waiters: Waiter[] = [];
	out: Ticket[] = [];
	flows: object[] = [];
	sends = 0;
	events = 0;
	startedAt = Date.now();

	constructor(readonly aheadMs: number) {}

	get videskNow() {
		return Date.now() + this.aheadMs;
	}

	acquire(flow: object, timeoutMs: number, stoppable: boolean) {
		const waiting = this.waiters.filter((w) => w.state === 'waiting');
		const alone = !waiting.some((w) => w.flow === flow);
		const waiter: Waiter = {
			state: 'waiting',
			flow,
			timeoutMs,
			stop: stoppable ? new AbortController() : undefined,
			sendsBefore: this.sends,
			flowsAhead: alone ? new Set(waiting.map((w) => w.flow)).size : undefined,
		};
		this.waiters.push(waiter);
		this.events += 1;
		this.pacer.acquire(flow, timeoutMs, waiter.stop?.signal).then(
			(ticket) => {
				this.sends += 1;
				this.events += 1;
				waiter.state = 'sent';
				waiter.turn = this.sends;
				this.out.push(ticket);
			},
			() => (waiter.state = 'failed'),
		);
	}

	/** Answers (or fails without an answer) one request that is out. */
	settle(pick: number, answer?: Answer) {
		if (this.out.length === 0) return;
		const [ticket] = this.out.splice(pick % this.out.length, 1);
		this.events += 1;
		this.pacer.observe(ticket, answer);
	}

	/** A flow: an existing one (`pick`), or a new execution or poll. */
	flow(pick: number | 'new') {
		if (pick === 'new' || this.flows.length === 0) {
			this.flows.push({});
			return this.flows.at(-1)!;
		}
		return this.flows[pick % this.flows.length];
	}
}

type Command = fc.AsyncCommand<object, World>;
const command = (name: string, run: (world: World) => Promise<void>): Command => ({
	check: () => true,
	run: async (_, world) => {
		await run(world);
		checkTurns(world);
		checkTimers(world);
	},
	toString: () => name,
});

/** Fairness: a request alone in its flow waited at most one send per other flow waiting. */
function checkTurns(world: World) {
	for (const waiter of world.waiters) {
		if (waiter.turn === undefined || waiter.flowsAhead === undefined) continue;
		expect(
			waiter.turn - waiter.sendsBefore - 1,
			'sends before a lone request’s turn, more than the flows waiting when it came',
		).toBeLessThanOrEqual(waiter.flowsAhead);
	}
}

/** No timer past 60 s, no overflow warning, and no more timers than what happened explains. */
function checkTimers(world: World) {
	expect(Math.max(0, ...timers), 'a timer longer than the longest window').toBeLessThanOrEqual(
		LONGEST_WINDOW_MS,
	);
	expect(warnings).not.toContain('TimeoutOverflowWarning');
	const elapsedMs = Date.now() - world.startedAt;
	expect(timers.length, 'timers set (spinning?)').toBeLessThanOrEqual(
		3 * world.events + elapsedMs / 500 + 10,
	);
}

/** A header value as Videsk (or a proxy in front of it) may send it, given Videsk's clock. */
interface Text {
	label: string;
	render(videskNow: number): string;
}
const text = (label: string, render: Text['render'] = () => label): Text => ({ label, render });
const garbage = fc
	.constantFrom('1e3', '0x1E', '-1', '-0', 'Infinity', 'abc', '', '5.5.5')
	.map((t) => text(JSON.stringify(t)));
const countText = fc.oneof(
	{ weight: 6, arbitrary: fc.integer({ min: 0, max: LIMIT }).map((n) => text(String(n))) },
	{ weight: 1, arbitrary: fc.constantFrom('99999999999999999999', '1000001').map((t) => text(t)) },
	{ weight: 1, arbitrary: garbage },
);
const resetText = fc.oneof(
	{ weight: 4, arbitrary: fc.integer({ min: 0, max: 5 }).map((n) => text(String(n))) },
	{
		weight: 4,
		arbitrary: fc.integer({ min: 0, max: 5_000 }).map((ms) => text(`${ms / 1000}`)),
	},
	{
		weight: 3,
		arbitrary: fc
			.integer({ min: -5_000, max: 10_000 })
			.map((inMs) =>
				text(`Unix s, ${inMs} ms on`, (now) => String(Math.ceil((now + inMs) / 1000))),
			),
	},
	{
		weight: 1,
		arbitrary: fc
			.integer({ min: -5_000, max: 10_000 })
			.map((inMs) => text(`Unix ms, ${inMs} ms on`, (now) => String(now + inMs))),
	},
	{
		weight: 2,
		arbitrary: fc
			.constantFrom('60', '61', '3600', '999999999', '1' + '0'.repeat(400))
			.map((t) => text(t)),
	},
	{ weight: 1, arbitrary: garbage },
);
const retryAfterText = fc.oneof(
	{ weight: 4, arbitrary: fc.integer({ min: 0, max: 120 }).map((n) => text(String(n))) },
	{ weight: 2, arbitrary: fc.constantFrom('99999999', '3600').map((t) => text(t)) },
	{
		weight: 2,
		arbitrary: fc
			.integer({ min: -5_000, max: 120_000 })
			.map((inMs) => text(`date, ${inMs} ms on`, (now) => new Date(now + inMs).toUTCString())),
	},
	{ weight: 1, arbitrary: garbage },
);
/** Absent, once, or twice (a repeated header, or Videsk's and a proxy's). */
const header = (value: fc.Arbitrary<Text>) =>
	fc.oneof(
		fc.constant(undefined),
		value.map((one) => [one]),
		fc.tuple(value, value),
	);
const headersArbitrary = fc.record({
	'ratelimit-limit': header(countText),
	'ratelimit-remaining': header(countText),
	'ratelimit-reset': header(resetText),
	'retry-after': header(retryAfterText),
	date: fc.constantFrom('videsk', 'none', 'garbage'),
});
type HeaderSpec = typeof headersArbitrary extends fc.Arbitrary<infer T> ? T : never;

function render(spec: HeaderSpec, world: World): IDataObject {
	const now = world.videskNow;
	const headers: IDataObject = {};
	for (const [name, value] of Object.entries(spec)) {
		if (name === 'date' || value === undefined) continue;
		const texts = (value as Text[]).map((each) => each.render(now));
		// A repeated header reaches n8n as one value listing both, or as an array.
		headers[name] = texts.length === 1 ? texts[0] : texts.length % 2 ? texts : texts.join(', ');
	}
	if (spec.date === 'videsk') headers.date = new Date(now).toUTCString();
	if (spec.date === 'garbage') headers.date = 'yesterday';
	return headers;
}
const describeSpec = (spec: HeaderSpec) =>
	Object.entries(spec)
		.filter(([, value]) => value !== undefined)
		.map(([name, value]) =>
			name === 'date'
				? `date ${value}`
				: `${name} ${(value as Text[]).map((each) => each.label).join(' + ')}`,
		)
		.join(', ');

const unreachable = fc
	.record({ pick: fc.nat(), count: fc.integer({ min: 1, max: 30 }) })
	.map(({ pick, count }) =>
		command(`${count} without an answer (Videsk unreachable: reset, timeout)`, async (world) => {
			for (let index = 0; index < count; index += 1) world.settle(pick);
			await vi.advanceTimersByTimeAsync(0);
		}),
	);

const commands = [
	fc
		.record({
			flow: fc.oneof(fc.constant('new' as const), fc.nat()),
			timeoutMs: fc.constantFrom(...TIMEOUTS),
			stoppable: fc.boolean(),
			count: fc.oneof(fc.constant(1), fc.integer({ min: 1, max: 60 })),
		})
		.map(({ flow, timeoutMs, stoppable, count }) =>
			command(
				`acquire ${count}× in flow ${flow} (Timeout ${timeoutMs}, stoppable ${stoppable})`,
				async (world) => {
					const chosen = world.flow(flow);
					for (let index = 0; index < count; index += 1) {
						world.acquire(chosen, timeoutMs, stoppable);
					}
					await vi.advanceTimersByTimeAsync(0);
				},
			),
		),
	fc
		.record({
			pick: fc.nat(),
			status: fc.constantFrom(200, 200, 429, 503),
			headers: headersArbitrary,
		})
		.map(({ pick, status, headers }) =>
			command(`answer ${status}: ${describeSpec(headers)}`, async (world) => {
				world.settle(pick, { statusCode: status, headers: render(headers, world) });
				await vi.advanceTimersByTimeAsync(0);
			}),
		),
	unreachable,
	unreachable, // twice as likely: outages come in bursts, and a burst is what once locked it up
	fc.nat().map((pick) =>
		command('stop a waiting execution', async (world) => {
			const stoppable = world.waiters.filter((w) => w.state === 'waiting' && w.stop);
			if (stoppable.length === 0) return;
			const waiter = stoppable[pick % stoppable.length];
			waiter.stop!.abort();
			await vi.advanceTimersByTimeAsync(0);
			expect(waiter.state, 'a stopped request leaves the queue at once').toBe('failed');
		}),
	),
	fc.oneof(fc.integer({ min: 1, max: 3_000 }), fc.integer({ min: 3_000, max: 90_000 })).map((ms) =>
		command(`${ms} ms pass`, async () => {
			await vi.advanceTimersByTimeAsync(ms);
		}),
	),
];

/**
 * Videsk back to normal: each request out is answered at once, from a real one-second window of
 * LIMIT requests (`RateLimit-Reset` in seconds, or as a Unix time on Videsk's clock, with its
 * `Date`), while new requests keep coming at twice that rate for 4 s (as busy executions send
 * them). Liveness: every waiter gets its turn or fails within a bound. Safety: once the pacer
 * has had 2 s to read Videsk's headers, it keeps under the limit (at most 2 refused). No lockout:
 * requests arriving after the longest window are all sent.
 */
async function drain(world: World, unixReset: boolean) {
	const waiting = () => world.waiters.filter((w) => w.state === 'waiting').length;
	const flow = world.flow('new');
	let windowStart = Date.now();
	let count = 0;
	let refusedLate = 0;
	const answerAll = (elapsed: number) => {
		while (world.out.length > 0) {
			const now = Date.now();
			if (now - windowStart >= 1000) [windowStart, count] = [now, 0];
			count += 1;
			if (count > LIMIT && elapsed >= 2_000) refusedLate += 1;
			const endsOnVidesk = windowStart + 1000 + world.aheadMs;
			world.settle(0, {
				statusCode: count > LIMIT ? 429 : 200,
				headers: {
					date: new Date(world.videskNow).toUTCString(),
					'ratelimit-limit': String(LIMIT),
					'ratelimit-remaining': String(Math.max(LIMIT - count, 0)),
					'ratelimit-reset': unixReset
						? String(Math.ceil(endsOnVidesk / 1000))
						: String((windowStart + 1000 - now) / 1000),
				},
			});
		}
	};
	const run = async (from: number, boundMs: number, feedUntil: number) => {
		for (
			let elapsed = from;
			elapsed <= boundMs && (elapsed < feedUntil || waiting() > 0 || world.out.length > 0);
			elapsed += 50
		) {
			if (elapsed < feedUntil && elapsed % 500 === 0) {
				for (let index = 0; index < LIMIT; index += 1) world.acquire(flow, 30_000, false);
			}
			answerAll(elapsed);
			await vi.advanceTimersByTimeAsync(50);
		}
	};
	const boundMs = Math.max(...TIMEOUTS) + LONGEST_WINDOW_MS + ((waiting() + 160) / LIMIT) * 2_000;
	await run(0, boundMs, 4_000);
	expect(waiting(), `requests still waiting ${boundMs} ms after Videsk answers normally`).toBe(0);
	expect(
		refusedLate,
		'requests refused (429) once the pacer could read the headers',
	).toBeLessThanOrEqual(2);
	// However long a wait Videsk asked for once, a window's longest later requests go again.
	await vi.advanceTimersByTimeAsync(LONGEST_WINDOW_MS);
	const late = world.waiters.length;
	for (let index = 0; index < LIMIT; index += 1) world.acquire(flow, 30_000, false);
	await run(0, 10_000, 0);
	expect(
		world.waiters.slice(late).map((waiter) => waiter.state),
		'requests after the longest window, with Videsk answering normally',
	).toEqual(Array(LIMIT).fill('sent'));
}

/** Videsk's clock: in step, or off by seconds, a minute, an hour. */
const clocks = fc.constantFrom(0, 0, 700, -700, 5_000, 60_000, -60_000, -3_600_000);

describe('the pacer: fair, bounded, never waiting for good', () => {
	test('any history of executions, polls, answers and clocks, then normal answers: fair turns, bounded timers, every request settled, none locked out', async () => {
		await fc.assert(
			fc.asyncProperty(
				clocks,
				fc.boolean(),
				fc.commands(commands, { maxCommands: 60 }),
				async (aheadMs, unixReset, history) => {
					vi.setSystemTime(START);
					timers = [];
					const world = new World(aheadMs);
					await fc.asyncModelRun(() => ({ model: {}, real: world }), history);
					await drain(world, unixReset);
					checkTurns(world);
					checkTimers(world);
				},
			),
			{ numRuns: numRuns(500) },
		);
	}, PROPERTY_TIMEOUT_MS);

	// Histories that stuck earlier versions (found in review), kept as examples.
	const world = () => new World(0);
	const flowOf = (w: World) => w.flow(0);
	const answer = (headers: Record<string, string>, statusCode = 200): Answer => ({
		statusCode,
		headers,
	});

	test('found in review: 20 requests without an answer after one answered (the assumed window counted them for good)', async () => {
		const w = world();
		w.acquire(flowOf(w), 30_000, false);
		await vi.advanceTimersByTimeAsync(0);
		w.settle(
			0,
			answer({ 'ratelimit-limit': '20', 'ratelimit-remaining': '19', 'ratelimit-reset': '1' }),
		);
		for (let index = 0; index < 20; index += 1) {
			w.acquire(flowOf(w), 30_000, false);
			await vi.advanceTimersByTimeAsync(5_000);
			w.settle(0);
		}
		w.acquire(flowOf(w), 30_000, false);
		await vi.advanceTimersByTimeAsync(2_000);
		expect(w.waiters.at(-1)!.state).toBe('sent');
	});

	test('found in review: a request that got its turn leaves no listener on the execution’s cancel signal', async () => {
		const pacer = new RateLimitPacer();
		const execution = new AbortController();
		for (let index = 0; index < 50; index += 1) {
			const ticket = pacer.acquire(execution, 30_000, execution.signal);
			await vi.advanceTimersByTimeAsync(0);
			pacer.observe(await ticket, answer({}));
		}
		expect(getEventListeners(execution.signal, 'abort')).toHaveLength(0);
	});

	test('found in review: an execution stopped before its request asks for a turn gets none', async () => {
		const pacer = new RateLimitPacer();
		const stopped = new AbortController();
		stopped.abort();
		let state = 'waiting';
		pacer.acquire(stopped, 30_000, stopped.signal).then(
			() => (state = 'sent'),
			() => (state = 'failed'),
		);
		await vi.advanceTimersByTimeAsync(1_000);
		expect(state).toBe('failed');
	});

	test('found in review: a stopped execution waiting behind a request still out leaves at once', async () => {
		const w = world();
		w.acquire(flowOf(w), 30_000, false); // the probe, out without an answer yet
		w.acquire(flowOf(w), 30_000, true);
		await vi.advanceTimersByTimeAsync(0);
		w.waiters[1].stop!.abort();
		await vi.advanceTimersByTimeAsync(0);
		expect(w.waiters.map((waiter) => waiter.state)).toEqual(['sent', 'failed']);
	});

	test('found in review: behind a waiter with a longer Timeout, a short one fails at once when Videsk asks for longer', async () => {
		const w = world();
		w.acquire(flowOf(w), 30_000, false);
		await vi.advanceTimersByTimeAsync(0);
		w.settle(0, answer({ 'retry-after': '60' }, 429));
		w.acquire(flowOf(w), 300_000, false);
		w.acquire(flowOf(w), 10_000, false);
		await vi.advanceTimersByTimeAsync(0);
		expect(w.waiters.map((waiter) => waiter.state)).toEqual(['sent', 'waiting', 'failed']);
	});

	test('found in review: a 1-request execution arriving behind 200 queued gets the second turn', async () => {
		const w = world();
		const bulk = w.flow('new');
		for (let index = 0; index < 200; index += 1) w.acquire(bulk, 30_000, false);
		await vi.advanceTimersByTimeAsync(0);
		w.settle(
			0,
			answer({ 'ratelimit-limit': '20', 'ratelimit-remaining': '19', 'ratelimit-reset': '1' }),
		);
		await vi.advanceTimersByTimeAsync(120);
		w.acquire(w.flow('new'), 30_000, false);
		const small = w.waiters.at(-1)!;
		await vi.advanceTimersByTimeAsync(200);
		expect(small.state).toBe('sent');
		expect(small.turn! - small.sendsBefore).toBeLessThanOrEqual(2);
	});

	test('a request out alone with a Timeout of 300 s and another waiting for its answer: no timer past the longest window', async () => {
		const w = world();
		w.acquire(flowOf(w), 300_000, false); // the probe, its answer still to come
		w.acquire(flowOf(w), 300_000, false);
		await vi.advanceTimersByTimeAsync(0);
		expect(Math.max(...timers)).toBeLessThanOrEqual(LONGEST_WINDOW_MS);
		w.settle(0, answer({}));
		await vi.advanceTimersByTimeAsync(0);
		expect(w.waiters.map((waiter) => waiter.state)).toEqual(['sent', 'sent']);
	});

	test('found in review: RateLimit-Reset 999999999 with 5 left sets no timer past the longest window, and 60 s later one request checks', async () => {
		const w = world();
		const flow = flowOf(w);
		for (let index = 0; index < 20; index += 1) w.acquire(flow, 30_000, false);
		await vi.advanceTimersByTimeAsync(0);
		w.settle(
			0,
			answer({
				'ratelimit-limit': '20',
				'ratelimit-remaining': '5',
				'ratelimit-reset': '999999999',
			}),
		);
		await vi.advanceTimersByTimeAsync(0);
		expect(w.waiters.filter((waiter) => waiter.state === 'sent')).toHaveLength(6);
		expect(w.waiters.filter((waiter) => waiter.state === 'failed')).toHaveLength(14);
		while (w.out.length > 0) w.settle(0, answer({}));
		w.acquire(flow, 30_000, false);
		await vi.advanceTimersByTimeAsync(0);
		expect(w.waiters.at(-1)!.state, 'within the stated window: no turn').toBe('failed');
		await vi.advanceTimersByTimeAsync(LONGEST_WINDOW_MS);
		w.acquire(flow, 30_000, false);
		await vi.advanceTimersByTimeAsync(0);
		expect(w.waiters.at(-1)!.state, 'the check, a window’s longest later').toBe('sent');
		expect(Math.max(...timers)).toBeLessThanOrEqual(LONGEST_WINDOW_MS);
	});

	test('found in review: Retry-After 99999999 does not hold the token past the check 60 s later', async () => {
		const w = world();
		const flow = flowOf(w);
		w.acquire(flow, 30_000, false);
		await vi.advanceTimersByTimeAsync(0);
		w.settle(0, answer({ 'retry-after': '99999999' }, 429));
		w.acquire(flow, 30_000, false);
		await vi.advanceTimersByTimeAsync(LONGEST_WINDOW_MS - 1);
		expect(w.waiters[1].state).toBe('failed');
		await vi.advanceTimersByTimeAsync(1);
		w.acquire(flow, 30_000, false);
		w.acquire(flow, 30_000, false);
		await vi.advanceTimersByTimeAsync(0);
		// The check goes; the request behind it waits for its answer.
		expect(w.waiters.slice(2).map((waiter) => waiter.state)).toEqual(['sent', 'waiting']);
		w.settle(0, answer({}));
		await vi.advanceTimersByTimeAsync(0);
		expect(w.waiters[3].state).toBe('sent');
	});

	test('found by the model: a 429 saying 19 of 0 remain and Retry-After 99999999 locks nobody out', async () => {
		vi.setSystemTime(START);
		timers = [];
		const w = world();
		w.acquire(flowOf(w), 1_000, false);
		await vi.advanceTimersByTimeAsync(0);
		w.settle(
			0,
			answer(
				{
					date: new Date(w.videskNow).toUTCString(),
					'ratelimit-limit': '0',
					'ratelimit-remaining': '19',
					'retry-after': '99999999',
				},
				429,
			),
		);
		await vi.advanceTimersByTimeAsync(0);
		await drain(w, false);
	});

	test('found in review: a Unix-time reset from a clock 60 s ahead is read against its Date', async () => {
		const w = new World(60_000);
		const flow = flowOf(w);
		for (let index = 0; index < 40; index += 1) w.acquire(flow, 30_000, false);
		await vi.advanceTimersByTimeAsync(0);
		w.settle(
			0,
			answer({
				date: new Date(w.videskNow).toUTCString(),
				'ratelimit-limit': '20',
				'ratelimit-remaining': '0',
				'ratelimit-reset': String(Math.ceil((w.videskNow + 1000) / 1000)),
			}),
		);
		// Read against this machine's clock, the window would end a minute away: all would fail.
		await vi.advanceTimersByTimeAsync(2_100);
		expect(w.waiters.filter((waiter) => waiter.state === 'failed')).toHaveLength(0);
		expect(w.waiters.filter((waiter) => waiter.state === 'sent').length).toBeGreaterThan(1);
	});
});
