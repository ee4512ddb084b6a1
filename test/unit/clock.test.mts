// The virtual clock of the unit and model tiers (test/support/clock.mts): timers fire in order
// and at their exact time, time waits for whatever is under way (a request on its way to the
// sandbox or back, the sandbox handling it, n8n and the node handling the answer), a request
// that never gets an answer ends at its deadline, and nothing waits in real time.
import { describe, expect, test } from 'vitest';
import { productClock, useVirtualClock, VirtualClock } from '../support/clock.mjs';
import { room, run, useSandbox } from '../support/helpers.mjs';

const clock = useVirtualClock();
const sandbox = useSandbox();

/** Resolves with what `steps` recorded, once all of them have. */
function recorder() {
	const order: string[] = [];
	return { order, mark: (label: string) => () => void order.push(label) };
}

describe('timers', () => {
	test('fire in the order of their time, those for one instant in the order they were set, each at its time', async () => {
		const { order, mark } = recorder();
		const start = clock.now();
		const at: Record<string, number> = {};
		const sleep = (ms: number, label: string) =>
			clock.sleep(ms).then(() => {
				at[label] = clock.now() - start;
				mark(label)();
			});
		await Promise.all([
			sleep(300, 'c'),
			sleep(100, 'a'),
			sleep(200, 'b1'),
			sleep(200, 'b2'),
			sleep(0, 'now'),
			sleep(-5, 'past'),
		]);
		expect(order).toEqual(['now', 'past', 'a', 'b1', 'b2', 'c']);
		expect(at).toEqual({ now: 0, past: 0, a: 100, b1: 200, b2: 200, c: 300 });
	});

	test('an hour passes without waiting for it', async () => {
		const realStart = Date.now();
		const start = clock.now();
		const elapsed = clock.elapsed();
		for (let minute = 0; minute < 60; minute += 1) await clock.sleep(60_000);
		expect(clock.now() - start).toBe(3_600_000);
		expect(clock.elapsed() - elapsed).toBe(3_600_000);
		expect(Date.now() - realStart).toBeLessThan(2_000);
	});

	test('a timer set while another fires is ordered among the rest', async () => {
		const { order, mark } = recorder();
		const start = clock.now();
		await Promise.all([
			clock.sleep(100).then(() => clock.sleep(50).then(mark('150'))),
			clock.sleep(120).then(mark('120')),
			clock.sleep(200).then(mark('200')),
		]);
		expect(order).toEqual(['120', '150', '200']);
		expect(clock.now() - start).toBe(200);
	});

	test('longer than Node’s timers hold: warns and lasts 1 ms, as setTimeout does', async () => {
		const warnings: string[] = [];
		const onWarning = (warning: Error) => warnings.push(warning.name);
		process.on('warning', onWarning);
		try {
			const start = clock.now();
			await clock.sleep(2 ** 31);
			expect(clock.now() - start).toBe(1);
			await clock.sleep(2 ** 31 - 1);
			expect(clock.now() - start).toBe(2 ** 31);
			// Warnings are emitted on the next tick.
			await new Promise((resolve) => setImmediate(resolve));
			expect(warnings).toEqual(['TimeoutOverflowWarning']);
		} finally {
			process.off('warning', onWarning);
		}
	});
});

describe('aborted sleeps', () => {
	test('end at once, and time does not move on to them', async () => {
		const start = clock.now();
		const stop = new AbortController();
		const long = clock.sleep(60_000, stop.signal);
		await clock.sleep(10);
		stop.abort();
		await long;
		expect(clock.now() - start).toBe(10);
		// Nothing is left pending: the clock has no reason to move on.
		await clock.settled();
		expect(clock.now() - start).toBe(10);
	});

	test('a sleep given an aborted signal ends at once', async () => {
		const start = clock.now();
		const stop = new AbortController();
		stop.abort();
		await clock.sleep(5_000, stop.signal);
		expect(clock.now()).toBe(start);
	});
});

