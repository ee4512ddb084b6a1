// Create through n8n's routing engine against the sandbox: success and the errors Videsk
// documents for it.
import { describe, expect, test } from 'vitest';
import { inHours, run, useSandbox } from '../../support/helpers.mjs';

const sandbox = useSandbox();

describe('Create', () => {
	test('sends every field in Videsk’s wire names and returns the room with its access token', async () => {
		const nbf = inHours(1);
		const exp = inHours(3);
		const { items, error } = await run(sandbox(), {
			operation: 'create',
			createExternalId: 'deal-4711',
			name: 'Kick-off',
			additionalFields: {
				nbf,
				exp,
				maxParticipants: 4,
				recordingEnabled: true,
				otherSettings: '{"layout": "grid", "maxParticipants": 99}',
			},
		});
		expect(error).toBeUndefined();
		const [request] = sandbox().requests;
		expect(request).toMatchObject({ method: 'POST', path: '/vpaas/rooms' });
		expect(request.headers['content-type']).toMatch(/^application\/json/);
		expect(request.headers.authorization).toBe(`Bearer ${sandbox().token}`);
		expect(request.body).toEqual({
			externalId: 'deal-4711',
			name: 'Kick-off',
			nbf,
			exp,
			settings: { layout: 'grid', maxParticipants: 4, recordingEnabled: true },
		});
		expect(items).toHaveLength(1);
		expect(items[0].json).toMatchObject({ externalId: 'deal-4711', name: 'Kick-off', nbf, exp });
		expect(items[0].json.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
	});

	test('with no fields lets Videsk choose name, externalId and dates', async () => {
		const { items } = await run(sandbox(), { operation: 'create' });
		expect(['', {}]).toContainEqual(sandbox().requests[0].body);
		expect(items[0].json.externalId).toBeTruthy();
	});

	test('a duplicate External ID (409) points to Create or Get', async () => {
		sandbox().seed(1);
		const { error } = await run(sandbox(), { operation: 'create', createExternalId: 'seed-1' });
		expect(error?.message).toBe(
			'Create: A room with this External ID already exists (room with External ID "seed-1")',
		);
		expect(error?.description).toContain('Use the "Create or Get" operation');
		expect(error?.description).toContain(
			'Videsk said: "A room with externalId "seed-1" already exists"',
		);
	});

	test('a 400 from Videsk names the fields it rejected', async () => {
		sandbox().settings.maxLifetimeHours = 1;
		const { error } = await run(sandbox(), {
			operation: 'create',
			additionalFields: { exp: inHours(2) },
		});
		expect(error?.message).toBe('Create: Videsk rejected the request for a new room as invalid');
		expect(error?.description).toContain('A room can last at most 1 hours');
	});
});
