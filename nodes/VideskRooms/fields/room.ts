import type {
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import {
	sendRouted,
	withOptions,
	type OperationErrors,
	type RoutedRequest,
} from '../transport/routing';
import { isHttpError } from '../transport/send';
import {
	characterCount,
	EXTERNAL_ID_MAX_LENGTH,
	isRoom,
	isRoomPage,
	MAX_PAGE_SIZE,
	roomPath,
	ROOMS_PATH,
	type AnswerShape,
	type Room,
} from '../videsk';
import { invalid, shown } from './check';
import { checkValue, isEmpty, text } from './contract';

// The Room field and everything about addressing a room: the field (From List, By ID, By
// External ID), the checks on what was entered, and the room's URL. Its From List search is in
// roomSearch.ts.

export const roomLocator: INodeProperties = {
	displayName: 'Room',
	name: 'room',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The room, chosen from the list, by its Videsk ID, or by your External ID (Ext. ID).',
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
			// Short enough for the editor's mode selector, which cuts longer names ("By Exter").
			displayName: 'Ext. ID',
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
	return urlProblem(text);
}

/** Why a text cannot be sent in a URL at all (a query string too), or undefined. */
export function urlProblem(text: string): string | undefined {
	if (LONE_SURROGATE.test(text)) {
		return `${shown(text)} contains an incomplete Unicode character (a lone UTF-16 surrogate), which cannot be sent in a URL`;
	}
	return undefined;
}

/** The room chosen in the Room field: a room ID, or (By External ID) an External ID. */
export interface ChosenRoom {
	value: string;
	byExternalId: boolean;
}

const ROOM_TEXT = text(roomLocator.displayName);

/**
 * The Room field's rule: from the list or by ID, a room ID; by External ID, any text that can be
 * sent in the URL. Throws, naming the field, when there is none or it cannot be used.
 */
export function readRoom(context: IExecuteSingleFunctions): ChosenRoom {
	// One read of the locator (an expression in it is evaluated once); no mode extracts a part.
	const locator = context.getNodeParameter('room', undefined, { extractValue: false }) as {
		mode?: string;
		value?: unknown;
	};
	if (isEmpty(locator.value)) {
		throw invalid(
			context,
			ROOM_TEXT.label,
			'no room was given. Choose one from the list, or enter its ID or External ID',
		);
	}
	const value = checkValue(context, ROOM_TEXT, locator.value);
	const byExternalId = locator.mode === 'externalId';
	if (!byExternalId && !isRoomId(value)) {
		throw invalid(
			context,
			ROOM_TEXT.label,
			`${shown(value)} is not a room ID (24 hexadecimal characters). To use your own identifier, choose "By External ID"`,
		);
	}
	if (byExternalId && characterCount(value) > EXTERNAL_ID_MAX_LENGTH) {
		throw invalid(
			context,
			ROOM_TEXT.label,
			`an External ID has at most ${EXTERNAL_ID_MAX_LENGTH} characters`,
		);
	}
	const problem = byExternalId ? roomReferenceProblem(value) : undefined;
	if (problem) throw invalid(context, ROOM_TEXT.label, problem);
	return { value, byExternalId };
}

/** How errors name the chosen room. */
export const roomTarget = (room: ChosenRoom) => `room "${room.value}"`;

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
 * The request to the chosen room: {roomId} in the operation's URL replaced by the room,
 * URL-encoded so that it stays one path segment. Videsk's path takes an ID or an External ID, so
 * an External ID of 24 hexadecimal characters could also be another room's ID: such a room is
 * first found through the list's `externalId` filter, and addressed by its own ID.
 */
export async function roomRequest(
	context: IExecutePaginationFunctions,
	operation: OperationErrors,
	request: RoutedRequest,
	room: ChosenRoom,
): Promise<RoutedRequest> {
	const address = (roomId: string) =>
		withOptions(request, {
			url: request.options.url!.replace(`${ROOMS_PATH}/${ROOM_ID}`, roomPath(roomId)),
		});
	if (!(room.byExternalId && isRoomId(room.value))) return address(room.value);
	const found = await findByExternalId(context, operation, request, room.value);
	if (found === undefined) {
		throw new NodeApiError(
			context.getNode(),
			{},
			{
				message: `${operation.label}: Videsk has no room with External ID "${room.value}"`,
				description:
					'No room in the list of this Videsk account has that External ID. (An External ID of 24 hexadecimal characters is looked up in the list, so that it is never taken for another room’s ID.) Check the "Room" field and that the credential belongs to the account that created the room.',
				httpCode: '404',
				itemIndex: context.getItemIndex(),
			},
		);
	}
	return address(found.id);
}

/** An operation's request to the chosen room: found first if needed, then sent. */
export async function sendToRoom(
	context: IExecutePaginationFunctions,
	operation: OperationErrors,
	request: RoutedRequest,
	room: ChosenRoom,
	expects: AnswerShape<unknown>,
): Promise<INodeExecutionData[]> {
	return await sendRouted(
		context,
		operation,
		await roomRequest(context, operation, request, room),
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
