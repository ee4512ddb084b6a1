import type {
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INodeExecutionData,
	INodeListSearchResult,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { readFromVidesk, type VideskCredential } from '../transport/direct';
import {
	sendRouted,
	withOptions,
	type OperationErrors,
	type RoutedRequest,
} from '../transport/routing';
import { ROOM_LIST_ADVICE } from '../transport/errors';
import { isHttpError } from '../transport/send';
import {
	CREDENTIAL_TYPE,
	EXTERNAL_ID_MAX_LENGTH,
	isRoom,
	isRoomPage,
	MAX_PAGE_SIZE,
	roomPath,
	ROOMS_PATH,
	type Room,
} from '../videsk';
import { invalid, shown, textOf } from './check';

// The Room field and everything about addressing a room: the field (From List, By ID, By
// External ID), its list search, the checks on what was entered, and the room's URL.

export const roomLocator: INodeProperties = {
	displayName: 'Room',
	name: 'room',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The room, chosen from the list, by its Videsk ID, or by your External ID',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a room...',
			typeOptions: { searchListMethod: 'searchRooms', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 64f1a2b3c4d5e6f7a8b9c0d1',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^\\s*[0-9a-fA-F]{24}\\s*$',
						errorMessage: 'A Videsk room ID has 24 hexadecimal characters',
					},
				},
			],
		},
		{
			displayName: 'By External ID',
			name: 'externalId',
			type: 'string',
			placeholder: 'e.g. standup-2024-08-14',
		},
	],
};

/** Placeholder in operation URLs, replaced by the encoded room ID before the request. */
export const ROOM_ID = '{roomId}';
/** The URL of an operation on the chosen room, e.g. `roomUrl('/join')`. */
export const roomUrl = (suffix = '') => `${ROOMS_PATH}/${ROOM_ID}${suffix}`;

const OBJECT_ID = /^[0-9a-f]{24}$/i;
/** A UTF-16 surrogate without its pair: it has no UTF-8 form, so it cannot be sent in a URL. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isRoomId(text: string): boolean {
	return OBJECT_ID.test(text);
}

/**
 * Why a text cannot identify a room in Videsk's URL `/vpaas/rooms/{room}`, or undefined. Every
 * other text is sent URL-encoded as one path segment (`a/b` as `a%2Fb`). `.` and `..` are path
 * navigation, and so are their encoded forms (`%2E`): HTTP clients and proxies resolve them, so
 * the request would reach another address, such as every room. A lone UTF-16 surrogate has no
 * URL form at all. (Length is checked separately: each field words it its own way.)
 */
export function roomReferenceProblem(text: string): string | undefined {
	if (text === '.' || text === '..') {
		return `${shown(text)} cannot identify a room: in a URL it means "this folder" or "the folder above", so the request would reach another address. Use another External ID`;
	}
	if (LONE_SURROGATE.test(text)) {
		return `${shown(text)} contains an incomplete Unicode character (a lone UTF-16 surrogate), which cannot be sent in a URL`;
	}
	return undefined;
}

/**
 * The room chosen in the Room field: from the list or by ID, a room ID; by External ID, any text
 * that can be sent in the URL. Throws, naming the field, when there is none or it cannot be used.
 */
export function chosenRoom(context: IExecuteSingleFunctions): {
	value: string;
	byExternalId: boolean;
} {
	// One read of the locator (an expression in it is evaluated once); no mode extracts a part.
	const locator = context.getNodeParameter('room', undefined, { extractValue: false }) as {
		mode?: string;
		value?: unknown;
	};
	const value = textOf(context, 'room', locator.value);
	if (value === undefined) {
		throw invalid(
			context,
			'room',
			'no room was given. Choose one from the list, or enter its ID or External ID',
		);
	}
	const byExternalId = locator.mode === 'externalId';
	if (!byExternalId && !isRoomId(value)) {
		throw invalid(
			context,
			'room',
			`${shown(value)} is not a room ID (24 hexadecimal characters). To use your own identifier, choose "By External ID"`,
		);
	}
	if (byExternalId && value.length > EXTERNAL_ID_MAX_LENGTH) {
		throw invalid(
			context,
			'room',
			`an External ID has at most ${EXTERNAL_ID_MAX_LENGTH} characters`,
		);
	}
	const problem = byExternalId ? roomReferenceProblem(value) : undefined;
	if (problem) throw invalid(context, 'room', problem);
	return { value, byExternalId };
}

/**
 * preSend of every operation on an existing room: replaces {roomId} in the URL with the chosen
 * room, URL-encoded so it stays one path segment. An External ID of 24 hexadecimal characters
 * could also be another room's ID, which Videsk's path accepts too: {roomId} then stays, and
 * sendToRoom first finds the room through the list's `externalId` filter.
 */
export async function setRoomPath(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const { value, byExternalId } = chosenRoom(this);
	if (!(byExternalId && isRoomId(value))) {
		requestOptions.url = requestOptions.url!.replace(`${ROOMS_PATH}/${ROOM_ID}`, roomPath(value));
	}
	return requestOptions;
}

