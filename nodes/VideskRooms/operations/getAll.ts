import type {
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { shown } from '../fields/check';
import { outputFields, withOutput } from '../fields/output';
import { ROOM_LIST_ADVICE } from '../transport/errors';
import {
	sendRouted,
	withOptions,
	type OperationErrors,
	type RoutedRequest,
} from '../transport/routing';
import { isRoomPage, MAX_PAGE_SIZE, ROOMS_PATH, type RoomPage } from '../videsk';

const errors: OperationErrors = { label: 'Get Many', advice: ROOM_LIST_ADVICE };

export const getAll: INodePropertyOptions = {
	name: errors.label,
	value: 'getAll',
	action: 'Get many rooms',
	description: 'Retrieve a list of the account’s rooms, with filters and sorting',
	routing: {
		request: { method: 'GET', url: ROOMS_PATH },
		operations: { pagination: withOutput(paginateRooms) },
	},
};

const show = { resource: ['room'], operation: ['getAll'] };

export const getAllFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		displayOptions: { show },
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		displayOptions: { show: { ...show, returnAll: [false] } },
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		// Read and checked by requestedLimit: a whole number of 1 or more, never "all".
		hint: `Videsk sends at most ${MAX_PAGE_SIZE} rooms per request; larger limits take several requests`,
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				// A choice, not a boolean: an added boolean filter would silently mean "not ended".
				// Shaped like the GitHub node's issue filter "State" (Open / Closed).
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Ended', value: 'ended', description: 'Only rooms that have ended' },
					{ name: 'Not Ended', value: 'notEnded', description: 'Only rooms still open' },
				],
				default: 'notEnded',
				description: 'Return only ended rooms, or only rooms that have not ended',
				routing: {
					send: { type: 'query', property: 'ended', value: '={{ $value === "ended" }}' },
				},
			},
			{
				displayName: 'External ID',
				name: 'externalId',
				type: 'string',
				default: '',
				description: 'Return only the room with this External ID',
				routing: { send: { type: 'query', property: 'externalId' } },
			},
		],
	},
	{
		displayName: 'Sort',
		name: 'sort',
		type: 'fixedCollection',
		placeholder: 'Add Sort',
		default: {},
		displayOptions: { show },
		description: 'The order of the rooms; without it, Videsk’s default order',
		options: [
			{
				displayName: 'Sort',
				name: 'value',
				values: [
					{
						displayName: 'Field',
						name: 'field',
						type: 'options',
						// Videsk documents sorting by createdAt; the other fields are Feathers defaults.
						options: [
							{ name: 'Created At', value: 'createdAt' },
							{ name: 'Expires At', value: 'exp' },
							{ name: 'External ID', value: 'externalId' },
							{ name: 'Name', value: 'name' },
							{ name: 'Start', value: 'nbf' },
						],
						default: 'createdAt',
					},
					{
						displayName: 'Direction',
						name: 'direction',
						type: 'options',
						options: [
							{ name: 'Ascending', value: 1 },
							{ name: 'Descending', value: -1 },
						],
						default: -1,
						// Sent in Feathers' form: $sort[field]=1 or -1.
						routing: { send: { type: 'query', property: '={{"$sort." + $parent.field}}' } },
					},
				],
			},
		],
	},
	...outputFields(show),
];

/**
 * Limit: a whole number of 1 or more, however it was given (typed, or from an expression as a
 * number or as text). Anything else is an error, never "all rooms". Undefined for Return All.
 */
function requestedLimit(context: IExecuteSingleFunctions): number | undefined {
	if (context.getNodeParameter('returnAll', false) === true) return undefined;
	const raw = context.getNodeParameter('limit', 50) as unknown;
	const limit = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
	if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
		throw new NodeOperationError(
			context.getNode(),
			`Limit: ${shown(raw)} is not a whole number of 1 or more`,
			{
				itemIndex: context.getItemIndex(),
				description:
					'Set Limit to how many rooms you want (e.g. 50), or turn on "Return All" to get every room. Nothing was sent to Videsk.',
			},
		);
	}
	return limit;
}

/** How many requests in a row may bring no new room (the list changing under the reader). */
const MAX_UNPRODUCTIVE_READS = 10;

