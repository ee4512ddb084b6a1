// Get through n8n's routing engine against the sandbox: success and the errors Videsk
// documents for it.
import { describe, expect, test } from 'vitest';
import { room, run, useSandbox } from '../../support/helpers.mjs';

const sandbox = useSandbox();

describe('Get', () => {
	test('finds a room by ID, by External ID and from the list', async () => {
		sandbox().seed(2);
		const [first] = sandbox().rooms();
		for (const locator of [
			room('id', first.id),
			room('externalId', 'seed-1'),
			room('list', first.id),
		]) {
			const { items, error } = await run(sandbox(), {
				operation: 'get',
				room: locator,
				output: 'raw',
			});
			expect(error).toBeUndefined();
			expect(items.map((item) => item.json)).toEqual([first]);
		}
	});

	test('Output Simplified keeps the essential fields', async () => {
		sandbox().seed(1);
		const { items } = await run(sandbox(), {
			operation: 'get',
			room: room('externalId', 'seed-1'),
			output: 'simple',
		});
		expect(Object.keys(items[0].json).sort()).toEqual([
			'ended',
			'exp',
			'externalId',
			'id',
			'name',
			'nbf',
		]);
	});

	test('an unknown room (404) is named in the error', async () => {
		const { error } = await run(sandbox(), {
			operation: 'get',
			room: room('externalId', 'missing'),
		});
		expect(error?.message).toBe('Get: Videsk has no room "missing"');
		expect(error?.httpCode).toBe('404');
		expect(error?.description).toContain('Check the "Room" field');
	});
});
