// What a 429's advice says about the request: the wait Videsk asked for, in seconds, and that the
// node sent it again only when it did. A Retry-After longer than the Timeout fails the item at
// once, without sending it again; a 429 after the retries says how often it was sent again.
import { afterEach, beforeEach, expect, test } from 'vitest';
import { useVirtualClock } from '../../support/clock.mjs';
import { room, run } from '../../support/helpers.mjs';
import { startSandbox, type Sandbox } from '../../sandbox/server.mjs';

useVirtualClock();
// A sandbox (a base URL, so a pacer) of its own for each test: a 429's hold stays in the pacer.
let current: Sandbox | undefined;
const sandbox = () => current!;
beforeEach(async () => {
	current = await startSandbox();
});
afterEach(async () => {
	await current?.close();
});
const get = { operation: 'get', room: room('externalId', 'seed-1') };
const tooMany = { name: 'TooManyRequests', message: 'Slow down', code: 429 };

test('found in review: a 429 asking for longer than the Timeout says the wait in seconds, and not that the request was sent again', async () => {
	sandbox().seed(1);
	sandbox().fault({ status: 429, body: tooMany, headers: { 'Retry-After': '120' } });
	const { items } = await run(sandbox(), get, { continueOnFail: true });
	expect(items[0].json.error).toBe('Get: Videsk’s rate limit was reached (room "seed-1")');
	expect(sandbox().requests).toHaveLength(1);
	const description = String(items[0].error?.description);
	expect(description).toContain('It asked to wait 120 s.');
	expect(description).not.toMatch(/sent (this one|it) again/);
});

test('a 429 after the retries says the node sent it again 3 times', async () => {
	sandbox().seed(1);
	sandbox().fault({ status: 429, body: tooMany, headers: { 'Retry-After': '0' }, times: 10 });
	const { items } = await run(sandbox(), get, { continueOnFail: true });
	expect(sandbox().requests).toHaveLength(4);
	expect(String(items[0].error?.description)).toContain(
		'The node sent it again 3 times, refused each time.',
	);
});
