import type {
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	INodeProperties,
	INodePropertyOptions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { oneOf, readParameter, text, trueOrFalse, wholeNumber } from '../fields/contract';
import { outputFields } from '../fields/output';
import { urlProblem } from '../fields/room';
import { ROOM_LIST_ADVICE, validationDetails, type VideskAnswer } from '../transport/errors';
import {
	sendRouted,
	withOptions,
	type OperationErrors,
	type RoutedRequest,
} from '../transport/routing';
import {
	EXTERNAL_ID_MAX_LENGTH,
	MAX_PAGE_SIZE,
	pageMatching,
	ROOMS_PATH,
	TIE_BREAKER,
	type ListQuery,
	type Room,
	type RoomPage,
} from '../videsk';
import { operation } from './frame';

const show = { resource: ['room'], operation: ['getAll'] };

const returnAllField: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	displayOptions: { show },
	default: false,
	description: 'Whether to return all results or only up to a given limit',
};

const limitField: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	displayOptions: { show: { ...show, returnAll: [false] } },
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	hint: `Videsk sends at most ${MAX_PAGE_SIZE} rooms per request; larger limits take several requests`,
};

// A choice, not a boolean: an added boolean filter would silently mean "not ended". Shaped like
// the GitHub node's issue filter "State" (Open / Closed).
const statusFilter: INodeProperties = {
	displayName: 'Status',
	name: 'status',
	type: 'options',
	options: [
		{ name: 'Ended', value: 'ended', description: 'Only rooms marked as ended' },
		{
			name: 'Not Ended',
			value: 'notEnded',
			description:
				'Only rooms not marked as ended, including rooms past their Expires At that nobody ended',
		},
	],
	default: 'notEnded',
	description:
		'Videsk’s ended flag: set by End (or Update → Ended), not by the room’s expiry. To find rooms people can still join, also compare Expires At (exp) with now.',
};

const externalIdFilter: INodeProperties = {
	displayName: 'External ID',
	name: 'externalId',
	type: 'string',
	default: '',
	description: 'Return only the room with this External ID',
	hint: 'Must not be empty: an empty filter is an error, never "every room". To list every room, remove this filter.',
};

const sortField: INodeProperties = {
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
};

const SORTED_BY = Object.fromEntries(
	(sortField.options as INodePropertyOptions[]).map(({ name, value }) => [value, name]),
);

const sortDirection: INodeProperties = {
	displayName: 'Direction',
	name: 'direction',
	type: 'options',
	options: [
		{ name: 'Ascending', value: 1 },
		{ name: 'Descending', value: -1 },
	],
	default: -1,
};

export const getAllFields: INodeProperties[] = [
	returnAllField,
	limitField,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [statusFilter, externalIdFilter],
	},
	{
		displayName: 'Sort',
		name: 'sort',
		type: 'fixedCollection',
		placeholder: 'Add Sort',
		default: {},
		displayOptions: { show },
		description: 'The order of the rooms; without it, the newest first',
		options: [{ displayName: 'Sort', name: 'value', values: [sortField, sortDirection] }],
	},
	...outputFields(show),
];

const RETURN_ALL = trueOrFalse(returnAllField.displayName);
const LIMIT_ADVICE =
	'Set Limit to how many rooms you want (e.g. 50), or turn on "Return All" to get every room';
const LIMIT = wholeNumber(limitField.displayName, {
	min: 1,
	advice: LIMIT_ADVICE,
	whenEmpty: LIMIT_ADVICE,
});
const STATUS = oneOf<'ended' | 'notEnded'>(statusFilter);
const EXTERNAL_ID_FILTER = text(externalIdFilter.displayName, {
	maxLength: EXTERNAL_ID_MAX_LENGTH,
	problem: urlProblem,
	whenEmpty:
		'An empty filter is refused rather than read as "every room". Fill in the External ID, or remove the filter to list every room',
});
const SORT_FIELD = oneOf<string>(sortField);
const SORT_DIRECTION = oneOf<1 | -1>(sortDirection);

interface ListParameters {
	/** How many rooms: a whole number of 1 or more, or every room (Return All). */
	wanted: number;
	/** The filters and sort, in Feathers' query form. */
	query: ListQuery;
}

/** Every parameter of Get Many, by its rule: never "all rooms" but by Return All. */
function readListParameters(context: IExecuteSingleFunctions): ListParameters {
	const returnAll = readParameter(context, 'returnAll', RETURN_ALL) ?? false;
	// Limit is not in the parameters when the editor hid it (Return All from an expression).
	const wanted = returnAll
		? Number.POSITIVE_INFINITY
		: (readParameter(context, 'limit', LIMIT) ?? (limitField.default as number));
	const query: ListQuery = {};
	const status = readParameter(context, 'filters.status', STATUS);
	if (status !== undefined) query.ended = status === 'ended';
	const externalId = readParameter(context, 'filters.externalId', EXTERNAL_ID_FILTER);
	if (externalId !== undefined) query.externalId = externalId;
	const field = readParameter(context, 'sort.value.field', SORT_FIELD) ?? 'createdAt';
	const direction = readParameter(context, 'sort.value.direction', SORT_DIRECTION) ?? -1;
	// Sent in Feathers' form: $sort[field]=1 or -1. Pages are read at offsets, so rooms that tie
	// on the field are ordered by External ID (unique in an account) too: a server may give ties
	// in another order for each query (MongoDB does), which would skip some and repeat others.
	query.$sort = { [field]: direction, ...(field === TIE_BREAKER ? {} : { [TIE_BREAKER]: 1 }) };
	return { wanted, query };
}