/**
 * n8n's built-in offset pagination advances by the page size it asked for and stops on a short
 * page, which loses rooms when Videsk silently clamps `$limit`. This advances by what the server
 * returned, stops on `total`, and asks only for as many rooms as Limit still needs.
 *
 * The list may change while it is read. Each room is returned once (by ID), and each page after
 * the first starts with the last room already read, its anchor: if a page starts with a room not
 * read yet, rooms before it left the list (e.g. ended, with the Ended filter off) and the others
 * moved up, so the node steps back and reads again rather than skip the rooms that moved past it.
 * A list that changes faster than it can be read is an error, never a partial list.
 */
async function paginateRooms(
	this: IExecutePaginationFunctions,
	request: RoutedRequest,
): Promise<INodeExecutionData[]> {
	try {
		return await readRoomList(this, request);
	} catch (error) {
		// n8n pairs a failed item with its input only when every input item gives one output item;
		// Get Many gives one per room, so with Continue On Fail the error item is paired here.
		const failure = error as NodeApiError | NodeOperationError;
		if (!this.continueOnFail()) throw failure;
		return [{ json: {}, error: failure, pairedItem: { item: this.getItemIndex() } }];
	}
}

async function readRoomList(
	context: IExecutePaginationFunctions,
	request: RoutedRequest,
): Promise<INodeExecutionData[]> {
	const wanted = requestedLimit(context) ?? Number.POSITIVE_INFINITY;
	const pairedItem = { item: context.getItemIndex() };
	const rooms: INodeExecutionData[] = [];
	const seen = new Set<string>();
	let skip = 0;
	let anchored = false; // whether this page should start with a room already read
	let steppedBack = false; // then the next page rereads rooms: ask for a whole one
	let lastPageLength = 0;
	let unproductiveReads = 0;
	let total = 0;
	for (;;) {
		const qs = {
			...request.options.qs,
			$limit: steppedBack
				? MAX_PAGE_SIZE
				: Math.min(MAX_PAGE_SIZE, wanted - rooms.length + (anchored ? 1 : 0)),
			$skip: skip,
		};
		let page: RoomPage;
		try {
			const [answer] = await sendRouted(context, errors, withOptions(request, { qs }), isRoomPage);
			page = answer.json as RoomPage;
		} catch (error) {
			if (rooms.length > 0) {
				(error as NodeApiError).description +=
					` Stopped after reading ${rooms.length} of ${total} rooms; no partial list was returned.`;
			}
			throw new NodeApiError(context.getNode(), error as JsonObject);
		}
		const data = page.data;
		total = page.total;
		const read = rooms.length;
		if (anchored && !seen.has(data[0]?.id)) {
			if (total === 0) break; // every room left the list
			skip = Math.max(0, skip - Math.max(1, lastPageLength - 1));
			anchored = skip > 0;
			steppedBack = true;
		} else {
			steppedBack = false;
			for (const room of data) {
				if (rooms.length === wanted) break;
				if (seen.has(room.id)) continue;
				seen.add(room.id);
				rooms.push({ json: room, pairedItem });
			}
			if (rooms.length === wanted || data.length === 0 || skip + data.length >= total) break;
			// The last room of this page is the next one's anchor, unless the server sends one at a time.
			anchored = data.length > 1;
			skip += anchored ? data.length - 1 : data.length;
			lastPageLength = data.length;
		}
		unproductiveReads = rooms.length > read ? 0 : unproductiveReads + 1;
		if (unproductiveReads > MAX_UNPRODUCTIVE_READS) throw listKeptChanging(context, rooms.length);
	}
	return rooms;
}

function listKeptChanging(context: IExecutePaginationFunctions, read: number) {
	return new NodeApiError(
		context.getNode(),
		{},
		{
			message: `${errors.label}: the room list kept changing while it was read`,
			description: `Rooms were created or ended faster than the list could be read: ${MAX_UNPRODUCTIVE_READS} requests in a row brought no room not read before. Stopped after reading ${read} rooms; no partial list was returned. Run it again, or narrow the list with a filter.`,
			itemIndex: context.getItemIndex(),
		},
	);
}
