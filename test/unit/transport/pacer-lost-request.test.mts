// A request whose answer never comes back to the pacer (its HTTP client lost it) holds the
// token's other requests no longer than its own Timeout. The pacer sends a token's first request
// (a probe) alone and waits for its answer; without a bound, every later execution, workflow and
// poll on that token and base URL in the process waited for good, past its own Timeout.
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect, test } from 'vitest';
import { useVirtualClock } from '../../support/clock.mjs';
import { PACKAGE_DIR } from '../../support/harness.mjs';
import { room, run, useSandbox } from '../../support/helpers.mjs';

interface Pacer {
	acquire(flow: object, timeoutMs: number): Promise<object>;
	observe(ticket: object): void;
}
const { RateLimitPacer } = createRequire(import.meta.url)(
	path.join(PACKAGE_DIR, 'dist/nodes/VideskRooms/transport/pacer.js'),
) as { RateLimitPacer: new () => Pacer };

const clock = useVirtualClock();
const sandbox = useSandbox();

const STILL_WAITING = 'still waiting';
const after = (ms: number) => clock.sleep(ms).then(() => STILL_WAITING as typeof STILL_WAITING);

test('a first request that never settles holds the next one no longer than its own Timeout', async () => {
	const pacer = new RateLimitPacer();
	await pacer.acquire({}, 300); // the probe: let through, its answer never observed
	const startedAt = clock.now();
	const next = await Promise.race([pacer.acquire({}, 10_000), after(5_000)]);
	expect(next).not.toBe(STILL_WAITING);
	expect(clock.now() - startedAt).toBeGreaterThanOrEqual(250);
	if (next !== STILL_WAITING) pacer.observe(next);
});

test('found in review: an execution whose request never settled does not stop the next one on the credential', async () => {
	sandbox().seed(1);
	const get = { operation: 'get', room: room('externalId', 'seed-1') };
	// The reviewer's lost request: a Timeout of -5, which the HTTP client threw on outside the
	// request's promise (it is now refused before any request).
	void run(
		sandbox(),
		{ ...get, requestOptions: { timeout: '={{ -5 }}' } },
		{ continueOnFail: true },
	);
	await clock.sleep(300);
	const next = await Promise.race([
		run(sandbox(), { ...get, requestOptions: { timeout: 2_000 } }, { continueOnFail: true }),
		after(10_000),
	]);
	expect(next).not.toBe(STILL_WAITING);
	if (next === STILL_WAITING) return;
	expect(next.items.map((item) => item.json.externalId)).toEqual(['seed-1']);
}, 20_000);
