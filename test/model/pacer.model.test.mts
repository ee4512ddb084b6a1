// The pacer (transport/pacer.ts) over generated histories: requests queued with various
// Timeouts, answered with any rate-limit reading, failing without an answer, stopped, and time
// passing. Whatever happened, once Videsk answers normally again every waiting request gets its
// turn or fails within a bounded time: nothing waits forever. Stopped requests leave at once.
// Fake timers and clock: every wait is simulated, none real.
import { getEventListeners } from 'node:events';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { RateLimitReading } from '../../nodes/VideskRooms/transport/pacer.js';
import { PACKAGE_DIR } from '../support/harness.mjs';
import { fc, numRuns } from '../support/properties.mjs';

type Reading = RateLimitReading;
interface Ticket {
	sequence: number;
	reading?: Reading;
}
interface Pacer {
	acquire(timeoutMs: number, signal?: AbortSignal): Promise<Ticket>;
	observe(ticket: Ticket): void;
}
const { RateLimitPacer } = createRequire(import.meta.url)(
	path.join(PACKAGE_DIR, 'dist/nodes/VideskRooms/transport/pacer.js'),
) as { RateLimitPacer: new () => Pacer };

const LIMIT = 20;
const TIMEOUTS = [1_000, 10_000, 30_000];

beforeEach(() => {
	vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
	vi.setSystemTime(Date.UTC(2026, 4, 1, 9, 30));
});
afterEach(() => vi.useRealTimers());

interface Waiter {
	state: 'waiting' | 'sent' | 'failed';
	stop?: AbortController;
}

/** The pacer under test, its waiters, and the requests it let through still without an answer. */
class World {
	pacer = new RateLimitPacer();
	waiters: Waiter[] = [];
	out: Ticket[] = [];

	acquire(timeoutMs: number, stoppable: boolean) {
		const waiter: Waiter = {
			state: 'waiting',
			stop: stoppable ? new AbortController() : undefined,
		};
		this.waiters.push(waiter);
		this.pacer.acquire(timeoutMs, waiter.stop?.signal).then(
			(ticket) => {
				waiter.state = 'sent';
				this.out.push(ticket);
			},
			() => (waiter.state = 'failed'),
		);
	}

	/** Answers (or fails without an answer) one request that is out. */
	settle(pick: number, reading?: Omit<Reading, 'receivedAt'>) {
		if (this.out.length === 0) return;
		const [ticket] = this.out.splice(pick % this.out.length, 1);
		this.pacer.observe({ ...ticket, reading: reading && { ...reading, receivedAt: Date.now() } });
	}
}

type Command = fc.AsyncCommand<object, World>;
const command = (name: string, run: (world: World) => Promise<void>): Command => ({
	check: () => true,
	run: async (_, world) => run(world),
	toString: () => name,
});

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
			timeoutMs: fc.constantFrom(...TIMEOUTS),
			stoppable: fc.boolean(),
			count: fc.integer({ min: 1, max: 30 }),
		})
		.map(({ timeoutMs, stoppable, count }) =>
			command(`acquire ${count}× (Timeout ${timeoutMs}, stoppable ${stoppable})`, async (world) => {
				for (let index = 0; index < count; index += 1) world.acquire(timeoutMs, stoppable);
				await vi.advanceTimersByTimeAsync(0);
			}),
		),
	fc
		.record({
			pick: fc.nat(),
			status: fc.constantFrom(200, 429),
			remaining: fc.option(fc.integer({ min: 0, max: LIMIT }), { nil: undefined }),
			resetMs: fc.option(fc.integer({ min: 0, max: 5_000 }), { nil: undefined }),
			retryAfterMs: fc.option(fc.integer({ min: 0, max: 60_000 }), { nil: undefined }),
		})
		.map(({ pick, status, remaining, resetMs, retryAfterMs }) =>
			command(
				`answer ${status} remaining ${remaining} reset ${resetMs} retry ${retryAfterMs}`,
				async (world) => {
					const now = Date.now();
					world.settle(pick, {
						status,
						limit: remaining === undefined ? undefined : LIMIT,
						remaining,
						resetAt: resetMs === undefined ? undefined : now + resetMs,
						retryAt: status === 429 && retryAfterMs !== undefined ? now + retryAfterMs : undefined,
					});
					await vi.advanceTimersByTimeAsync(0);
				},
			),
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
	fc.integer({ min: 1, max: 3_000 }).map((ms) =>
		command(`${ms} ms pass`, async () => {
			await vi.advanceTimersByTimeAsync(ms);
		}),
	),
];

/**
 * Videsk back to normal: each request out is answered at once, from a real one-second window of
 * LIMIT requests, while new requests keep coming at twice that rate for 4 s (as busy executions
 * send them). Liveness: every waiter gets its turn or fails within a bound. Safety: once the
 * pacer has had 2 s to read Videsk's headers, it keeps under the limit (at most 2 refused).
 */
