// The Room field's "From List" search, as n8n's editor asks for it (a LoadOptionsContext, as in
// n8n's DynamicNodeParametersService), against the sandbox: it finds every room, exact matches
// first, and speaks the node's words when the list fails.
import { expect, test } from 'vitest';
import { searchList } from '../../support/harness.mjs';
import { useVirtualClock } from '../../support/clock.mjs';
import { useSandbox } from '../../support/helpers.mjs';

const clock = useVirtualClock();
const sandbox = useSandbox();
const MINUTE = 60_000;

function search(filter?: string, paginationToken?: string, token = sandbox().token) {
	return searchList({
		method: 'searchRooms',
		credentials: { apiToken: token, baseUrl: sandbox().url },
		filter,
		paginationToken,
	});
}

/** Rooms named after their index, the oldest first (created a minute apart). */
function seedRooms(count: number, make?: (index: number) => Record<string, unknown>) {
	const start = clock.now() - count * MINUTE;
	sandbox().seed(count, (index) => ({
		name: `Room ${index}`,
		externalId: `bulk-${index}`,
		createdAt: start + index * MINUTE,
		...make?.(index),
	}));
}

test('without a filter: the newest 100 rooms, then the next ones on scrolling', async () => {
	seedRooms(150);
	const first = await search();
	expect(first.results).toHaveLength(100);
	expect(first.results[0].name).toBe('Room 149 (bulk-149)');
	const second = await search(undefined, first.paginationToken);
	expect(second.results).toHaveLength(50);
	expect(second.results.at(-1)!.name).toBe('Room 0 (bulk-0)');
	expect(second.paginationToken).toBeUndefined();
});

test('an ended room is marked at the start of its name, where the dropdown does not cut it', async () => {
	seedRooms(3, (index) => ({ name: `A long name for the weekly review of team ${index}` }));
	sandbox().end('bulk-1');
	const { results } = await search();
	expect(results.map((result) => result.name)).toEqual([
		'A long name for the weekly review of team 2 (bulk-2)',
		'Ended · A long name for the weekly review of team 1 (bulk-1)',
		'A long name for the weekly review of team 0 (bulk-0)',
	]);
});

test('an exact External ID comes first, before the rooms that only contain it', async () => {
	seedRooms(134);
	const { results } = await search('bulk-1');
	expect(results[0]).toEqual({
		name: 'Room 1 (bulk-1)',
		value: sandbox()
			.rooms()
			.find((room) => room.externalId === 'bulk-1')!.id,
	});
	// Then those that contain it, those starting with it first; bulk-1 is not listed twice.
	expect(results.filter((result) => result.name === 'Room 1 (bulk-1)')).toHaveLength(1);
});

test('an exact room ID comes first from a direct lookup, not from reading the whole list', async () => {
	seedRooms(300);
	const target = sandbox().rooms()[10];
	sandbox().requests.length = 0;
	const { results } = await search(target.id);
	expect(results[0].value).toBe(target.id);
	// By path; by the externalId filter (24 hex characters could be an External ID); one page.
	expect(sandbox().requests.map((request) => request.path)).toEqual([
		`/vpaas/rooms/${target.id}`,
		'/vpaas/rooms',
		'/vpaas/rooms',
	]);
});

test('an old room is found by name at 10,000 rooms: the search reads on until it finds it', async () => {
	seedRooms(10_000, (index) => (index === 3 ? { name: 'Quarterly standup review' } : {}));
	// Videsk's rate limit, which the search's requests are paced under like the node's.
	sandbox().settings.rateLimit = { perSecond: 20 };
	sandbox().requests.length = 0;
	const started = clock.now();
	const { results, paginationToken } = await search('standup');
	const elapsedMs = clock.now() - started;
	expect(results.map((result) => result.name)).toEqual(['Quarterly standup review (bulk-3)']);
	// The exact lookup (the list's External ID filter: no room is called "standup"), then the
	// list: 100 pages.
	const listRequests = sandbox().requests.filter((request) => request.path === '/vpaas/rooms');
	expect(listRequests).toHaveLength(101);
	expect(listRequests[0].query).toMatchObject({ externalId: 'standup' });
	expect(sandbox().requests).toHaveLength(101);
	expect(paginationToken).toBeUndefined();
	expect(sandbox().requests.filter((request) => request.status === 429)).toEqual([]);
	console.info(
		`10,000 rooms, an old room by name: ${sandbox().requests.length} requests, ${elapsedMs} ms (on the test's clock)`,
	);
});

test('a text no room matches: no results, after reading the whole list once', async () => {
	seedRooms(250);
	const { results, paginationToken } = await search('no-such-room');
	expect(results).toEqual([]);
	expect(paginationToken).toBeUndefined();
});

test('texts that cannot be a room address are not looked up directly, but still searched', async () => {
	seedRooms(5, (index) => (index === 2 ? { name: 'a .. b' } : {}));
	const { results } = await search('..');
	expect(results.map((result) => result.name)).toEqual(['a .. b (bulk-2)']);
	expect(sandbox().requests.every((request) => request.path === '/vpaas/rooms')).toBe(true);
});

test('a wrong token fails in the node’s words, without the token', async () => {
	seedRooms(3);
	const error = await search('x', undefined, 'wrong-token-value').then(
		() => undefined,
		(thrown: Error & { description?: string }) => thrown,
	);
	expect(error?.message).toBe('Room list: Videsk did not accept the API token (the room list)');
	expect(error?.description).toMatch(/api-token .* this n8n machine’s address is one of them/);
	expect(JSON.stringify({ ...error, message: error?.message })).not.toContain('wrong-token-value');
});

test('found in review: a room ID that is another room’s External ID, on a server that reads paths as External IDs first: both rooms, no error', async () => {
	sandbox().settings.idResolution = 'externalId-first';
	const [a] = sandbox().seed(1);
	const [b] = sandbox().seed(1, () => ({ externalId: a, name: 'Room B' }));
	const { results } = await search(a);
	expect(results.map((result) => result.value)).toEqual(expect.arrayContaining([a, b]));
});
