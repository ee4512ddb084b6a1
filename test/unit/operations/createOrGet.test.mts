// Create or Get when the room exists: the answers Videsk can give to the lookup after a 409.
import { describe, expect, test } from 'vitest';
import { inHours, run, useSandbox } from '../../support/helpers.mjs';

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
	test('creates the room on the first run and returns the same room, with the same fields, on a rerun', async () => {
		const parameters = {
			operation: 'createOrGet',
			externalId: 'calendar-event-1',
			name: 'Standup',
		};
		for (const output of ['simple', 'raw']) {
			sandbox().reset();
			const first = await run(sandbox(), { ...parameters, output });
			expect(first.items[0].json).toMatchObject({ externalId: 'calendar-event-1', created: true });
			const second = await run(sandbox(), { ...parameters, output });
			expect(second.error).toBeUndefined();
			expect(second.items[0].json).toMatchObject({ id: first.items[0].json.id, created: false });
			// Videsk gives a token only when it creates a room: neither run passes one on, so that a
			// workflow using the output works the same on a rerun (Get Join Token gives tokens).
			expect(Object.keys(second.items[0].json).sort()).toEqual(
				Object.keys(first.items[0].json).sort(),
			);
			expect(first.items[0].json.accessToken).toBeUndefined();
		}
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

describe('a rerun is decided by the room, not by the clock', () => {
	// Reported: Create or Get for an existing room with the event's (now past) times failed with
	// "Expires At … is not in the future" and sent nothing.
	test('an existing room with the event’s past times is returned as it is (created: false)', async () => {
		const [nbf, exp] = [inHours(-5), inHours(-4)];
		sandbox().seed(1, () => ({
			externalId: 'past-event',
			nbf,
			exp,
			createdAt: Date.now() - 6 * 3_600_000,
		}));
		const { items, error } = await run(sandbox(), {
			operation: 'createOrGet',
			externalId: 'past-event',
			additionalFields: { nbf, exp },
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ externalId: 'past-event', nbf, exp, created: false });
		expect(sandbox().requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'GET /vpaas/rooms/past-event',
		]);
	});

	test('with no such room, the past times are refused, after the lookup, and nothing is created', async () => {
		const { error } = await run(sandbox(), {
			operation: 'createOrGet',
			externalId: 'past-event',
			additionalFields: { nbf: inHours(-5), exp: inHours(-4) },
		});
		expect(error?.message).toMatch(/^Expires At: .* is not in the future$/);
		expect(error?.description).toContain(
			'no room has External ID "past-event" yet, so nothing was created',
		);
		expect(sandbox().requests.map((r) => r.method)).toEqual(['GET']);
		expect(sandbox().rooms()).toHaveLength(0);
	});
});

describe('the answer is checked before it becomes output', () => {
	// Reported: Create or Get answered 201 {} gave {created: true} with no id.
	test('201 {} is an error saying what came back, not a room without an id', async () => {
		sandbox().fault({ method: 'POST', status: 201, body: {} });
		const { items, error } = await run(sandbox(), {
			operation: 'createOrGet',
			externalId: 'event-9',
		});
		expect(items).toHaveLength(0);
		expect(error?.message).toBe(
			'Create or Get: Videsk answered 201 with a room without "id" (room with External ID "event-9")',
		);
		expect(error?.description).toContain('Videsk may have made the change: check the room');
	});
});