/** Videsk's 400 to a sort: the fields its list does not sort by (its schema's details name them). */
function sortRefused(_target: string, answer: VideskAnswer) {
	const refused = validationDetails(answer.body).filter((detail) => detail.startsWith('$sort'));
	if (refused.length === 0) return undefined;
	const fields = refused.map((detail) => detail.replace(/^\$sort\.?([^:]*):.*$/, '$1'));
	const named = fields.map((field) => SORTED_BY[field] ?? field).filter(Boolean);
	return {
		message: `Videsk does not sort rooms by ${named.length > 0 ? named.join(', ') : 'that field'}`,
		description:
			'Its list refused the sort. Choose another "Sort" → "Field" (Videsk documents sorting by Created At), or remove the Sort.',
	};
}

const errors = { label: 'Get Many', advice: { ...ROOM_LIST_ADVICE, 400: sortRefused } };

export const getAll: INodePropertyOptions = {
	name: errors.label,
	value: 'getAll',
	action: 'Get many rooms',
	description: 'List the account’s rooms, with filters and sorting',
	routing: {
		request: { method: 'GET', url: ROOMS_PATH },
		operations: {
			pagination: operation({
				errors,
				read: readListParameters,
				target: () => 'the room list',
				output: true,
				async send(request, parameters, errors) {
					return await readRoomList(this, request, parameters, errors);
				},
			}),
		},
	},
};

/** How many requests in a row may bring no new room (the list changing under the reader). */
const MAX_UNPRODUCTIVE_READS = 10;

/**
 * n8n's built-in offset pagination advances by the page size it asked for and stops on a short
 * page, which loses rooms when Videsk silently clamps `$limit`. This advances by what the server
 * returned, stops on `total`, and asks only for as many rooms as Limit still needs.
 *
 * The list may change while it is read. Each room is returned once (by ID), and each page after
 * the first starts with the last room already read, its anchor: if a page holds no room read yet,
 * rooms before it left the list (e.g. ended, with the Ended filter off) and the others moved up,
 * so the node steps back and reads again rather than skip the rooms that moved past it.
 * A list that changes faster than it can be read is an error, never a partial list.
 */
async function readRoomList(
	context: IExecutePaginationFunctions,
	request: RoutedRequest,
	{ wanted, query }: ListParameters,
	errors: OperationErrors,
): Promise<Room[]> {
	const rooms: Room[] = [];
	const seen = new Set<string>();
	let skip = 0;
	let anchored = false; // whether this page should start with a room already read
	let rereading = false; // the last page brought no room not read before: ask for a whole one
	let lastPageLength = 0;
	let unproductiveReads = 0;
	let total = 0;
	const matching = pageMatching(query);
	const sortNeverMoves = Object.keys(query.$sort ?? {})[0] === 'createdAt';
	for (;;) {
		const qs: IDataObject = {
			...query,
			$limit: rereading
				? MAX_PAGE_SIZE
				: Math.min(MAX_PAGE_SIZE, wanted - rooms.length + (anchored ? 1 : 0)),
			$skip: skip,
		};
		let page: RoomPage;
		try {
			const answer = await sendRouted(context, errors, withOptions(request, { qs }), matching);
			page = answer.body as RoomPage;
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
		// Sorted by createdAt, which no change moves a room in, the rooms before the first room
		// already read were created meanwhile (newest first, they push the list down): not the list
		// being read, so the read goes on from that room. Sorted by a field an update may change
		// (Name, Start, Expires At, External ID), a read room may have moved down: the page must
		// start with a room already read.
		let resumeAt = 0; // -1: step back
		if (anchored && sortNeverMoves) resumeAt = data.findIndex((room) => seen.has(room.id));
		else if (anchored) resumeAt = seen.has(data[0]?.id) ? 0 : -1;
		if (resumeAt === -1) {
			if (total === 0) break; // every room left the list
			skip = Math.max(0, skip - Math.max(1, lastPageLength - 1));
			anchored = skip > 0;
		} else {
			for (const room of data.slice(resumeAt)) {
				if (rooms.length === wanted) break;
				if (seen.has(room.id)) continue;
				seen.add(room.id);
				rooms.push(room);
			}
			if (rooms.length === wanted || data.length === 0 || skip + data.length >= total) break;
			// The last room of this page is the next one's anchor, unless the server sends one at a time.
			anchored = data.length > 1;
			skip += anchored ? data.length - 1 : data.length;
			lastPageLength = data.length;
		}
		rereading = rooms.length === read;
		unproductiveReads = rereading ? unproductiveReads + 1 : 0;
		if (unproductiveReads > MAX_UNPRODUCTIVE_READS) {
			throw listKeptChanging(context, errors, rooms.length);
		}
	}
	return rooms;
}

function listKeptChanging(
	context: IExecutePaginationFunctions,
	errors: OperationErrors,
	read: number,
) {
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
