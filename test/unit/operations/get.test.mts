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
			'expiresAt',
			'externalId',
			'id',
			'name',
			'nbf',
			'start',
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

describe('Get: the answer is checked before it becomes output', () => {
	// Reported: Get answered 200 {} gave an empty item.
	test.each([
		[{}, 'a room without "id"'],
		[{ id: 7 }, 'a room without "id"'],
		[[], 'a list, not an object'],
		[null, 'null'],
	])('200 %j is an error saying what came back', async (body, what) => {
		sandbox().seed(1);
		sandbox().fault({ method: 'GET', status: 200, body });
		const { items, error } = await run(sandbox(), {
			operation: 'get',
			room: room('externalId', 'seed-1'),
		});
		expect(items).toHaveLength(0);
		expect(error?.message).toBe(`Get: Videsk answered 200 with ${what} (room "seed-1")`);
		expect(error?.description).not.toContain('may have made the change');
	});
});
