// Get Many: Return All returns all, Limit returns exactly that many, whatever page size the
// server really uses. (How it reads a list that changes meanwhile: test/model/getAll.model.test.mts.)
import type { INodeTypeDescription } from 'n8n-workflow';
import { describe, expect, test } from 'vitest';
import { useVirtualClock } from '../../support/clock.mjs';
import { run, useSandbox } from '../../support/helpers.mjs';

const clock = useVirtualClock();
const sandbox = useSandbox();

/** Without a Sort, Get Many lists the newest rooms first (the sandbox seeds them a second apart). */
const newestFirst = () => sandbox().rooms().reverse();
/** The sort Get Many sends without a Sort of the user's: newest first, ties by External ID. */
const NEWEST_FIRST = { createdAt: '-1', externalId: '1' };

function listRequests() {
	return sandbox().requests.map((request) => request.query);
}

/**
 * Where the pages of a stable list of `count` rooms start, `pageSize` at a time: each page after
 * the first starts with the last room of the one before (its anchor, see paginateRooms).
 */
function pageStarts(count: number, pageSize: number): string[] {
	const starts = [0];
	while (starts.at(-1)! + pageSize < count) starts.push(starts.at(-1)! + pageSize - 1);
	return starts.map(String);
}

describe('Return All', () => {
	test.each([0, 1, 99, 100, 101, 237])('returns all %i rooms once each', async (count) => {
		sandbox().seed(count);
		const { items, error } = await run(sandbox(), { operation: 'getAll', returnAll: true });
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id)).toEqual(newestFirst().map((r) => r.id));
		expect(listRequests().map((query) => query.$skip)).toEqual(pageStarts(count, 100));
	});

	test.each([
		[237, 30],
		[100, 7],
		[101, 50],
	])(
		'%i rooms, server clamping $limit to %i: advances by what came back, stops on total',
		async (count, clamp) => {
			sandbox().seed(count);
			sandbox().settings.maxPageSize = clamp;
			const { items } = await run(sandbox(), { operation: 'getAll', returnAll: true });
			const ids = items.map((item) => item.json.id);
			expect(ids).toEqual(newestFirst().map((r) => r.id));
			expect(new Set(ids).size).toBe(count);
			expect(listRequests().map((query) => [query.$limit, query.$skip])).toEqual(
				pageStarts(count, clamp).map((skip) => ['100', skip]),
			);
		},
	);

	test('pairs every room with the input item that asked for it', async () => {
		sandbox().seed(3);
		const { items } = await run(
			sandbox(),
			{ operation: 'getAll', returnAll: true },
			{ items: [{}, {}] },
		);
		expect(items).toHaveLength(6);
		expect(items.map((item) => item.pairedItem)).toEqual([
			...Array(3).fill({ item: 0 }),
			...Array(3).fill({ item: 1 }),
		]);
	});
});

describe('Limit', () => {
	test('250 of 1,000 rooms: exactly 250 rooms in 3 requests, asking only for what is needed (+1: the anchor)', async () => {
		sandbox().seed(1000);
		const { items } = await run(sandbox(), { operation: 'getAll', returnAll: false, limit: 250 });
		expect(items.map((item) => item.json.id)).toEqual(
			newestFirst()
				.slice(0, 250)
				.map((r) => r.id),
		);
		expect(listRequests().map((query) => [query.$limit, query.$skip])).toEqual([
			['100', '0'],
			['100', '99'],
			['52', '198'],
		]);
	});

	test('a limit above what exists returns everything; a small limit is one small request', async () => {
		sandbox().seed(37);
		expect((await run(sandbox(), { operation: 'getAll', limit: 250 })).items).toHaveLength(37);
		sandbox().reset();
		sandbox().seed(37);
		const { items } = await run(sandbox(), { operation: 'getAll', limit: 5 });
		expect(items).toHaveLength(5);
		expect(listRequests()).toEqual([{ $limit: '5', $skip: '0', $sort: NEWEST_FIRST }]);
	});

	test('with a clamped page size, still exactly the limit', async () => {
		sandbox().seed(300);
		sandbox().settings.maxPageSize = 40;
		const { items } = await run(sandbox(), { operation: 'getAll', limit: 130 });
		expect(items.map((item) => item.json.id)).toEqual(
			newestFirst()
				.slice(0, 130)
				.map((r) => r.id),
		);
		expect(listRequests().map((query) => [query.$limit, query.$skip])).toEqual([
			['100', '0'],
			['91', '39'],
			['52', '78'],
			['13', '117'],
		]);
	});
});

