// An answer is taken only as the answer to the request that was sent: the room asked for is that
// room, every room of a filtered list matches the filter, a token asked for is there; otherwise
// the item fails saying what came back, and never another room's data as success. Each case as
// a review reproduced it, through n8n's routing engine against the sandbox (a FeathersJS server;
// its options are the servers Videsk's docs allow).
import { describe, expect, test } from 'vitest';
import { inHours, room, run, useSandbox } from '../../support/helpers.mjs';

const sandbox = useSandbox();

describe('another room, or another room’s data', () => {
	// A server that reads a path's text as an External ID first (which the docs allow: the path
	// takes either) reaches the room whose External ID is X for `/vpaas/rooms/X`.
	test('End By ID X, where another room’s External ID is X: refused before any change, the other room open', async () => {
		sandbox().settings.idResolution = 'externalId-first';
		sandbox().seed(1);
		const [asked] = sandbox().rooms();
		sandbox().seed(1, () => ({ externalId: asked.id, name: 'Another room' }));
		const { items } = await run(
			sandbox(),
			{ operation: 'end', room: room('id', asked.id) },
			{ continueOnFail: true },
		);
		expect(items[0].json.error).toBe(
			`End: Videsk answered 200 with another room: "${sandbox().rooms()[1].id}" (External ID "${asked.id}"), not "${asked.id}" (room "${asked.id}")`,
		);
		expect(
			sandbox()
				.rooms()
				.map((r) => r.ended),
		).toEqual([false, false]);
		expect(sandbox().requests.map((r) => r.method)).toEqual(['GET']);
	});

	test('Get By ID X on such a server: an error naming the room that came back, not its data as success', async () => {
		sandbox().settings.idResolution = 'externalId-first';
		sandbox().seed(1);
		const [asked] = sandbox().rooms();
		sandbox().seed(1, () => ({ externalId: asked.id }));
		const { items } = await run(
			sandbox(),
			{ operation: 'get', room: room('id', asked.id) },
			{ continueOnFail: true },
		);
		expect(items[0].json.error).toMatch(/^Get: Videsk answered 200 with another room: /);
	});

	test('Get Many with the External ID filter, answered with rooms that do not match (a proxy dropping the query): an error, no room passed on', async () => {
		sandbox().seed(3);
		const rooms = sandbox().rooms();
		sandbox().fault({
			method: 'GET',
			status: 200,
			body: { total: 3, limit: 100, skip: 0, data: rooms },
		});
		const { items } = await run(
			sandbox(),
			{ operation: 'getAll', returnAll: true, filters: { externalId: 'seed-2' } },
			{ continueOnFail: true },
		);
		expect(items).toHaveLength(1);
		expect(items[0].json.error).toMatch(
			/^Get Many: Videsk answered 200 with a list the filter was not applied to: room ".*" \(External ID "seed-1", ended: false\) does not match \{"externalId":"seed-2"\} \(the room list\)$/,
		);
	});

	test('Create answered by a room without accessToken: an error, not a room with no token', async () => {
		sandbox().fault({
			method: 'POST',
			status: 201,
			body: { id: '64f1a2b3c4d5e6f7a8b9c0d1', externalId: 'evt-1', name: 'x' },
		});
		const { items } = await run(
			sandbox(),
			{ operation: 'create', createExternalId: 'evt-1' },
			{ continueOnFail: true },
		);
		expect(items[0].json.error).toBe(
			'Create: Videsk answered 201 with a room without the "accessToken" asked for (room with External ID "evt-1")',
		);
		expect(items[0].error?.description).toContain('Videsk may have made the change');
	});

	test('Update with Generate New Access Token, answered by the room without accessToken: an error', async () => {
		sandbox().seed(1);
		sandbox().fault({ method: 'PATCH', status: 200, body: sandbox().rooms()[0] });
		const { items } = await run(
			sandbox(),
			{
				operation: 'update',
				room: room('externalId', 'seed-1'),
				updateFields: { generateToken: true },
			},
			{ continueOnFail: true },
		);
		expect(items[0].json.error).toBe(
			'Update: Videsk answered 200 with a room without the "accessToken" asked for (room "seed-1")',
		);
	});

	test('Create or Update extending Expires At of a room that shows no Start: sent, Videsk decides', async () => {
		sandbox().seed(1, () => ({ externalId: 'evt-1', nbf: inHours(-1), exp: inHours(2) }));
		const [stored] = sandbox().rooms();
		const { nbf: _notShown, ...withoutStart } = stored;
		sandbox().fault({ method: 'GET', status: 200, body: withoutStart });
		const exp = inHours(5);
		const { items, error } = await run(sandbox(), {
			operation: 'createOrUpdate',
			externalId: 'evt-1',
			additionalFields: { exp },
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toMatchObject({ exp, updated: true });
	});

	test('two executions at once, their answers arriving crossed: each item gets its own room', async () => {
		sandbox().seed(6);
		let request = 0;
		// Every other answer waits, so that answers arrive out of the order they were asked in.
		sandbox().onRequest(async () => {
			if (request++ % 2 === 0) await new Promise((resolve) => setTimeout(resolve, 60));
		});
		const get = (externalIds: string[]) =>
			run(
				sandbox(),
				{ operation: 'get', room: room('externalId', '={{ $json.room }}') },
				{ items: externalIds.map((externalId) => ({ room: externalId })) },
			);
		const [first, second] = await Promise.all([
			get(['seed-1', 'seed-2', 'seed-3']),
			get(['seed-4', 'seed-5', 'seed-6']),
		]);
		expect(first.items.map((item) => item.json.externalId)).toEqual(['seed-1', 'seed-2', 'seed-3']);
		expect(second.items.map((item) => item.json.externalId)).toEqual([
			'seed-4',
			'seed-5',
			'seed-6',
		]);
	});
});

describe('External IDs on a Feathers 5 server, which does not decode the path', () => {
	test('Create or Get twice with the calendar event ID "abc123@google.com": created, then found (rerun-safe)', async () => {
		const parameters = { operation: 'createOrGet', externalId: 'abc123@google.com' };
		const first = await run(sandbox(), parameters);
		const second = await run(sandbox(), parameters);
		expect([first.error, second.error]).toEqual([undefined, undefined]);
		expect(first.items[0].json).toMatchObject({ created: true });
		expect(second.items[0].json).toMatchObject({ id: first.items[0].json.id, created: false });
		expect(sandbox().rooms()).toHaveLength(1);
	});

	test.each(['crm/deal 17', 'abc123@google.com'])(
		'End, Get Join Token and Get by the External ID %j reach its room',
		async (externalId) => {
			await run(sandbox(), { operation: 'create', createExternalId: externalId });
			for (const operation of ['get', 'getJoinToken', 'end']) {
				const { error } = await run(sandbox(), { operation, room: room('externalId', externalId) });
				expect({ operation, error }).toEqual({ operation, error: undefined });
			}
			expect(sandbox().rooms()[0].ended).toBe(true);
		},
	);
});

describe('the check that a room ID’s path reaches that room (once per run)', () => {
	test('found in review: one item’s check failed (500 once): the other items check again and get their tokens', async () => {
		const [id] = sandbox().seed(1);
		sandbox().fault({ method: 'GET', path: `/vpaas/rooms/${id}`, status: 500, times: 1 });
		const { items } = await run(
			sandbox(),
			{ operation: 'getJoinToken', room: room('id', id), participant: '={{ $json.email }}' },
			{ continueOnFail: true, items: [{ email: 'a@x' }, { email: 'b@x' }, { email: 'c@x' }] },
		);
		expect(items.map((item) => typeof item.json.accessToken)).toEqual(
			expect.arrayContaining(['string', 'string']),
		);
		expect(items.filter((item) => item.json.error !== undefined)).toHaveLength(1);
		expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2].map((item) => ({ item })));
	});

	test('found in review: a failed check is sent again by Retry On Fail, and the room ends', async () => {
		const [id] = sandbox().seed(1);
		sandbox().fault({ method: 'GET', path: `/vpaas/rooms/${id}`, status: 500, times: 1 });
		const { error } = await run(
			sandbox(),
			{ operation: 'end', room: room('id', id) },
			{ settings: { retryOnFail: true, maxTries: 3, waitBetweenTries: 0 } },
		);
		expect(error).toBeUndefined();
		expect(sandbox().rooms()[0].ended).toBe(true);
		expect(sandbox().requests.map((r) => `${r.method} ${r.status}`)).toEqual([
			'GET 500',
			'GET 200',
			'PATCH 200',
		]);
	});
});

test('found in review: a room ID typed in upper case is that room, sent in lower case, as answers write it', async () => {
	const [id] = sandbox().seed(1);
	for (const operation of ['get', 'end']) {
		const { items } = await run(
			sandbox(),
			{ operation, room: room('id', id.toUpperCase()) },
			{ continueOnFail: true },
		);
		expect(items[0].json).toMatchObject({ id });
	}
	expect(sandbox().rooms()[0].ended).toBe(true);
	expect(sandbox().requests.map((r) => r.path)).toEqual(Array(3).fill(`/vpaas/rooms/${id}`));
});
