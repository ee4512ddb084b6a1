// Create through n8n's routing engine against the sandbox: success and the errors Videsk
// documents for it.
import { describe, expect, test } from 'vitest';
import { inHours, quotedInUtc, run, useSandbox } from '../../support/helpers.mjs';

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

describe('settings reach Videsk typed', () => {
	// Reported: Recording Enabled `{{ "false" }}` was sent as the text "false" (truthy for a
	// server); Max Participants "ten" and -5 were sent.
	test('Recording Enabled and Max Participants as text from an expression are sent as a boolean and a number', async () => {
		const { error } = await run(sandbox(), {
			operation: 'create',
			additionalFields: { recordingEnabled: '={{ "false" }}', maxParticipants: '={{ "12" }}' },
		});
		expect(error).toBeUndefined();
		expect(sandbox().requests[0].body.settings).toEqual({
			recordingEnabled: false,
			maxParticipants: 12,
		});
	});

	test.each([
		['={{ "ten" }}', 'Max Participants: "ten" is not a whole number of 1 or more'],
		['={{ -5 }}', 'Max Participants: -5 is not a whole number of 1 or more'],
		['={{ 2.5 }}', 'Max Participants: 2.5 is not a whole number of 1 or more'],
		[-5, 'Max Participants: -5 is not a whole number of 1 or more'],
	])('Max Participants %j is refused before any request', async (maxParticipants, message) => {
		const { error } = await run(sandbox(), {
			operation: 'create',
			additionalFields: { maxParticipants },
		});
		expect(error?.message).toBe(message);
		expect(sandbox().requests).toHaveLength(0);
	});

	test.each([
		['={{ "yes" }}', 'Recording Enabled: "yes" is not true or false'],
		['={{ 1 }}', 'Recording Enabled: 1 is not true or false'],
	])('Recording Enabled %j is refused before any request', async (recordingEnabled, message) => {
		const { error } = await run(sandbox(), {
			operation: 'create',
			additionalFields: { recordingEnabled },
		});
		expect(error?.message).toBe(message);
		expect(sandbox().requests).toHaveLength(0);
	});

	test('the documented keys in Other Settings (JSON) follow the same rules', async () => {
		const { error } = await run(sandbox(), {
			operation: 'create',
			additionalFields: { otherSettings: '{"maxParticipants": "ten"}' },
		});
		expect(error?.message).toBe(
			'Other Settings (JSON): maxParticipants: "ten" is not a whole number of 1 or more',
		);
		expect(sandbox().requests).toHaveLength(0);
	});
});

describe('times a new room could not have', () => {
	// Reported: Start 24 h ahead with no Expires At was sent, and Videsk's "nbf must be before
	// exp" blamed fields the user never filled (its default Expires At is now + 3 h).
	test('Start 24 hours ahead without Expires At is refused before any request, naming both', async () => {
		const nbf = inHours(24);
		const { error } = await run(
			sandbox(),
			{ operation: 'create', additionalFields: { nbf } },
			{ timezone: 'UTC' },
		);
		expect(error?.message).toBe(
			`Expires At: not set, and a new room without it expires 3 hours from now (Videsk’s default), before its Start ${quotedInUtc(nbf)}`,
		);
		expect(error?.description).toBe(
			'Set Expires At too: after Start, at most 72 hours after it; nothing was sent to Videsk.',
		);
		expect(sandbox().requests).toHaveLength(0);
	});

	test('Start 2 hours ahead without Expires At is Videsk’s default, and sent', async () => {
		const { error } = await run(sandbox(), {
			operation: 'create',
			additionalFields: { nbf: inHours(2) },
		});
		expect(error).toBeUndefined();
		expect(sandbox().rooms()).toHaveLength(1);
	});

	// Reported: "would last 72 hours, Videsk allows at most 72" for 72 h 10 min.
	test('a lifetime of 72 h 10 min says the exact excess', async () => {
		const start = Date.now() + 3_600_000;
		const { error } = await run(sandbox(), {
			operation: 'create',
			additionalFields: {
				nbf: new Date(start).toISOString(),
				exp: new Date(start + (72 * 60 + 10) * 60_000).toISOString(),
			},
		});
		expect(error?.message).toBe(
			'Expires At: the room would last 72 hours 10 minutes, 10 minutes more than the 72 hours Videsk allows',
		);
	});

	test('72 hours and 1 second: the second is said', async () => {
		const start = Date.now() + 3_600_000;
		const { error } = await run(sandbox(), {
			operation: 'create',
			additionalFields: {
				nbf: new Date(start).toISOString(),
				exp: new Date(start + 72 * 3_600_000 + 1000).toISOString(),
			},
		});
		expect(error?.message).toBe(
			'Expires At: the room would last 72 hours 1 second, 1 second more than the 72 hours Videsk allows',
		);
	});
});

describe('lengths are counted in characters (Unicode code points), not UTF-16 units', () => {
	// Reported: an External ID of 60 emoji was refused as "120 characters".
	test('100 emoji are 100 characters: accepted, and Videsk (the sandbox) takes them', async () => {
		const externalId = '😀'.repeat(100);
		const { items, error } = await run(sandbox(), {
			operation: 'create',
			createExternalId: externalId,
			name: '会'.repeat(500),
		});
		expect(error).toBeUndefined();
		expect(items[0].json.externalId).toBe(externalId);
	});

	test('101 emoji are refused as 101 characters', async () => {
		const { error } = await run(sandbox(), {
			operation: 'create',
			createExternalId: '😀'.repeat(101),
		});
		expect(error?.message).toBe('External ID: 101 characters, Videsk allows at most 100');
		expect(sandbox().requests).toHaveLength(0);
	});
});

describe('the answer is checked before it becomes output', () => {
	test('201 without an id is an error saying what came back', async () => {
		sandbox().fault({ method: 'POST', status: 201, body: { name: 'Kick-off' } });
		const { items, error } = await run(sandbox(), {
			operation: 'create',
			createExternalId: 'deal-1',
		});
		expect(items).toHaveLength(0);
		expect(error?.message).toBe(
			'Create: Videsk answered 201 with a room without "id" (room with External ID "deal-1")',
		);
	});

	// Reported: a wrong Base URL on Create read "Videsk found no open a new room: it does not
	// exist or has already ended".
	test('a 404 on the create endpoint points at the Base URL', async () => {
		sandbox().fault({ method: 'POST', status: 404, body: 'Cannot POST /vpaas/rooms' });
		const { error } = await run(sandbox(), { operation: 'create' });
		expect(error?.message).toBe('Create: Videsk did not find the room list');
		expect(error?.description).toContain('Check the Base URL of the Videsk credential');
	});
});
