// README "Retries": a read is sent again after a 502, 503 or 504 or a broken connection, and
// the item succeeds (added in review: no other test had a read fail once, then succeed).
import { expect, test } from 'vitest';
import { useVirtualClock } from '../../support/clock.mjs';
import { room, run, useSandbox } from '../../support/helpers.mjs';

useVirtualClock();
const sandbox = useSandbox();

test.each([
	['503', { status: 503, body: 'busy', times: 1 }],
	['502', { status: 502, body: '', times: 1 }],
	['504', { status: 504, body: '', times: 1 }],
	['connection reset', { kind: 'reset', times: 1 }],
	['no answer in time', { kind: 'hang', times: 1 }],
] as const)('Get is retried after one %s and succeeds', async (_, fault) => {
	sandbox().seed(1);
	sandbox().fault(fault as never);
	const { items, error } = await run(sandbox(), {
		operation: 'get',
		room: room('externalId', 'seed-1'),
		requestOptions: { timeout: 500 },
	});
	expect(error?.message).toBeUndefined();
	expect(items[0].json.externalId).toBe('seed-1');
	expect(sandbox().requests).toHaveLength(2);
});

test('a read refused with 503 each time is sent again after 0.25, 0.5 and 1 s, then fails', async () => {
	sandbox().seed(1);
	sandbox().fault({ status: 503, body: 'busy', times: 4 } as never);
	const { error } = await run(sandbox(), {
		operation: 'get',
		room: room('externalId', 'seed-1'),
	});
	expect(error?.message).toContain('HTTP 503');
	const at = sandbox().requests.map((request) => request.receivedAt);
	expect(at.slice(1).map((time, index) => time - at[index])).toEqual([250, 500, 1000]);
});
