// Create or Get when the room exists: the answers Videsk can give to the lookup after a 409.
import { describe, expect, test } from 'vitest';
import { run, useSandbox } from '../../support/helpers.mjs';

const sandbox = useSandbox();

test('an existing room that has ended comes back marked alreadyEnded: nobody can join it', async () => {
	sandbox().seed(1, () => ({ externalId: 'event-7' }));
	sandbox().end('event-7');
	const { items, error } = await run(sandbox(), {
		operation: 'createOrGet',
		externalId: 'event-7',
	});
	expect(error).toBeUndefined();
	expect(items[0].json).toMatchObject({
		externalId: 'event-7',
		ended: true,
		created: false,
		alreadyEnded: true,
	});
});

test('an open existing room has no alreadyEnded mark, with or without Simplify', async () => {
	sandbox().seed(1, () => ({ externalId: 'event-8' }));
	for (const simplify of [false, true]) {
		const { items } = await run(sandbox(), {
			operation: 'createOrGet',
			externalId: 'event-8',
			simplify,
		});
		expect(items[0].json).toMatchObject({ created: false, ended: false });
		expect(items[0].json.alreadyEnded).toBeUndefined();
	}
});

test('409 and then no room on the lookup: says both, instead of "already ended"', async () => {
	sandbox().fault({
		method: 'POST',
		status: 409,
		body: { name: 'Conflict', message: 'externalId already exists', code: 409 },
	});
	const { error } = await run(sandbox(), { operation: 'createOrGet', externalId: 'ghost' });
	expect(error?.message).toBe(
		'Create or Get: Videsk said a room with External ID "ghost" already exists, then found no such room',
	);
	expect(error?.description).toContain('nothing was created. Run the item again.');
	expect(sandbox().requests.map((r) => `${r.method} ${r.rawPath}`)).toEqual([
		'POST /vpaas/rooms',
		'GET /vpaas/rooms/ghost',
	]);
});

test('an External ID of 24 hex characters is looked up in the list, never taken for a room ID', async () => {
	sandbox().seed(1);
	const [other] = sandbox().rooms();
	sandbox().seed(1, () => ({ externalId: other.id }));
	const { items } = await run(sandbox(), { operation: 'createOrGet', externalId: other.id });
	expect(items[0].json).toMatchObject({ externalId: other.id, created: false });
	expect(items[0].json.id).not.toBe(other.id);
	expect(
		sandbox().requests.map((r) => `${r.method} ${r.rawPath} ${r.query.externalId ?? ''}`),
	).toEqual(['POST /vpaas/rooms ', `GET /vpaas/rooms ${other.id}`]);
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
