import type { IExecuteSingleFunctions, INodeProperties } from 'n8n-workflow';
import { characterCount, EXTERNAL_ID_MAX_LENGTH, ROOMS_PATH } from '../videsk';
import { shown } from '../wording';
import { invalid } from './check';
import { checkValue, isEmpty, text } from './contract';

// The Room field: its modes (From List, By ID, By External ID) and the checks on what was
// entered. How operations reach the room it names is in operations/rooms.ts; its From List
// search in searchRooms.ts.

export const roomLocator: INodeProperties = {
	displayName: 'Room',
	name: 'room',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description:
		'The room, chosen from the list, by its Videsk ID, or by your External ID (Ext. ID).',
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
	// A room ID is a MongoDB ObjectId: the same in any case, and written in lower case in answers.
	return { value: byExternalId ? value : value.toLowerCase(), byExternalId };
}

/** How errors name the chosen room. */
export const roomTarget = (room: ChosenRoom) => `room "${room.value}"`;
