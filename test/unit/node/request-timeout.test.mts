// "Request Options" → "Timeout", which n8n adds to every declarative node and hands to its HTTP
// client as it is: read by its rule with the item's other parameters, so that a value that is not
// a whole number of milliseconds (Node's timers hold up to 2^31 − 1) fails the item before any
// request, naming the field and saying what to do. Unchecked, a negative one made the HTTP client
// throw outside the request's promise (the execution never settled) and text failed as "could
// not reach Videsk".
import { expect, test } from 'vitest';
import { useVirtualClock } from '../../support/clock.mjs';
import { room, run, useSandbox } from '../../support/helpers.mjs';

const clock = useVirtualClock();
const sandbox = useSandbox();
const get = { operation: 'get', room: room('externalId', 'seed-1') };

/** The run, or 'still running' if it has not settled within `ms` (on the test's clock). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still running'> {
	const settled = new AbortController();
	const late = clock.sleep(ms, settled.signal).then(() => 'still running' as const);
	try {
		return await Promise.race([promise, late]);
	} finally {
		settled.abort();
	}
}

test.each([
	['={{ "abc" }}', 'text'],
	['={{ -5 }}', 'a negative number'],
	['={{ 0 }}', 'zero'],
	['={{ 1.5 }}', 'a fraction of a millisecond'],
	['={{ 2 ** 31 }}', 'more than Node’s timers hold'],
	['={{ "" }}', 'nothing'],
	['={{ {} }}', 'an object'],
])(
	'a Timeout of %s (%s) fails the item at once, naming "Timeout" and saying what to give, before any request',
	async (timeout) => {
		sandbox().seed(1);
		const result = await within(
			run(sandbox(), { ...get, requestOptions: { timeout } }, { continueOnFail: true }),
			5_000,
		);
		expect(result).not.toBe('still running');
		if (result === 'still running') return;
		expect(result.items).toHaveLength(1);
		expect(String(result.items[0].json.error)).toMatch(/^Timeout: /);
		expect(String(result.items[0].error?.description)).toContain('in milliseconds, such as 30000');
		expect(sandbox().requests).toHaveLength(0);
	},
	15_000,
);

test('under Stop, a Timeout of -5 fails the node naming "Timeout", before any request', async () => {
	sandbox().seed(1);
	const { error } = await run(sandbox(), { ...get, requestOptions: { timeout: '={{ -5 }}' } });
	expect(error?.message).toBe('Timeout: -5 is not a whole number from 1 to 2147483647');
	expect(sandbox().requests).toHaveLength(0);
});

test('a Timeout from an expression as digits ("2000") is the wait for the answer', async () => {
	sandbox().seed(1);
	const { items } = await run(sandbox(), { ...get, requestOptions: { timeout: '={{ "2000" }}' } });
	expect(items.map((item) => item.json.externalId)).toEqual(['seed-1']);
	sandbox().fault({ method: 'GET', kind: 'hang', times: 10 });
	const startedAt = clock.now();
	const late = await run(
		sandbox(),
		{ ...get, requestOptions: { timeout: '={{ "300" }}' } },
		{ continueOnFail: true },
	);
	expect(String(late.items[0].json.error)).toMatch(/could not reach Videsk/);
	expect(clock.now() - startedAt).toBeLessThan(10_000);
}, 20_000);