async function drain(world: World) {
	const waiting = () => world.waiters.filter((w) => w.state === 'waiting').length;
	const boundMs = Math.max(...TIMEOUTS) + 60_000 + ((waiting() + 160) / LIMIT) * 2_000;
	let windowStart = Date.now();
	let count = 0;
	let refusedLate = 0;
	for (
		let elapsed = 0;
		elapsed <= boundMs && (elapsed < 4_000 || waiting() > 0 || world.out.length > 0);
		elapsed += 50
	) {
		if (elapsed < 4_000 && elapsed % 500 === 0) {
			for (let index = 0; index < LIMIT; index += 1) world.acquire(30_000, false);
		}
		while (world.out.length > 0) {
			const now = Date.now();
			if (now - windowStart >= 1000) [windowStart, count] = [now, 0];
			count += 1;
			if (count > LIMIT && elapsed >= 2_000) refusedLate += 1;
			world.settle(0, {
				status: count > LIMIT ? 429 : 200,
				limit: LIMIT,
				remaining: Math.max(LIMIT - count, 0),
				resetAt: windowStart + 1000,
			});
		}
		await vi.advanceTimersByTimeAsync(50);
	}
	expect(waiting(), `requests still waiting ${boundMs} ms after Videsk answers normally`).toBe(0);
	expect(
		refusedLate,
		'requests refused (429) once the pacer could read the headers',
	).toBeLessThanOrEqual(2);
}

describe('the pacer never leaves a request waiting for good', () => {
	test('any history, then normal answers: every request gets its turn or fails, in bounded time', async () => {
		await fc.assert(
			fc.asyncProperty(fc.commands(commands, { maxCommands: 60 }), async (history) => {
				vi.setSystemTime(Date.UTC(2026, 4, 1, 9, 30));
				const world = new World();
				await fc.asyncModelRun(() => ({ model: {}, real: world }), history);
				await drain(world);
			}),
			{ numRuns: numRuns(1000) },
		);
	});

	// Histories that stuck the first version (found in review), kept as examples.
	test('found in review: 20 requests without an answer after one answered (the assumed window counted them for good)', async () => {
		const world = new World();
		world.acquire(30_000, false);
		await vi.advanceTimersByTimeAsync(0);
		world.settle(0, { status: 200, limit: LIMIT, remaining: 19, resetAt: Date.now() + 1000 });
		for (let index = 0; index < 20; index += 1) {
			world.acquire(30_000, false);
			await vi.advanceTimersByTimeAsync(5_000);
			world.settle(0);
		}
		world.acquire(30_000, false);
		await vi.advanceTimersByTimeAsync(2_000);
		expect(world.waiters.at(-1)!.state).toBe('sent');
	});

	test('found in review: a request that got its turn leaves no listener on the execution’s cancel signal', async () => {
		const pacer = new RateLimitPacer();
		const execution = new AbortController();
		for (let index = 0; index < 50; index += 1) {
			const ticket = pacer.acquire(30_000, execution.signal);
			await vi.advanceTimersByTimeAsync(0);
			pacer.observe({ ...(await ticket), reading: { receivedAt: Date.now(), status: 200 } });
		}
		expect(getEventListeners(execution.signal, 'abort')).toHaveLength(0);
	});

	test('found in review: an execution stopped before its request asks for a turn gets none', async () => {
		const world = new World();
		const stopped = new AbortController();
		stopped.abort();
		world.waiters.push({ state: 'waiting', stop: stopped });
		world.pacer.acquire(30_000, stopped.signal).then(
			() => (world.waiters[0].state = 'sent'),
			() => (world.waiters[0].state = 'failed'),
		);
		await vi.advanceTimersByTimeAsync(1_000);
		expect(world.waiters[0].state).toBe('failed');
	});

	test('found in review: a stopped execution waiting behind a request still out leaves at once', async () => {
		const world = new World();
		world.acquire(30_000, false); // the probe, out without an answer yet
		world.acquire(30_000, true);
		await vi.advanceTimersByTimeAsync(0);
		world.waiters[1].stop!.abort();
		await vi.advanceTimersByTimeAsync(0);
		expect(world.waiters.map((w) => w.state)).toEqual(['sent', 'failed']);
	});

	test('found in review: behind a waiter with a longer Timeout, a short one fails at once when Videsk asks for longer', async () => {
		const world = new World();
		world.acquire(30_000, false);
		await vi.advanceTimersByTimeAsync(0);
		world.settle(0, { status: 429, retryAt: Date.now() + 60_000 });
		world.acquire(300_000, false);
		world.acquire(10_000, false);
		await vi.advanceTimersByTimeAsync(0);
		expect(world.waiters.map((w) => w.state)).toEqual(['sent', 'waiting', 'failed']);
	});
});
