// Delete through n8n's routing engine against the sandbox: success and the errors Videsk
// documents for it.
import { describe, expect, test } from 'vitest';
import { room, run, useSandbox } from '../../support/helpers.mjs';

const sandbox = useSandbox();

describe('Delete', () => {
	test('Videsk’s 403 becomes "use End instead"', async () => {
		sandbox().seed(1);
		const { error } = await run(sandbox(), {
			operation: 'delete',
			room: room('externalId', 'seed-1'),
		});
		expect(sandbox().requests[0]).toMatchObject({ method: 'DELETE', path: '/vpaas/rooms/seed-1' });
		expect(error?.message).toBe(
			'Delete: Videsk does not allow deleting rooms through its API (room "seed-1")',
		);
		expect(error?.description).toContain('Use the "End" operation instead');
		expect(error?.description).toContain('Videsk said: "Not allowed"');
	});
});
