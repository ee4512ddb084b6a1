// The answer contract: every operation checks each answer against the shape Videsk's API
// documents (a room: `id`; a page of the list: `data`, rooms with `id`, and `total`; a join:
// `accessToken`; stats: any JSON object) and against the request it answers (the room asked for,
// by ID or External ID; every room of a filtered list matching the filter; the access token asked
// for) before it becomes output. Generated answers — malformed, or well formed but not the answer
// to this request — played by the sandbox's fault knob on each request an operation makes, give
// an error saying what came back; the right ones, with any extra fields, pass through.
// Not generated: answers with an error status (test/unit/transport/fault-matrix.mts), and a
// malformed answer to a request made only after another one failed (End's GET after a 404).
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { describe, expect } from 'vitest';
import { room, run, useSandbox } from '../support/helpers.mjs';
import { fc, hex24, numRuns, PROPERTY_TIMEOUT_MS, test } from '../support/properties.mjs';

const sandbox = useSandbox();

type Shape = 'room' | 'page' | 'join' | 'object';

/** What a request asked for: the room (by External ID), an access token, a filter of the list. */
interface Asked {
	shape: Shape;
	externalId?: string;
	accessToken?: boolean;
	filter?: { externalId: string };
}

/** Each operation, the requests it makes in order, and what each answer must be. */
const OPERATIONS: Record<
	string,
	{ parameters: INodeParameters; label: string; target: string; requests: Asked[] }
> = {
	get: {
		parameters: { operation: 'get', room: room('externalId', 'seed-1') },
		label: 'Get',
		target: 'room "seed-1"',
		requests: [{ shape: 'room', externalId: 'seed-1' }],
	},
	create: {
		parameters: { operation: 'create', createExternalId: 'evt' },
		label: 'Create',
		target: 'room with External ID "evt"',
		requests: [{ shape: 'room', externalId: 'evt', accessToken: true }],
	},
	createOrGet: {
		parameters: { operation: 'createOrGet', externalId: 'evt' },
		label: 'Create or Get',
		target: 'room with External ID "evt"',
		requests: [{ shape: 'room', externalId: 'evt' }],
	},
	// Its lookup of the room, then (none found) the create.
	createOrUpdate: {
		parameters: { operation: 'createOrUpdate', externalId: 'evt' },
		label: 'Create or Update',
		target: 'room with External ID "evt"',
		requests: [
			{ shape: 'room', externalId: 'evt' },
			{ shape: 'room', externalId: 'evt' },
		],
	},
	update: {
		parameters: {
			operation: 'update',
			room: room('externalId', 'seed-1'),
			updateFields: { name: 'x' },
		},
		label: 'Update',
		target: 'room "seed-1"',
		requests: [{ shape: 'room', externalId: 'seed-1' }],
	},
	updateWithToken: {
		parameters: {
			operation: 'update',
			room: room('externalId', 'seed-1'),
			updateFields: { generateToken: true },
		},
		label: 'Update',
		target: 'room "seed-1"',
		requests: [{ shape: 'room', externalId: 'seed-1', accessToken: true }],
	},
	end: {
		parameters: { operation: 'end', room: room('externalId', 'seed-1') },
		label: 'End',
		target: 'room "seed-1"',
		requests: [{ shape: 'room', externalId: 'seed-1' }],
	},
	getJoinToken: {
		parameters: { operation: 'getJoinToken', room: room('externalId', 'seed-1') },
		label: 'Get Join Token',
		target: 'room "seed-1"',
		requests: [{ shape: 'join' }],
	},
	getStats: {
		parameters: { operation: 'getStats', room: room('externalId', 'seed-1') },
		label: 'Get Stats',
		target: 'room "seed-1"',
		requests: [{ shape: 'object' }],
	},
	getAll: {
		parameters: { operation: 'getAll', returnAll: true },
		label: 'Get Many',
		target: 'the room list',
		requests: [{ shape: 'page' }],
	},
	getAllFiltered: {
		parameters: { operation: 'getAll', returnAll: true, filters: { externalId: 'seed-1' } },
		label: 'Get Many',
		target: 'the room list',
		requests: [{ shape: 'page', filter: { externalId: 'seed-1' } }],
	},
};

// The documented shapes, restated: what a body is when it is not the shape, in the error's words.

function notAnObject(body: unknown): string | undefined {
	if (body === '') return 'an empty body';
	if (body === null) return 'null';
	if (Array.isArray(body)) return 'a list, not an object';
	if (typeof body === 'string') return 'text, not JSON';
	if (typeof body !== 'object') return `${JSON.stringify(body)}, not an object`;
	return undefined;
}

const hasId = (room: unknown) =>
	typeof room === 'object' &&
	room !== null &&
	!Array.isArray(room) &&
	typeof (room as IDataObject).id === 'string' &&
	(room as IDataObject).id !== '';