describe('filters and sort as the server receives them', () => {
	test('sort is sent as $sort[field]=±1 and the order follows it', async () => {
		sandbox().seed(5);
		const { items } = await run(sandbox(), {
			operation: 'getAll',
			returnAll: true,
			sort: { value: { field: 'createdAt', direction: -1 } },
		});
		expect(sandbox().requests[0].rawQuery).toContain('%24sort%5BcreatedAt%5D=-1');
		expect(items.map((item) => item.json.externalId)).toEqual([
			'seed-5',
			'seed-4',
			'seed-3',
			'seed-2',
			'seed-1',
		]);
		await run(sandbox(), {
			operation: 'getAll',
			returnAll: true,
			sort: { value: { field: 'name', direction: 1 } },
		});
		// Rooms with the same name are ordered by External ID, the same way for every page.
		expect(sandbox().requests[1].query.$sort).toEqual({ name: '1', externalId: '1' });
	});

	test('Status (ended / not ended) and External ID filters', async () => {
		sandbox().seed(4);
		sandbox().end('seed-3');
		const ended = await run(sandbox(), {
			operation: 'getAll',
			returnAll: true,
			filters: { status: 'ended' },
		});
		expect(ended.items.map((item) => item.json.externalId)).toEqual(['seed-3']);
		const open = await run(sandbox(), {
			operation: 'getAll',
			returnAll: true,
			filters: { status: 'notEnded' },
		});
		expect(open.items).toHaveLength(3);
		const one = await run(sandbox(), {
			operation: 'getAll',
			returnAll: true,
			filters: { externalId: 'seed-2' },
		});
		expect(one.items.map((item) => item.json.externalId)).toEqual(['seed-2']);
		expect(sandbox().requests.map((r) => r.query)).toEqual([
			{ ended: 'true', $sort: NEWEST_FIRST, $limit: '100', $skip: '0' },
			{ ended: 'false', $sort: NEWEST_FIRST, $limit: '100', $skip: '0' },
			{ externalId: 'seed-2', $sort: NEWEST_FIRST, $limit: '100', $skip: '0' },
		]);
	});

	test('Output applies to every room of every page: Simplified drops, Raw keeps', async () => {
		sandbox().seed(150);
		const simple = await run(sandbox(), { operation: 'getAll', returnAll: true, output: 'simple' });
		expect(simple.items).toHaveLength(150);
		for (const item of simple.items) expect(item.json.authorizations).toBeUndefined();
		const raw = await run(sandbox(), { operation: 'getAll', returnAll: true, output: 'raw' });
		expect(raw.items).toHaveLength(150);
		// Each seeded room has the authorization of the token its creation issued.
		for (const item of raw.items) expect(item.json.authorizations).toHaveLength(1);
	});
});

