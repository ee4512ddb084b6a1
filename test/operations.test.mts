// Every operation through n8n's routing engine against the sandbox: success and the errors
// Videsk documents for it.
import type { INodeParameters } from 'n8n-workflow';
import { describe, expect, test } from 'vitest';
import { inHours, room, run, useSandbox } from './helpers.mjs';

const sandbox = useSandbox();

describe('Create', () => {
	test('sends every field in Videsk’s wire names and returns the room with its access token', async () => {
		const nbf = inHours(1);
		const exp = inHours(3);
		const { items, error } = await run(sandbox(), {
			operation: 'create',
			externalId: 'deal-4711',
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
		const { error } = await run(sandbox(), { operation: 'create', externalId: 'seed-1' });
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

describe('Create or Get', () => {
	test('creates the room on the first run and returns the same room on a rerun', async () => {
		const parameters = {
			operation: 'createOrGet',
			externalId: 'calendar-event-1',
			name: 'Standup',
		};
		const first = await run(sandbox(), parameters);
		expect(first.items[0].json).toMatchObject({ externalId: 'calendar-event-1', created: true });
		expect(first.items[0].json.accessToken).toBeTruthy();
		const second = await run(sandbox(), parameters);
		expect(second.error).toBeUndefined();
		expect(second.items[0].json).toMatchObject({ id: first.items[0].json.id, created: false });
		expect(sandbox().rooms()).toHaveLength(1);
		expect(sandbox().requests.map((r) => `${r.method} ${r.rawPath}`)).toEqual([
			'POST /vpaas/rooms',
			'POST /vpaas/rooms',
			'GET /vpaas/rooms/calendar-event-1',
		]);
	});

	test('refuses to run without an External ID, before any request', async () => {
		const { error } = await run(sandbox(), { operation: 'createOrGet', externalId: '  ' });
		expect(error?.message).toMatch(/External ID/);
		expect(sandbox().requests).toHaveLength(0);
	});

	test('other errors are not swallowed', async () => {
		const { error } = await run(
			sandbox(),
			{ operation: 'createOrGet', externalId: 'x' },
			{ token: 'wrong' },
		);
		expect(error?.message).toBe(
			'Create or Get: Videsk did not accept the API token (room with External ID "x")',
		);
	});
});

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
			updateFields: { name: ' ' },
		});
		expect(error?.message).toBe('Update Fields: add at least one field to change');
		expect(sandbox().requests).toHaveLength(0);
	});

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
});

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

describe('Get Join Token', () => {
	test('issues one token per input item (participant), paired with its item', async () => {
		sandbox().seed(1);
		const participants = [
			{ email: 'ana@example.com' },
			{ email: 'bo@example.com' },
			{ email: 'cy@example.com' },
		];
		const { items } = await run(
			sandbox(),
			{ operation: 'getJoinToken', room: room('externalId', 'seed-1') },
			{ items: participants },
		);
		expect(items).toHaveLength(3);
		expect(new Set(items.map((item) => item.json.accessToken)).size).toBe(3);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		// n8n sends no body for an empty JSON object; the docs call the body optional.
		expect(sandbox().requests.map((r) => `${r.method} ${r.path}`)).toEqual(
			Array(3).fill('POST /vpaas/rooms/seed-1/join'),
		);
		expect(sandbox().rooms()[0].authorizations).toHaveLength(4);
	});
});

describe('errors every operation can meet', () => {
	const operations: INodeParameters[] = [
		{ operation: 'getAll', returnAll: true },
		{ operation: 'get', room: room('externalId', 'seed-1') },
		{ operation: 'create' },
		{ operation: 'createOrGet', externalId: 'seed-1' },
		{ operation: 'update', room: room('externalId', 'seed-1'), updateFields: { name: 'x' } },
		{ operation: 'end', room: room('externalId', 'seed-1') },
		{ operation: 'getJoinToken', room: room('externalId', 'seed-1') },
		{ operation: 'delete', room: room('externalId', 'seed-1') },
		{ operation: 'getStats', room: room('externalId', 'seed-1') },
	];

	test.each(operations)(
		'$operation: a wrong or expired token says what to check, never the token',
		async (parameters) => {
			sandbox().seed(1);
			sandbox().settings.expiredToken = 'expired-token-value';
			for (const [token, said] of [
				['wrong-token-value', 'Invalid authentication information'],
				['expired-token-value', 'jwt expired'],
			]) {
				const { error, run: execution } = await run(sandbox(), parameters, { token });
				expect(error?.message).toMatch(/^.+: Videsk did not accept the API token \(.+\)$/);
				expect(error?.description).toContain('api-token');
				expect(error?.description).toContain('IP allow-list');
				expect(error?.description).toContain(`Videsk said: "${said}"`);
				expect(JSON.stringify(execution)).not.toContain(token);
			}
		},
	);
});

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
