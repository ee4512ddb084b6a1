// End through n8n's routing engine against the sandbox: success and the errors Videsk
// documents for it.
import { describe, expect, test } from 'vitest';
import { room, run, useSandbox } from '../../support/helpers.mjs';

const sandbox = useSandbox();

describe('End', () => {
	test('marks the room as ended', async () => {
		sandbox().seed(1);
		const { items } = await run(sandbox(), {
			operation: 'end',
			room: room('externalId', 'seed-1'),
		});
		expect(sandbox().requests[0]).toMatchObject({ method: 'PATCH', body: { ended: true } });
		expect(items[0].json).toMatchObject({ externalId: 'seed-1', ended: true });
	});

	test('an already ended room gets a specific error, or success when the option says so', async () => {
		sandbox().seed(1);
		sandbox().end('seed-1');
		const failed = await run(sandbox(), { operation: 'end', room: room('externalId', 'seed-1') });
		expect(failed.error?.message).toBe('End: room "seed-1" has already ended');
		expect(failed.error?.description).toContain('Treat Already Ended as Success');
		const tolerated = await run(sandbox(), {
			operation: 'end',
			room: room('externalId', 'seed-1'),
			options: { alreadyEndedIsSuccess: true },
		});
		expect(tolerated.error).toBeUndefined();
		expect(tolerated.items[0].json).toMatchObject({
			externalId: 'seed-1',
			ended: true,
			alreadyEnded: true,
		});
	});

	test('an unknown room keeps Videsk’s not-found error', async () => {
		const { error } = await run(sandbox(), { operation: 'end', room: room('externalId', 'ghost') });
		expect(error?.message).toBe(
			'End: Videsk found no open room "ghost": it does not exist or has already ended',
		);
		expect(sandbox().requests.map((r) => r.method)).toEqual(['PATCH', 'GET']);
	});
	test('found in review: NotFound to the change of a room Videsk then shows open: said as such, no "Create a new one"', async () => {
		sandbox().seed(1);
		sandbox().fault({
			method: 'PATCH',
			status: 404,
			body: { name: 'NotFound', message: 'Room not found or already ended', code: 404 },
		});
		const { error } = await run(sandbox(), {
			operation: 'end',
			room: room('externalId', 'seed-1'),
		});
		expect(error?.message).toBe(
			'End: Videsk refused to end room "seed-1" (not found), yet shows it open',
		);
		expect(error?.description).toContain('Nothing was changed');
		expect(error?.description).not.toContain('Create');
		expect(sandbox().rooms()[0].ended).toBe(false);
		expect(sandbox().requests.map((r) => r.method)).toEqual(['PATCH', 'GET']);
	});
});