describe('a page that fails', () => {
	test('page 3 answering 429 or 503 once: retried, every room exactly once', async () => {
		for (const fault of [
			{
				status: 429,
				body: { name: 'TooManyRequests', message: 'Slow down', code: 429 },
				headers: { 'Retry-After': '1' },
			},
			{ status: 503, body: '<html>Service Unavailable</html>' },
		]) {
			sandbox().reset();
			sandbox().seed(1000);
			sandbox().fault({ nth: 3, ...fault });
			const { items, error } = await run(sandbox(), { operation: 'getAll', returnAll: true });
			expect(error).toBeUndefined();
			expect(items.map((item) => item.json.id)).toEqual(newestFirst().map((r) => r.id));
			const starts = pageStarts(1000, 100);
			expect(sandbox().requests.map((r) => r.query.$skip)).toEqual([
				...starts.slice(0, 3),
				starts[2],
				...starts.slice(3),
			]);
		}
	});

	test('a 429 with Retry-After: 1 is retried after that second, not sooner', async () => {
		// The stand-in keeps refusing page 3 for 0.6 s after its first 429: a retry sent on the
		// backoff (0.25 s) would be refused again, one that waits for Retry-After is not.
		sandbox().seed(300);
		let refusedSince: number | undefined;
		sandbox().fault({
			match: (request) =>
				request.query.$skip === '198' && clock.now() - (refusedSince ??= clock.now()) < 600,
			times: 10,
			status: 429,
			body: { name: 'TooManyRequests', message: 'Slow down', code: 429 },
			headers: { 'Retry-After': '1' },
		});
		const { items } = await run(sandbox(), { operation: 'getAll', returnAll: true });
		expect(items).toHaveLength(300);
		expect(sandbox().requests.filter((r) => r.query.$skip === '198')).toHaveLength(2);
	});

	test('page 3 failing every retry: the item fails, saying how many rooms were read', async () => {
		sandbox().seed(1000);
		sandbox().fault({
			match: (r) => r.query.$skip === '198',
			times: 10,
			status: 503,
			body: '<html>Service Unavailable</html>',
		});
		const { items, error } = await run(sandbox(), { operation: 'getAll', returnAll: true });
		expect(items).toHaveLength(0);
		expect(error?.message).toBe(
			'Get Many: Videsk could not process the request for the room list (HTTP 503)',
		);
		expect(error?.description).toContain(
			'Stopped after reading 199 of 1000 rooms; no partial list was returned.',
		);
		expect(sandbox().requests.filter((r) => r.query.$skip === '198')).toHaveLength(4);
	});
});

describe('the External ID filter never widens the list', () => {
	// Reported: `{{ $json.dealId }}` on an item without dealId sent GET /vpaas/rooms without the
	// filter, and every room came out (chained to End, it ended every room); null and "" sent
	// `externalId=`.
	test.each([
		['a missing key', {}, 'undefined'],
		['null', { dealId: null }, 'null'],
		['""', { dealId: '' }, '""'],
		['blanks', { dealId: '  ' }, '"  "'],
	])(
		'an expression that gives nothing (%s) is refused naming the filter, before any request',
		async (_, item, gave) => {
			sandbox().seed(3);
			const { items, error } = await run(
				sandbox(),
				{ operation: 'getAll', returnAll: true, filters: { externalId: '={{ $json.dealId }}' } },
				{ items: [item] },
			);
			expect(items).toHaveLength(0);
			expect(error?.message).toBe(`External ID: the expression gave ${gave}`);
			expect(error?.description).toContain('remove the filter to list every room');
			expect(sandbox().requests).toHaveLength(0);
		},
	);

	test('an added filter left empty is refused too, not read as "every room"', async () => {
		sandbox().seed(3);
		const { error } = await run(sandbox(), {
			operation: 'getAll',
			returnAll: true,
			filters: { externalId: '' },
		});
		expect(error?.message).toBe('External ID: added but empty');
		expect(sandbox().requests).toHaveLength(0);
	});

	test('with Continue, the item without a value fails alone; the others get only their room', async () => {
		sandbox().seed(3);
		const { items } = await run(
			sandbox(),
			{ operation: 'getAll', returnAll: true, filters: { externalId: '={{ $json.dealId }}' } },
			{ items: [{ dealId: 'seed-1' }, {}, { dealId: 'seed-3' }], continueOnFail: true },
		);
		expect(items.map((item) => [item.pairedItem, item.json.externalId ?? item.json.error])).toEqual(
			[
				[{ item: 0 }, 'seed-1'],
				[{ item: 1 }, 'External ID: the expression gave undefined'],
				[{ item: 2 }, 'seed-3'],
			],
		);
		expect(sandbox().requests.map((r) => r.query.externalId)).toEqual(['seed-1', 'seed-3']);
	});

	// Reported: " seed-1 " was sent untrimmed (the Room field trims it).
	test('the value is trimmed, as in the Room field', async () => {
		sandbox().seed(2);
		const { items } = await run(sandbox(), {
			operation: 'getAll',
			returnAll: true,
			filters: { externalId: ' seed-1 ' },
		});
		expect(items.map((item) => item.json.externalId)).toEqual(['seed-1']);
		expect(sandbox().requests[0].rawQuery).toContain('externalId=seed-1&');
	});

	// Reported: `{{ {"$ne": "nobody"} }}` was sent as externalId[$ne]=nobody, which Feathers reads
	// as "every room but one"; $in likewise. The same value in Room was refused.
	test.each([
		['={{ { "$ne": "nobody" } }}', '{"$ne":"nobody"}'],
		['={{ { "$in": ["seed-1", "seed-2"] } }}', '{"$in":["seed-1","seed-2"]}'],
		['={{ ["seed-1", "seed-2"] }}', '["seed-1","seed-2"]'],
	])(
		'a query operator or a list from an expression (%s) is refused, never sent',
		async (value, shown) => {
			sandbox().seed(3);
			const { items, error } = await run(sandbox(), {
				operation: 'getAll',
				returnAll: true,
				filters: { externalId: value },
			});
			expect(items).toHaveLength(0);
			expect(error?.message).toBe(`External ID: ${shown} is not text`);
			expect(sandbox().requests).toHaveLength(0);
		},
	);

	test('the form says so: the filter’s hint tells that empty is refused and how to list every room', async () => {
		const { loadPackage } = await import('../../support/harness.mjs');
		const description = (await loadPackage()).getNode('videskRooms').type
			.description as INodeTypeDescription;
		const filters = description.properties.find((p) => p.name === 'filters')!;
		const filter = (filters.options as Array<{ name: string; hint?: string }>).find(
			(option) => option.name === 'externalId',
		);
		expect(filter?.hint).toMatch(/empty filter is an error, never "every room"/);
		expect(filter?.hint).toMatch(/remove this filter/);
	});
});

