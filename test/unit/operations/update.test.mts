// Update through n8n's routing engine against the sandbox: success and the errors Videsk
// documents for it.
import { describe, expect, test } from 'vitest';
import { inHours, room, run, useSandbox } from '../../support/helpers.mjs';

const sandbox = useSandbox();

describe('Update', () => {
	test('changes name and dates and can issue a new access token', async () => {
		sandbox().seed(1);
		const exp = inHours(5);
		const { items } = await run(sandbox(), {
			operation: 'update',
			room: room('externalId', 'seed-1'),
			updateFields: { name: 'Renamed', exp, generateToken: true },
		});
		expect(sandbox().requests[0]).toMatchObject({
			method: 'PATCH',
			path: '/vpaas/rooms/seed-1',
			body: { name: 'Renamed', exp, generateToken: true },
		});
		expect(items[0].json).toMatchObject({ name: 'Renamed', exp });
		expect(items[0].json.accessToken).toBeTruthy();
	});

	test('without generating a token, no access token is in the output', async () => {
		sandbox().seed(1);
		const { items } = await run(sandbox(), {
			operation: 'update',
			room: room('externalId', 'seed-1'),
			updateFields: { name: 'Renamed' },
		});
		expect(items[0].json.accessToken).toBeUndefined();
	});

	test('needs at least one field, checked before any request', async () => {
		sandbox().seed(1);
		const { error } = await run(sandbox(), {
			operation: 'update',
			room: room('externalId', 'seed-1'),
			updateFields: {},
		});
		expect(error?.message).toBe('Update Fields: no field to change');
		// Says where to add one; says nothing of switches the user never added.
		expect(error?.description).toBe(
			'Click "Add Field" under "Update Fields" and pick what to change, such as Name or Expires At. Nothing was sent to Videsk. (To close a room, use the "End" operation.)',
		);
		expect(sandbox().requests).toHaveLength(0);
	});

	test('an added field left empty is named, not dropped', async () => {
		sandbox().seed(1);
		const { error } = await run(sandbox(), {
			operation: 'update',
			room: room('externalId', 'seed-1'),
			updateFields: { name: ' ' },
		});
		expect(error?.message).toBe('Name: added but empty');
		expect(sandbox().requests).toHaveLength(0);
	});

	// Reported: Update with only "Generate New Access Token" off sent an empty change.
	test.each([
		[{ generateToken: false }, 'Generate New Access Token is off'],
		[{ ended: false }, 'Ended is off'],
		[{ ended: false, generateToken: false }, 'Ended and Generate New Access Token are off'],
	])(
		'switches that are off change nothing: %j is refused, naming them',
		async (updateFields, off) => {
			sandbox().seed(1);
			const { error } = await run(sandbox(), {
				operation: 'update',
				room: room('externalId', 'seed-1'),
				updateFields,
			});
			expect(error?.message).toBe(`Update Fields: ${off}, which changes nothing`);
			expect(error?.description).toMatch(/^Turn (it|one of them) on, or add a field to change/);
			expect(sandbox().requests).toHaveLength(0);
		},
	);

	test('an ended room (404) says it may have ended', async () => {
		sandbox().seed(1);
		sandbox().end('seed-1');
		const { error } = await run(sandbox(), {
			operation: 'update',
			room: room('externalId', 'seed-1'),
			updateFields: { name: 'x' },
		});
		expect(error?.message).toBe(
			'Update: Videsk found no open room "seed-1": it does not exist or has already ended',
		);
		expect(error?.description).toContain('Videsk said: "Room not found or already ended"');
	});
});

describe('Update: switches reach Videsk typed', () => {
	// Reported: Update's Ended `{{ "false" }}` was sent as the text "false".
	test('Ended "true" from an expression is sent as true; "false" changes nothing', async () => {
		sandbox().seed(1);
		const ended = await run(sandbox(), {
			operation: 'update',
			room: room('externalId', 'seed-1'),
			updateFields: { ended: '={{ "true" }}' },
		});
		expect(ended.error).toBeUndefined();
		expect(sandbox().requests[0].body).toEqual({ ended: true });
		const off = await run(sandbox(), {
			operation: 'update',
			room: room('externalId', 'seed-1'),
			updateFields: { ended: '={{ "false" }}', name: 'Renamed' },
		});
		expect(off.error?.message).toMatch(/found no open room/); // it has just ended
		expect(sandbox().requests[1].body).toEqual({ name: 'Renamed' });
	});

	test('Generate New Access Token "maybe" is refused before any request', async () => {
		sandbox().seed(1);
		const { error } = await run(sandbox(), {
			operation: 'update',
			room: room('externalId', 'seed-1'),
			updateFields: { generateToken: '={{ "maybe" }}' },
		});
		expect(error?.message).toBe('Generate New Access Token: "maybe" is not true or false');
		expect(sandbox().requests).toHaveLength(0);
	});
});