/** The body as n8n reads it: text that is JSON (the sandbox sends any text as text/html) is parsed. */
function received(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

function whatCame(asked: Asked, sentBody: unknown): string | undefined {
	const body = received(sentBody);
	const problem = notAnObject(body);
	if (problem || asked.shape === 'object') return problem;
	const object = body as IDataObject;
	const hasToken = typeof object.accessToken === 'string' && object.accessToken !== '';
	if (asked.shape === 'room') {
		if (!hasId(object)) return 'a room without "id"';
		if (asked.externalId !== undefined && object.externalId !== asked.externalId) {
			return `another room: External ID ${JSON.stringify(object.externalId)} (ID "${String(object.id)}"), not ${JSON.stringify(asked.externalId)}`;
		}
		return asked.accessToken && !hasToken
			? 'a room without the "accessToken" asked for'
			: undefined;
	}
	if (asked.shape === 'join') return hasToken ? undefined : 'an answer without "accessToken"';
	if (!Array.isArray(object.data)) return 'a page without a "data" list';
	if (typeof object.total !== 'number') return 'a page without "total"';
	const index = object.data.findIndex((room) => !hasId(room));
	if (index !== -1) return `a page whose room ${index + 1} has no "id"`;
	const other = (object.data as IDataObject[]).find(
		(room) => asked.filter !== undefined && room.externalId !== asked.filter.externalId,
	);
	return other === undefined
		? undefined
		: `a list the filter was not applied to: room "${String(other.id)}" (External ID ${JSON.stringify(other.externalId)}, ended: ${String(other.ended ?? false)}) does not match ${JSON.stringify(asked.filter)}`;
}

// Answers: the documented shapes with any extra fields — the room asked for, or another one —
// and every way to miss them.

const extra = fc.dictionary(
	fc.constantFrom('name', 'note', 'settings', 'ended', 'accessToken'),
	fc.jsonValue({ maxDepth: 1 }),
	{ maxKeys: 3 },
);
/** An External ID: the one asked for, mostly, or another, or none. */
const externalIdOf = (asked: string | undefined) =>
	fc.oneof(
		{ arbitrary: fc.constant(asked), weight: 3 },
		fc.constantFrom('seed-2', 'evt-2', `${asked ?? ''} `, undefined),
	);
const token = fc.oneof(
	{ arbitrary: fc.constant('eyJhbGciOiJIUzI1NiJ9.eyJyb29tIjoieCJ9.c2ln'), weight: 3 },
	fc.constantFrom(undefined, '', 5),
);
const roomFor = (asked: Pick<Asked, 'externalId'>) =>
	fc
		.tuple(hex24, extra, externalIdOf(asked.externalId), token)
		.map(([id, fields, externalId, accessToken]) => {
			const room: IDataObject = { ...fields, id };
			if (externalId !== undefined) room.externalId = externalId;
			if (accessToken !== undefined) room.accessToken = accessToken;
			else delete room.accessToken;
			return room;
		});
const badId = fc.constantFrom(undefined, '', 7, null, ['x'], { $oid: 'x' });
const badRoom = fc
	.tuple(extra, badId)
	.map(([fields, id]) => (id === undefined ? fields : { ...fields, id }));
const notObject = fc.oneof(
	fc.constantFrom('', 'OK', '<html><body>Gateway</body></html>', null, [], 42, true, 'null'),
	fc.array(roomFor({}), { maxLength: 2 }),
);
const page = (rooms: fc.Arbitrary<unknown[]>) =>
	fc
		.tuple(rooms, fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }))
		.map(([data, total]) => ({
			total: total ?? data.length,
			limit: 100,
			skip: 0,
			data,
		}));

function answer(asked: Asked): fc.Arbitrary<unknown> {
	switch (asked.shape) {
		case 'room':
			return fc.oneof(roomFor(asked), badRoom, notObject);
		case 'join':
			return fc.oneof(
				fc
					.tuple(fc.string({ minLength: 1 }), extra)
					.map(([accessToken, fields]) => ({ ...fields, accessToken })),
				fc.constantFrom({}, { accessToken: '' }, { accessToken: 5 }, { token: 'x' }),
				notObject,
			);
		case 'object':
			return fc.oneof(extra, notObject);
		case 'page': {
			const listed = roomFor({ externalId: asked.filter?.externalId });
			return fc.oneof(
				page(fc.array(listed, { maxLength: 3 })),
				page(fc.array(fc.oneof(listed, badRoom), { minLength: 1, maxLength: 3 })),
				fc.constantFrom(
					{ total: 1 },
					{ data: 'x', total: 1 },
					{ data: [], total: '0' },
					{ data: null },
				),
				notObject,
			);
		}
	}
}

describe.each(Object.entries(OPERATIONS))(
	'%s',
	(operation, { parameters, label, target, requests }) => {
		const cases = fc.array(
			fc.oneof(
				...requests.map((asked, index) =>
					fc.record({
						nth: fc.constant(index + 1),
						asked: fc.constant(asked),
						status: fc.constantFrom(200, 201),
						body: answer(asked),
					}),
				),
			),
			{ minLength: 5, maxLength: 5 },
		);

		test.prop([cases], { numRuns: numRuns(8) })(
			'an answer in the wrong shape, or to another request, is an error saying what came back; the right one passes',
			async (generated) => {
				for (const { nth, asked, status, body } of generated) {
					sandbox().reset();
					sandbox().seed(1);
					sandbox().fault({ nth, status, body });
					const { items, error } = await run(sandbox(), parameters, { continueOnFail: true });
					expect(error).toBeUndefined();
					const problem = whatCame(asked, body);
					const said = { nth, status, body, output: items.map((item) => item.json) };
					if (problem !== undefined) {
						expect(said).toEqual({
							...said,
							output: [
								{ error: `${label}: Videsk answered ${status} with ${problem} (${target})` },
							],
						});
						expect(items[0].pairedItem).toEqual({ item: 0 });
						continue;
					}
					// A documented answer passes. (Get Many then reads on when a page's total says
					// there is more, and may fail there for a list that seems to change.)
					if (operation.startsWith('getAll')) {
						expect(String(items[0]?.json.error ?? '')).not.toMatch(/Videsk answered \d+ with/);
					} else {
						expect(said).toEqual({
							...said,
							output: [expect.not.objectContaining({ error: expect.anything() })],
						});
					}
				}
			},
			PROPERTY_TIMEOUT_MS,
		);
	},
);
