// Get Many against a room list that changes while it is read (model-based: a generated
// history of rooms created and ended between the page requests), and Limit from any source.
import { describe, expect } from 'vitest';
import { run, useSandbox } from '../support/helpers.mjs';
import {
	batch,
	fc,
	limitValue,
	numRuns,
	test,
	PROPERTY_TIMEOUT_MS,
} from '../support/properties.mjs';
import type { Sandbox } from '../sandbox/server.mjs';

const sandbox = useSandbox();

/** Runs `change` whenever a request arrives, before the sandbox answers it. */
function beforeEachRequest(target: Sandbox, change: () => void) {
	// A fault that never matches: its matcher runs for every request, first.
	target.fault({ match: () => (change(), false), times: Number.POSITIVE_INFINITY });
}

/** Oldest first: the order the named examples below were found in (without a Sort: newest first). */
const OLDEST_FIRST = { value: { field: 'createdAt', direction: 1 } };

describe('Return All and Limit while rooms are created and ended', () => {
	const changes = fc.record({
		created: fc.array(fc.constantFrom('newest', 'oldest', 'middle'), { maxLength: 3 }),
		ended: fc.array(fc.nat(), { maxLength: 2 }),
	});

	test.prop(
		[
			fc.record({
				rooms: fc.integer({ min: 0, max: 150 }),
				// At least 5 a page, at most 3 rooms created per request: the reader can keep up.
				pageSize: fc.integer({ min: 5, max: 100 }),
				sort: fc.constantFrom('none', 'ascending', 'descending'),
				openOnly: fc.boolean(),
				limit: fc.option(fc.integer({ min: 1, max: 200 }), { freq: 3 }),
				history: fc.array(changes, { maxLength: 60 }),
			}),
		],
		{ numRuns: numRuns(60) },
	)(
		'no room twice; every room in the list throughout the read is returned (up to Limit)',
		async ({ rooms: count, pageSize, sort, openOnly, limit, history }) => {
			const start = Date.now() - 3_600_000;
			sandbox().seed(count, (index) => ({ createdAt: start + index * 1000 }));
			sandbox().settings.maxPageSize = pageSize;
			const listed = () =>
				sandbox()
					.rooms()
					.filter((r) => !openOnly || !r.ended)
					.map((r) => r.id as string);
			let requests = 0;
			let initial: string[] = [];
			let created = 0;
			beforeEachRequest(sandbox(), () => {
				if (requests === 0) initial = listed();
				const change = history[requests++];
				if (!change) return;
				const createdAt = {
					newest: () => Date.now() + 1000 * ++created,
					oldest: () => start - 1000 * ++created,
					middle: () => start + Math.floor(count / 2) * 1000 + ++created,
				};
				for (const where of change.created) {
					sandbox().seed(1, () => ({ createdAt: createdAt[where as keyof typeof createdAt]() }));
				}
				for (const pick of change.ended) {
					const open = sandbox()
						.rooms()
						.filter((r) => !r.ended);
					if (open.length > 0) sandbox().end(open[pick % open.length].id);
				}
			});

			const { items, error } = await run(sandbox(), {
				operation: 'getAll',
				returnAll: limit === null,
				...(limit === null ? {} : { limit }),
				filters: openOnly ? { status: 'notEnded' } : {},
				sort:
					sort === 'none'
						? {}
						: { value: { field: 'createdAt', direction: sort === 'ascending' ? 1 : -1 } },
			});
			expect(error).toBeUndefined();
			const returned = items.map((item) => item.json.id as string);
			const final = new Set(listed());
			// Rooms never come back once they left (ended), so "throughout" is "at the start and at the end".
			const throughout = initial.filter((id) => final.has(id));
			const everListed = new Set(
				sandbox()
					.rooms()
					.map((r) => r.id as string),
			);

			expect(new Set(returned).size).toBe(returned.length);
			for (const id of returned) expect(everListed.has(id)).toBe(true);
			if (limit === null) {
				expect(returned).toEqual(expect.arrayContaining(throughout));
			} else {
				expect(returned.length).toBeLessThanOrEqual(limit);
				expect(returned.length).toBeGreaterThanOrEqual(Math.min(limit, throughout.length));
			}
		},
		PROPERTY_TIMEOUT_MS,
	);

	test('found by the model (its shrunk counterexample on the reader before this change): a room that moved up is not skipped', async () => {
		// 4 open rooms, 3 per page, Ended filter off; the first room ends before page 2 is read:
		// the old reader asked for $skip=3 of a list of 3 and never saw the 4th room.
		sandbox().seed(4);
		sandbox().settings.maxPageSize = 3;
		const [first] = sandbox().rooms();
		let requests = 0;
		beforeEachRequest(sandbox(), () => {
			if (requests++ === 1) sandbox().end(first.id);
		});
		const { items } = await run(sandbox(), {
			operation: 'getAll',
			returnAll: true,
			filters: { status: 'notEnded' },
			sort: OLDEST_FIRST,
		});
		expect(items.map((item) => item.json.externalId)).toEqual([
			'seed-1',
			'seed-2',
			'seed-3',
			'seed-4',
		]);
	});

	test('found by the model (shrunk, after a step back): a Limit one room away is still reached', async () => {
		// 22 open rooms, 21 per page, Limit 22. Before page 2 the first room ends: page 2 starts past
		// its anchor, the node steps back to 0 and must reread a whole page, not one room at a time
		// (which looked like a list that kept changing after 10 reads).
		sandbox().seed(22);
		sandbox().settings.maxPageSize = 21;
		const [first] = sandbox().rooms();
		let requests = 0;
		beforeEachRequest(sandbox(), () => {
			if (requests++ === 1) sandbox().end(first.id);
		});
		const { items, error } = await run(sandbox(), {
			operation: 'getAll',
			limit: 22,
			filters: { status: 'notEnded' },
			sort: OLDEST_FIRST,
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.externalId)).toEqual(
			Array.from({ length: 22 }, (_, index) => `seed-${index + 1}`),
		);
		expect(sandbox().requests.map((r) => [r.query.$limit, r.query.$skip])).toEqual([
			['22', '0'],
			['2', '20'],
			['100', '0'],
		]);
	});

	test('rooms created while reading newest first: none is returned twice', async () => {
		sandbox().seed(6, (index) => ({
			externalId: `seed-${index + 1}`,
			createdAt: Date.now() - 10_000 + index * 1000,
		}));
		sandbox().settings.maxPageSize = 3;
		let requests = 0;
		beforeEachRequest(sandbox(), () => {
			if (requests++ > 0) sandbox().seed(1, () => ({ createdAt: Date.now() + requests * 1000 }));
		});
		const { items } = await run(sandbox(), {
			operation: 'getAll',
			returnAll: true,
			sort: { value: { field: 'createdAt', direction: -1 } },
		});
		const ids = items.map((item) => item.json.externalId);
		expect(new Set(ids).size).toBe(ids.length);
		expect(ids).toEqual(
			expect.arrayContaining(['seed-1', 'seed-2', 'seed-3', 'seed-4', 'seed-5', 'seed-6']),
		);
	});

	test('found by the model with a fresh seed (shrunk): rooms created faster than a Limit’s small pages read, newest first; the read still ends with the room it lacked', async () => {
		sandbox().seed(5, (index) => ({
			externalId: `seed-${index + 1}`,
			createdAt: Date.now() - 10_000 + index * 1000,
		}));
		sandbox().settings.maxPageSize = 5;
		// Before each of the first 6 requests, 1 or 2 rooms created: the list moves down as the
		// reader moves on, one room a page (it asks for what Limit still needs, and its anchor).
		const createdPerRequest = [1, 2, 2, 2, 1, 2];
		let requests = 0;
		beforeEachRequest(sandbox(), () => {
			for (let index = 0; index < (createdPerRequest[requests] ?? 0); index += 1) {
				sandbox().seed(1, () => ({
					externalId: `new-${requests}-${index}`,
					createdAt: Date.now() + 1000 * (requests * 2 + index + 1),
				}));
			}
			requests += 1;
		});
		const { items, error } = await run(sandbox(), { operation: 'getAll', limit: 6 });
		expect(error).toBeUndefined();
		const ids = items.map((item) => item.json.externalId);
		expect(new Set(ids).size).toBe(6);
		expect(ids).toContain('seed-1');
	});

	for (const returnAll of [true, false]) {
		test(`found in review: sorted by Name, a room already read renamed to a later place skips none (${returnAll ? 'Return All' : 'Limit 9'})`, async () => {
			const ids = sandbox().seed(9, (index) => ({
				name: `n${index + 1}`,
				externalId: `seed-${index + 1}`,
			}));
			sandbox().settings.maxPageSize = 3;
			let requests = 0;
			beforeEachRequest(sandbox(), () => {
				if (requests++ === 1) sandbox().update(ids[1], { name: 'n5z' });
			});
			const { items, error } = await run(sandbox(), {
				operation: 'getAll',
				returnAll,
				...(returnAll ? {} : { limit: 9 }),
				sort: { value: { field: 'name', direction: 1 } },
			});
			expect(error).toBeUndefined();
			expect(items.map((item) => item.json.externalId).sort()).toEqual(
				Array.from({ length: 9 }, (_, index) => `seed-${index + 1}`),
			);
		});
	}

	test('found in review: sorted by External ID, a room already read given a later External ID skips none', async () => {
		const ids = sandbox().seed(9, (index) => ({ externalId: `seed-${index + 1}` }));
		sandbox().settings.maxPageSize = 3;
		let requests = 0;
		beforeEachRequest(sandbox(), () => {
			if (requests++ === 1) sandbox().update(ids[1], { externalId: 'seed-5z' });
		});
		const { items, error } = await run(sandbox(), {
			operation: 'getAll',
			returnAll: true,
			sort: { value: { field: 'externalId', direction: 1 } },
		});
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.id).sort()).toEqual([...ids].sort());
	});

	test('found in review: sorted by Expires At, a room extended during the read skips none of 250', async () => {
		const base = Date.now() + 3_600_000;
		const ids = sandbox().seed(250, (index) => ({
			externalId: `seed-${index + 1}`,
			exp: new Date(base + index * 60_000).toISOString(),
		}));
		let requests = 0;
		beforeEachRequest(sandbox(), () => {
			if (requests++ === 1) {
				sandbox().update(ids[10], { exp: new Date(base + 150.5 * 60_000).toISOString() });
			}
		});
		const { items, error } = await run(sandbox(), {
			operation: 'getAll',
			returnAll: true,
			sort: { value: { field: 'exp', direction: 1 } },
		});
		expect(error).toBeUndefined();
		expect(new Set(items.map((item) => item.json.externalId)).size).toBe(250);
	});

	test('rooms ended ahead of the reader (Ended filter off) do not make it skip the rooms that moved up', async () => {
		// 9 open rooms, 3 per page. Before page 2, the first two rooms end: the rest move up by 2.
		sandbox().seed(9);
		sandbox().settings.maxPageSize = 3;
		const [first, second] = sandbox().rooms();
		let requests = 0;
		beforeEachRequest(sandbox(), () => {
			if (requests++ === 1) {
				sandbox().end(first.id);
				sandbox().end(second.id);
			}
		});
		const { items } = await run(sandbox(), {
			operation: 'getAll',
			returnAll: true,
			filters: { status: 'notEnded' },
			sort: OLDEST_FIRST,
		});
		expect(items.map((item) => item.json.externalId)).toEqual([
			'seed-1',
			'seed-2',
			'seed-3',
			'seed-4',
			'seed-5',
			'seed-6',
			'seed-7',
			'seed-8',
			'seed-9',
		]);
		// Page 2 (from the anchor seed-3, at 2) started with seed-5: the node stepped back to 0.
		expect(sandbox().requests.map((r) => r.query.$skip)).toEqual(['0', '2', '0', '2', '4']);
	});

	test('a list that grows faster than it is read is an error, not a partial list', async () => {
		sandbox().seed(4, (index) => ({ createdAt: Date.now() - 10_000 + index * 1000 }));
		sandbox().settings.maxPageSize = 2;
		beforeEachRequest(sandbox(), () => {
			sandbox().seed(1, () => ({ createdAt: Date.now() + sandbox().requests.length * 1000 }));
		});
		const { items, error } = await run(sandbox(), {
			operation: 'getAll',
			returnAll: true,
			sort: { value: { field: 'createdAt', direction: -1 } },
		});
		expect(items).toHaveLength(0);
		expect(error?.message).toBe('Get Many: the room list kept changing while it was read');
		expect(sandbox().requests.length).toBeLessThan(20);
	});
});