describe('the Status filter says what Videsk’s ended flag means', () => {
	// Reported: "Not Ended" said "Only rooms still open" but returned rooms past their expiry.
	test('"Not Ended" returns rooms past their Expires At, and says so', async () => {
		sandbox().seed(1, () => ({
			externalId: 'expired',
			createdAt: clock.now() - 5 * 3_600_000,
			nbf: new Date(clock.now() - 5 * 3_600_000).toISOString(),
			exp: new Date(clock.now() - 3_600_000).toISOString(),
		}));
		const { items } = await run(sandbox(), {
			operation: 'getAll',
			returnAll: true,
			filters: { status: 'notEnded' },
		});
		expect(items.map((item) => item.json.externalId)).toEqual(['expired']);
		const { loadPackage } = await import('../../support/harness.mjs');
		const description = (await loadPackage()).getNode('videskRooms').type
			.description as INodeTypeDescription;
		const filters = description.properties.find((p) => p.name === 'filters')!;
		const status = (filters.options as Array<{ name: string; options?: any[] }>).find(
			(option) => option.name === 'status',
		)!;
		const notEnded = status.options!.find((option) => option.value === 'notEnded');
		expect(notEnded.description).not.toMatch(/open/i);
		expect(notEnded.description).toMatch(/past their Expires At/);
	});
});

describe('the answer is checked before it becomes output', () => {
	// Reported: Get Many dropped rooms that lack `id`.
	test('a page whose room has no id is an error saying so, not a shorter list', async () => {
		sandbox().seed(2);
		const [first] = sandbox().rooms();
		sandbox().fault({
			method: 'GET',
			status: 200,
			body: { total: 2, limit: 100, skip: 0, data: [first, { name: 'no id' }] },
		});
		const { items, error } = await run(sandbox(), { operation: 'getAll', returnAll: true });
		expect(items).toHaveLength(0);
		expect(error?.message).toBe(
			'Get Many: Videsk answered 200 with a page whose room 2 has no "id" (the room list)',
		);
	});
});
