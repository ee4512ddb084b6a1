// The request path is a closed set: for every operation that takes a Room and every way of
// choosing it, a generated value either fails before any request with an error naming Room,
// or reaches exactly /vpaas/rooms/{one segment that decodes to the value} (+ /join, /stats)
// with the operation's method, as the sandbox logged it; or, for an External ID that URL
// encoding changes or that is 24 hex characters, the list filtered on it. And By External ID
// only ever reaches the room that has that External ID, never one whose ID it happens to be.
// Each property run is ONE n8n execution per Room mode, its input items a batch of values.
import type { INodeExecutionData, INodeParameters, INodeTypeDescription } from 'n8n-workflow';
import { describe, expect, test as exampleTest } from 'vitest';
import { loadPackage } from '../support/harness.mjs';
import { room, run, useSandbox } from '../support/helpers.mjs';
import {
	batch,
	expectedRoom,
	requestSignature,
	expressionValue,
	fc,
	hex24,
	numRuns,
	roomText,
	test,
	PROPERTY_TIMEOUT_MS,
} from '../support/properties.mjs';

const sandbox = useSandbox();
const MODES = ['list', 'id', 'externalId'] as const;

/**
 * Each operation that takes a Room: its parameters, and the requests it makes by a path for a room
 * that does not exist. `checked`: a path that is a room ID is first read (once per run for each
 * room) to check it reaches that room, since the operation changes it or its answer cannot show
 * which room it is; that read finds none, and nothing else is sent.
 */
const OPERATIONS: Record<
	string,
	{ parameters: INodeParameters; requests: string[]; checked: boolean }
> = {
	get: { parameters: {}, requests: ['GET'], checked: false },
	// A NotFound from the stats: a read of the room tells whether the room or its stats are missing.
	getStats: { parameters: { view: 'summary' }, requests: ['GET /stats', 'GET'], checked: true },
	update: { parameters: { updateFields: { name: 'Renamed' } }, requests: ['PATCH'], checked: true },
	// End asks for the room after a 404, to tell "unknown" from "already ended".
	end: { parameters: {}, requests: ['PATCH', 'GET'], checked: true },
	getJoinToken: { parameters: {}, requests: ['POST /join'], checked: true },
};

exampleTest(
	'covers every operation that shows the Room field, as the loaded node declares it',
	async () => {
		const { properties } = (await loadPackage()).getNode('videskRooms').type
			.description as INodeTypeDescription;
		const roomField = properties.find((property) => property.name === 'room')!;
		expect([...(roomField.displayOptions!.show!.operation as string[])].sort()).toEqual(
			Object.keys(OPERATIONS).sort(),
		);
	},
);

function outcomes(items: INodeExecutionData[]) {
	return items.map((item, index) => {
		expect(item.pairedItem).toEqual({ item: index });
		return item.json;
	});
}

describe.each(Object.entries(OPERATIONS))('%s', (operation, { parameters, requests, checked }) => {
	// 10 runs × 17 values × 3 modes = 510 generated cases.
	test.prop([batch(expressionValue, 17)], { numRuns: numRuns(10) })(
		'every Room value is refused naming Room, or reaches exactly its room’s path',
		async (values) => {
			for (const mode of MODES) {
				sandbox().reset();
				const { items, error } = await run(
					sandbox(),
					{ operation, ...parameters, room: room(mode, '={{ $json.room }}') },
					{ items: values.map((value) => ({ room: value })), continueOnFail: true },
				);
				expect(error).toBeUndefined();
				const expectedRequests: string[] = [];
				const checkedIds = new Set<string>();
				outcomes(items).forEach((json, index) => {
					const expected = expectedRoom(mode, values[index]);
					const said = { mode, value: values[index], error: json.error };
					if ('refused' in expected) {
						expect(said).toMatchObject({ error: expect.stringMatching(expected.refused) });
						return;
					}
					expect(said).toMatchObject({ error: expect.not.stringMatching(/^Room:/) });
					if ('lookup' in expected) {
						expectedRequests.push(`LIST ${expected.lookup}`);
					} else if (mode !== 'externalId' && checked) {
						if (!checkedIds.has(expected.segment)) expectedRequests.push(`GET ${expected.segment}`);
						checkedIds.add(expected.segment);
					} else {
						for (const request of requests) {
							const [method, suffix = ''] = request.split(' ');
							expectedRequests.push(`${method} ${expected.segment}${suffix}`);
						}
					}
				});
				expect(sandbox().requests.map(requestSignature).sort()).toEqual(expectedRequests.sort());
			}
		},
		PROPERTY_TIMEOUT_MS,
	);
});