/**
 * The room whose External ID is `externalId`, or undefined. Videsk's path `/vpaas/rooms/{room}`
 * takes an ID or an External ID, so an External ID of 24 hexadecimal characters could reach the
 * room that has it as its ID: such a room is found through the list's `externalId` filter.
 */
export async function findByExternalId(
	context: IExecutePaginationFunctions,
	operation: OperationErrors,
	request: RoutedRequest,
	externalId: string,
): Promise<Room | undefined> {
	const read = { method: 'GET' as const, body: undefined, qs: {} };
	if (!isRoomId(externalId)) {
		try {
			const [room] = await sendRouted(
				context,
				operation,
				withOptions(request, { ...read, url: roomPath(externalId) }),
				isRoom,
			);
			return room.json as Room;
		} catch (error) {
			if (isHttpError(error, 404)) return undefined;
			throw error as NodeApiError;
		}
	}
	const qs = { externalId, $limit: MAX_PAGE_SIZE };
	const [page] = await sendRouted(
		context,
		operation,
		withOptions(request, { ...read, url: ROOMS_PATH, qs }),
		isRoomPage,
	);
	const rooms = (page.json as { data: Room[] }).data;
	return rooms.find((candidate) => candidate.externalId === externalId);
}

/**
 * For a room chosen by an External ID of 24 hexadecimal characters (setRoomPath left {roomId} in
 * the URL): the request, addressed to that room's ID.
 */
export async function resolveRoom(
	context: IExecutePaginationFunctions,
	operation: OperationErrors,
	request: RoutedRequest,
): Promise<RoutedRequest> {
	const url = request.options.url ?? '';
	if (!url.includes(ROOM_ID)) return request;
	const { value } = chosenRoom(context);
	const room = await findByExternalId(context, operation, request, value);
	if (room === undefined) {
		throw new NodeApiError(
			context.getNode(),
			{},
			{
				message: `${operation.label}: Videsk has no room with External ID "${value}"`,
				description:
					'No room in the list of this Videsk account has that External ID. (An External ID of 24 hexadecimal characters is looked up in the list, so that it is never taken for another room’s ID.) Check the "Room" field and that the credential belongs to the account that created the room.',
				httpCode: '404',
				itemIndex: context.getItemIndex(),
			},
		);
	}
	return withOptions(request, {
		url: url.replace(`${ROOMS_PATH}/${ROOM_ID}`, roomPath(room.id)),
	});
}

/** An operation's request to the chosen room: found first if needed, then sent. */
export async function sendToRoom(
	context: IExecutePaginationFunctions,
	operation: OperationErrors,
	request: RoutedRequest,
	expects?: (body: unknown) => boolean,
): Promise<INodeExecutionData[]> {
	return await sendRouted(
		context,
		operation,
		await resolveRoom(context, operation, request),
		expects,
	);
}

/** After Videsk answered 409 to a create: the room that holds the External ID, or a clear error. */
export async function roomTakingExternalId(
	context: IExecutePaginationFunctions,
	operation: OperationErrors,
	request: RoutedRequest,
	externalId: string,
): Promise<Room> {
	const existing = await findByExternalId(context, operation, request, externalId);
	if (existing !== undefined) return existing;
	throw new NodeApiError(
		context.getNode(),
		{},
		{
			message: `${operation.label}: Videsk said a room with External ID "${externalId}" already exists, then found no such room`,
			description:
				'Videsk refused to create the room (409 Conflict: the External ID is taken), but looking the room up by that External ID found nothing; nothing was created. Run the item again. If it keeps failing, Videsk matches this External ID differently when creating and when looking up: use another External ID.',
			httpCode: '409',
			itemIndex: context.getItemIndex(),
		},
	);
}

/**
 * The "From List" mode of the Room field: newest rooms first, a page at a time. Videsk has no
 * text search, so the filter matches name, External ID or ID within each page.
 */
export async function searchRooms(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const credential = await this.getCredentials<VideskCredential>(CREDENTIAL_TYPE);
	const skip = Number(paginationToken ?? 0);
	const answer = await readFromVidesk(this, credential, {
		url: ROOMS_PATH,
		qs: { $limit: MAX_PAGE_SIZE, $skip: skip, $sort: { createdAt: -1 } },
		purpose: { label: 'Room list', target: 'the room list', advice: ROOM_LIST_ADVICE },
		expects: isRoomPage,
		timeoutAdvice: 'Try again in a moment.',
	});
	const page = answer.body as { data: Room[]; total: number };
	const needle = filter?.trim().toLowerCase() ?? '';
	const results = page.data
		.filter((room) =>
			[room.name, room.externalId, room.id].some((text) => text?.toLowerCase().includes(needle)),
		)
		.map((room) => ({
			name: `${room.name ?? room.id} (${room.externalId ?? room.id})${room.ended ? ' — ended' : ''}`,
			value: room.id,
		}));
	const next = skip + page.data.length;
	return {
		results,
		paginationToken: page.data.length && next < page.total ? String(next) : undefined,
	};
}
