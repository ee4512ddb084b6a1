// Get Stats through n8n's routing engine against the sandbox: success and the errors Videsk
// documents for it.
import { describe, expect, test } from 'vitest';
import { room, run, useSandbox } from '../../support/helpers.mjs';

const sandbox = useSandbox();

describe('Get Stats', () => {
	test.each(['report', 'snapshot', 'summary'])(
		'view %s: sent as ?view= and passed through as returned',
		async (view) => {
			sandbox().seed(1);
			const { items, error } = await run(sandbox(), {
				operation: 'getStats',
				room: room('externalId', 'seed-1'),
				view,
			});
			expect(error).toBeUndefined();
			expect(sandbox().requests[0]).toMatchObject({
				method: 'GET',
				path: '/vpaas/rooms/seed-1/stats',
				query: { view },
			});
			const direct = await fetch(`${sandbox().url}/vpaas/rooms/seed-1/stats?view=${view}`, {
				headers: { Authorization: `Bearer ${sandbox().token}` },
			});
			expect(items.map((item) => item.json)).toEqual([await direct.json()]);
		},
	);

	test('an unknown room (404) is named in the error', async () => {
		const { error } = await run(sandbox(), {
			operation: 'getStats',
			room: room('externalId', 'missing'),
		});
		expect(error?.message).toBe('Get Stats: Videsk has no room "missing"');
	});
});
