// The answer contract: every operation checks each answer against the shape Videsk's API
// documents (a room: `id`; a page of the list: `data`, rooms with `id`, and `total`; a join:
// `accessToken`; stats: any JSON object) before it becomes output. Generated malformed answers,
// played by the sandbox's fault knob on each request an operation makes, give an error saying
// what came back; well-formed ones, with any extra fields, pass through.
// Not generated: answers with an error status (test/unit/transport/faults.test.mts), and a
// malformed answer to a request made only after another one failed (End's GET after a 404).
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { describe, expect } from 'vitest';
import { room, run, useSandbox } from '../support/helpers.mjs';
import { fc, hex24, numRuns, PROPERTY_TIMEOUT_MS, test } from '../support/properties.mjs';

const sandbox = useSandbox();

type Shape = 'room' | 'page' | 'join' | 'object';

/** Each operation, the requests it makes in order, and the shape each answer must have. */
const OPERATIONS: Record<
	string,
	{ parameters: INodeParameters; label: string; target: string; requests: Shape[] }
> = {
	get: {
		parameters: { operation: 'get', room: room('externalId', 'seed-1') },
		label: 'Get',
		target: 'room "seed-1"',
		requests: ['room'],
	},
	create: {
		parameters: { operation: 'create' },
		label: 'Create',
		target: 'a new room',
		requests: ['room'],
	},
	createOrGet: {
		parameters: { operation: 'createOrGet', externalId: 'evt' },
		label: 'Create or Get',
		target: 'room with External ID "evt"',
		requests: ['room'],
	},
	// Its lookup of the room, then (none found) the create.
	createOrUpdate: {
		parameters: { operation: 'createOrUpdate', externalId: 'evt' },
		label: 'Create or Update',
		target: 'room with External ID "evt"',
		requests: ['room', 'room'],
	},
	update: {
		parameters: {
			operation: 'update',
			room: room('externalId', 'seed-1'),
			updateFields: { name: 'x' },
		},
		label: 'Update',
		target: 'room "seed-1"',
		requests: ['room'],
	},
	end: {
		parameters: { operation: 'end', room: room('externalId', 'seed-1') },
		label: 'End',
		target: 'room "seed-1"',
		requests: ['room'],
	},
	getJoinToken: {
		parameters: { operation: 'getJoinToken', room: room('externalId', 'seed-1') },
		label: 'Get Join Token',
		target: 'room "seed-1"',
		requests: ['join'],
	},
	getStats: {
		parameters: { operation: 'getStats', room: room('externalId', 'seed-1') },
		label: 'Get Stats',
		target: 'room "seed-1"',
		requests: ['object'],
	},
	getAll: {
		parameters: { operation: 'getAll', returnAll: true },
		label: 'Get Many',
		target: 'the room list',
		requests: ['page'],
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

function whatCame(shape: Shape, sentBody: unknown): string | undefined {
	const body = received(sentBody);
	const problem = notAnObject(body);
	if (problem || shape === 'object') return problem;
	const object = body as IDataObject;
	if (shape === 'room') return hasId(object) ? undefined : 'a room without "id"';
	if (shape === 'join') {
		return typeof object.accessToken === 'string' && object.accessToken !== ''
			? undefined
			: 'an answer without "accessToken"';
	}
	if (!Array.isArray(object.data)) return 'a page without a "data" list';
	if (typeof object.total !== 'number') return 'a page without "total"';
	const index = object.data.findIndex((room) => !hasId(room));
	return index === -1 ? undefined : `a page whose room ${index + 1} has no "id"`;
}

// Answers: the documented shapes with any extra fields, and every way to miss them.

const extra = fc.dictionary(
	fc.constantFrom('name', 'externalId', 'note', 'settings', 'ended'),
	fc.jsonValue({ maxDepth: 1 }),
	{ maxKeys: 3 },
);
const goodRoom = fc.tuple(hex24, extra).map(([id, fields]) => ({ ...fields, id }));
const badId = fc.constantFrom(undefined, '', 7, null, ['x'], { $oid: 'x' });
const badRoom = fc
	.tuple(extra, badId)
	.map(([fields, id]) => (id === undefined ? fields : { ...fields, id }));
const notObject = fc.oneof(
	fc.constantFrom('', 'OK', '<html><body>Gateway</body></html>', null, [], 42, true, 'null'),
	fc.array(goodRoom, { maxLength: 2 }),
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

const answers: Record<Shape, fc.Arbitrary<unknown>> = {
	room: fc.oneof(goodRoom, badRoom, notObject),
	join: fc.oneof(
		fc
			.tuple(fc.string({ minLength: 1 }), extra)
			.map(([accessToken, fields]) => ({ ...fields, accessToken })),
		fc.constantFrom({}, { accessToken: '' }, { accessToken: 5 }, { token: 'x' }),
		notObject,
	),
	object: fc.oneof(extra, notObject),
	page: fc.oneof(
		page(fc.array(goodRoom, { maxLength: 3 })),
		page(fc.array(fc.oneof(goodRoom, badRoom), { minLength: 1, maxLength: 3 })),
		fc.constantFrom(
			{ total: 1 },
			{ data: 'x', total: 1 },
			{ data: [], total: '0' },
			{ data: null },
		),
		notObject,
	),
};

describe.each(Object.entries(OPERATIONS))(
	'%s',
	(operation, { parameters, label, target, requests }) => {
		const cases = fc.array(
			fc.oneof(
				...requests.map((shape, index) =>
					fc.record({
						nth: fc.constant(index + 1),
						shape: fc.constant(shape),
						status: fc.constantFrom(200, 201),
						body: answers[shape],
					}),
				),
			),
			{ minLength: 5, maxLength: 5 },
		);

		test.prop([cases], { numRuns: numRuns(8) })(
			'an answer in the wrong shape is an error saying what came back; a documented one passes',
			async (generated) => {
				for (const { nth, shape, status, body } of generated) {
					sandbox().reset();
					sandbox().seed(1);
					sandbox().fault({ nth, status, body });
					const { items, error } = await run(sandbox(), parameters, { continueOnFail: true });
					expect(error).toBeUndefined();
					const problem = whatCame(shape, body);
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
					if (operation === 'getAll') {
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