describe('By External ID reaches only the room with that External ID', () => {
	/** External IDs the node sends in the path as they are. */
	const usableText = roomText.filter((text) => 'segment' in expectedRoom('externalId', text));

	test.prop(
		[
			fc.record({
				// Rooms whose External ID is another room's ID, or any 24 hex characters, or any text.
				pointing: fc.uniqueArray(fc.nat(9), { maxLength: 5 }),
				hexes: fc.uniqueArray(hex24, { maxLength: 4 }),
				texts: fc.uniqueArray(usableText, { maxLength: 6, selector: (text) => text.trim() }),
				strangers: fc.array(hex24, { maxLength: 3 }),
			}),
		],
		{ numRuns: numRuns(6) },
	)(
		'Get, Update, End, Get Join Token and Get Stats',
		async ({ pointing, hexes, texts, strangers }) => {
			sandbox().seed(10);
			const first = sandbox().rooms();
			const externalIds = [
				...new Set([
					...pointing.map((index) => first[index].id),
					...hexes,
					...texts.map((t) => t.trim()),
				]),
			].filter((externalId) => !first.some((r) => r.externalId === externalId));
			sandbox().seed(externalIds.length, (index) => ({ externalId: externalIds[index] }));
			const rooms = sandbox().rooms();
			// Every room's ID and External ID, used as an External ID, and hex strings no room has.
			const values = [
				...new Set([...rooms.map((r) => r.id), ...rooms.map((r) => r.externalId), ...strangers]),
			];
			const owner = (value: string) => rooms.find((r) => r.externalId === value);

			// In this order, so that End (which closes the rooms) comes last.
			for (const [operation, parameters] of Object.entries({
				get: {},
				update: { updateFields: { name: 'Renamed' } },
				getJoinToken: {},
				getStats: {},
				end: {},
			})) {
				const before = sandbox().requests.length;
				const { items } = await run(
					sandbox(),
					{ operation, ...parameters, room: room('externalId', '={{ $json.room }}') },
					{ items: values.map((value) => ({ room: value })), continueOnFail: true },
				);
				const owners: string[] = [];
				outcomes(items).forEach((json, index) => {
					const target = owner(values[index]);
					const said = { operation, value: values[index], json };
					if (target === undefined) {
						expect(said).toMatchObject({
							json: { error: expect.stringMatching(/has no room|found no open room/) },
						});
						return;
					}
					if (operation !== 'getJoinToken' && operation !== 'getStats') {
						expect(said).toMatchObject({ json: { id: target.id, externalId: target.externalId } });
					}
					owners.push(target.id);
				});
				// The rooms the sandbox acted on (it reads a path's room as an ID first, then as an
				// External ID): exactly the owners of the External IDs asked for.
				const actedOn = sandbox()
					.requests.slice(before)
					.filter((request) => request.rawPath !== '/vpaas/rooms')
					.map((request) => {
						const segment = decodeURIComponent(
							/^\/vpaas\/rooms\/([^/]+)/.exec(request.rawPath)![1],
						);
						return (rooms.find((r) => r.id === segment) ?? owner(segment))?.id;
					})
					.filter((id) => id !== undefined);
				// Get takes a room the list's filter found as it is: it acts on none of those.
				const mustAct = owners.filter(
					(id) =>
						operation !== 'get' ||
						'segment' in expectedRoom('externalId', rooms.find((r) => r.id === id)!.externalId),
				);
				expect([...new Set(actedOn)].sort()).toEqual([...new Set(mustAct)].sort());
				expect(actedOn.every((id) => owners.includes(id))).toBe(true);
			}
		},
		PROPERTY_TIMEOUT_MS,
	);
});