describe('time waits for what is under way', () => {
	test('an answer on its way comes before a timer 1 ms away, every time', async () => {
		sandbox().seed(100);
		const start = clock.now();
		for (let round = 0; round < 20; round += 1) {
			const { order, mark } = recorder();
			const timer = clock.sleep(1).then(mark('timer'));
			// A page of 100 rooms: tens of kilobytes, read in several turns of the event loop; a
			// new connection each round.
			const answer = fetch(`${sandbox().url}/vpaas/rooms?$limit=100`, {
				headers: { Authorization: `Bearer ${sandbox().token}`, Connection: 'close' },
			})
				.then((response) => response.json())
				.then(mark('answer'));
			await Promise.all([timer, answer]);
			expect(order).toEqual(['answer', 'timer']);
			expect(sandbox().requests[round].receivedAt).toBe(start + round);
		}
	});

	test('n8n and the node handle an answer before a timer 1 ms away, every time', async () => {
		sandbox().seed(3);
		for (let round = 0; round < 5; round += 1) {
			const { order, mark } = recorder();
			const timer = clock.sleep(1).then(mark('timer'));
			const execution = run(sandbox(), { operation: 'getAll', returnAll: true }).then((result) => {
				expect(result.items).toHaveLength(3);
				mark('execution')();
			});
			await Promise.all([timer, execution]);
			expect(order).toEqual(['execution', 'timer']);
		}
	});

	test('latency: the answer comes at its time, between the timers before and after it', async () => {
		sandbox().seed(1);
		sandbox().settings.latencyMs = 50;
		const { order, mark } = recorder();
		const start = clock.now();
		let answeredAt = 0;
		await Promise.all([
			clock.sleep(49).then(mark('49')),
			run(sandbox(), { operation: 'get', room: room('externalId', 'seed-1') }).then(() => {
				answeredAt = clock.now() - start;
				mark('answer')();
			}),
			clock.sleep(51).then(mark('51')),
		]);
		expect(order).toEqual(['49', 'answer', '51']);
		expect(answeredAt).toBe(50);
	});

	test('a trickling body takes exactly its bytes × the interval', async () => {
		sandbox().seed(1);
		const start = clock.now();
		sandbox().fault({ nth: 1, kind: 'trickle', intervalMs: 100 });
		const response = await fetch(`${sandbox().url}/vpaas/rooms/seed-1`, {
			headers: { Authorization: `Bearer ${sandbox().token}` },
		});
		const body = await response.text();
		expect(JSON.parse(body).externalId).toBe('seed-1');
		expect(clock.now() - start).toBe(body.length * 100);
	});

	test("the sandbox's rate limit counts in virtual time: refused within the second, let through after it", async () => {
		sandbox().settings.rateLimit = { perSecond: 3 };
		const get = () =>
			fetch(`${sandbox().url}/vpaas/rooms?$limit=1`, {
				headers: { Authorization: `Bearer ${sandbox().token}` },
			}).then((response) => response.status);
		// Which of the four arrives last is the network's choice.
		expect((await Promise.all([get(), get(), get(), get()])).sort()).toEqual([200, 200, 200, 429]);
		await clock.sleep(999);
		expect(await get()).toBe(429);
		await clock.sleep(1);
		expect(await get()).toBe(200);
	});

	test('fifty requests at once, each 10 ms slower than the one before: answered in that order, each at its time', async () => {
		sandbox().seed(1);
		const start = clock.now();
		const answered: number[] = [];
		for (let index = 0; index < 50; index += 1) {
			sandbox().fault({ nth: index + 1, latencyMs: 10 * (50 - index) });
		}
		await Promise.all(
			Array.from({ length: 50 }, () =>
				fetch(`${sandbox().url}/vpaas/rooms/seed-1`, {
					headers: { Authorization: `Bearer ${sandbox().token}` },
				}).then(async (response) => {
					await response.text();
					answered.push(clock.now() - start);
				}),
			),
		);
		expect(answered).toEqual(Array.from({ length: 50 }, (_, index) => 10 * (index + 1)));
	});
});

describe('a request that never gets an answer', () => {
	test('ends at its deadline, a timer on the clock, and not before', async () => {
		sandbox().fault({ method: 'POST', kind: 'hang' });
		const start = clock.now();
		const realStart = Date.now();
		const { error } = await run(sandbox(), {
			operation: 'create',
			createExternalId: 'never-answered',
			requestOptions: { timeout: 30_000 },
		});
		expect(error?.message).toBe(
			'Create: could not reach Videsk for room with External ID "never-answered": no answer within 30 seconds',
		);
		expect(clock.now() - start).toBe(30_000);
		expect(sandbox().requests).toHaveLength(1);
		expect(Date.now() - realStart).toBeLessThan(10_000);
	});

	test('a read is sent again after its deadline, after the backoff', async () => {
		sandbox().seed(1);
		sandbox().fault({ method: 'GET', kind: 'hang' });
		const start = clock.now();
		const { items } = await run(sandbox(), {
			operation: 'get',
			room: room('externalId', 'seed-1'),
			requestOptions: { timeout: 2_000 },
		});
		expect(items[0].json.externalId).toBe('seed-1');
		// The first attempt's 2 s, then the first backoff, 250 ms.
		expect(sandbox().requests.map((request) => request.receivedAt - start)).toEqual([0, 2_250]);
	});
});

describe('installed for a file', () => {
	test("the product's clock is this one, and gives n8n's HTTP client no real-time timeout", () => {
		const product = productClock();
		expect(product.now()).toBe(clock.now());
		expect(product.httpTimeoutMs(300)).toBe(0);
	});

	test('a clock of its own is independent of the file’s', async () => {
		const other = new VirtualClock(0);
		const before = clock.now();
		await other.sleep(5_000);
		expect(other.now()).toBe(5_000);
		expect(clock.now()).toBe(before);
	});
});