describe('Limit is a whole number of 1 or more, from any source; never "all rooms"', () => {
	const ROOMS = 150;
	/** The rules, restated: the number of rooms an item asks for, or undefined when refused. */
	function wanted(limit: unknown): number | undefined {
		const number = typeof limit === 'string' && /^\s*\d+\s*$/.test(limit) ? Number(limit) : limit;
		return typeof number === 'number' && Number.isSafeInteger(number) && number >= 1
			? number
			: undefined;
	}

	test.prop([batch(limitValue, 25)], { numRuns: numRuns(20) })(
		'each item returns exactly that many rooms (or all 150), or fails naming Limit before any request',
		async (limits) => {
			sandbox().seed(ROOMS);
			const { items, error } = await run(
				sandbox(),
				{ operation: 'getAll', returnAll: false, limit: '={{ $json.limit }}' },
				{ items: limits.map((limit) => ({ limit })), continueOnFail: true },
			);
			expect(error).toBeUndefined();
			let pages = 0;
			limits.forEach((limit, index) => {
				const output = items.filter(
					(item) => (item.pairedItem as { item: number } | undefined)?.item === index,
				);
				const count = wanted(limit);
				if (count === undefined) {
					expect({ limit, output: output.map((item) => item.json) }).toEqual({
						limit,
						output: [
							{
								error: expect.stringMatching(
									/^Limit: (.* is not a whole number of 1 or more|the expression gave .*)$/,
								),
							},
						],
					});
					return;
				}
				expect({ limit, rooms: output.length }).toEqual({ limit, rooms: Math.min(count, ROOMS) });
				pages += count > 100 ? 2 : 1;
			});
			expect(sandbox().requests).toHaveLength(pages);
		},
		PROPERTY_TIMEOUT_MS,
	);

	test.each([
		[0, 'Limit: 0 is not a whole number of 1 or more'],
		[-1, 'Limit: -1 is not a whole number of 1 or more'],
		[2.5, 'Limit: 2.5 is not a whole number of 1 or more'],
		[Number.NaN, 'Limit: NaN is not a whole number of 1 or more'],
		['abc', 'Limit: "abc" is not a whole number of 1 or more'],
		['', 'Limit: the expression gave ""'],
	])('a Limit of %j from an expression is an error, not every room', async (limit, message) => {
		sandbox().seed(3);
		const { error } = await run(
			sandbox(),
			{ operation: 'getAll', returnAll: false, limit: '={{ $json.limit }}' },
			{ items: [{ limit }] },
		);
		expect(error?.message).toBe(message);
		expect(error?.description).toContain('turn on "Return All"');
		expect(sandbox().requests).toHaveLength(0);
	});

	test('found by the property above (shrunk): with Continue On Fail, a failed item stays paired with its input', async () => {
		sandbox().seed(3);
		const { items } = await run(
			sandbox(),
			{ operation: 'getAll', returnAll: false, limit: '={{ $json.limit }}', sort: OLDEST_FIRST },
			{ items: [{ limit: 0 }, { limit: 2 }], continueOnFail: true },
		);
		expect(items.map((item) => [item.pairedItem, item.json.error ?? item.json.externalId])).toEqual(
			[
				[{ item: 0 }, 'Limit: 0 is not a whole number of 1 or more'],
				[{ item: 1 }, 'seed-1'],
				[{ item: 1 }, 'seed-2'],
			],
		);
	});

	test('a Limit of "7" from an expression is 7', async () => {
		sandbox().seed(10);
		const { items } = await run(sandbox(), {
			operation: 'getAll',
			returnAll: false,
			limit: '={{ " 7 " }}',
		});
		expect(items).toHaveLength(7);
	});
});
