import type { IDataObject } from 'n8n-workflow';

// What Videsk's Rooms API documents (../shared/videsk-docs/rooms-api.md), in one place.

export const CREDENTIAL_TYPE = 'videskApi';
export const ROOMS_PATH = '/vpaas/rooms';
export const MAX_PAGE_SIZE = 100;
export const NAME_MAX_LENGTH = 500;
export const EXTERNAL_ID_MAX_LENGTH = 100;
/** From Videsk's wider docs, not the Rooms page: a room lasts at most 72 hours. */
export const MAX_LIFETIME_HOURS = 72;
/** A new room without `exp` expires this long after it is created (now, not after its `nbf`). */
export const DEFAULT_LIFETIME_HOURS = 3;
/** Used unless the user sets "Request Options" → "Timeout" (n8n's own default is 300 s). */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface Room extends IDataObject {
	id: string;
	name?: string;
	externalId?: string;
	nbf?: string;
	exp?: string;
	ended?: boolean;
	accessToken?: string;
}

export interface RoomPage extends IDataObject {
	total: number;
	limit: number;
	skip: number;
	data: Room[];
}

/**
 * How Videsk counts the "characters" of its length limits. ASSUMPTION: its docs do not say; this
 * counts Unicode code points (as JSON Schema's maxLength does), so "😀" is one character, not
 * the two UTF-16 units JavaScript's `length` counts.
 */
export function characterCount(text: string): number {
	return Array.from(text).length;
}

/**
 * The shape an answer must have, as the API documents it: whether a body has it (so that it can
 * be used as `expects`), and what came back instead when it does not ("a room without "id"").
 */
export interface AnswerShape<T = IDataObject> {
	(body: unknown): body is T;
	whatCame(body: unknown): string;
}

function answerShape<T>(problem: (body: unknown) => string | undefined): AnswerShape<T> {
	const has = (body: unknown): body is T => problem(body) === undefined;
	return Object.assign(has, {
		whatCame: (body: unknown) => problem(body) ?? 'the documented answer',
	});
}

/** A body that is not a JSON object, in words ("an empty body", "a list"); else undefined. */
function notAnObject(body: unknown): string | undefined {
	if (body === undefined || body === '' || (Buffer.isBuffer(body) && body.length === 0)) {
		return 'an empty body';
	}
	if (body === null) return 'null';
	if (Array.isArray(body)) return 'a list, not an object';
	if (typeof body === 'string' || Buffer.isBuffer(body)) return 'text, not JSON';
	if (typeof body !== 'object') return `${JSON.stringify(body)}, not an object`;
	return undefined;
}

/** The answer the API documents everywhere: a JSON object (a room, a page of rooms, a token). */
export const isJsonObject = answerShape<IDataObject>(notAnObject);

function roomProblem(body: unknown): string | undefined {
	const problem = notAnObject(body);
	if (problem) return problem;
	const { id } = body as IDataObject;
	if (typeof id !== 'string' || id === '') return 'a room without "id"';
	return undefined;
}

/** A room: an object with its `id`. */
export const isRoom = answerShape<Room>(roomProblem);

/**
 * Videsk's own "not found": a 404 with its (Feathers) NotFound error, not the 404 page of a proxy
 * or gateway in front of it.
 */
export function isNotFound({ statusCode, body }: { statusCode: number; body: unknown }): boolean {
	if (statusCode !== 404 || !isJsonObject(body)) return false;
	return body.name === 'NotFound' || body.code === 404;
}

/** A page of the room list: `total`, and `data`, a list of rooms each with its `id`. */
export const isRoomPage = answerShape<RoomPage>((body) => {
	const problem = notAnObject(body);
	if (problem) return problem;
	const page = body as IDataObject;
	if (!Array.isArray(page.data)) return 'a page without a "data" list';
	if (typeof page.total !== 'number') return 'a page without "total"';
	const index = page.data.findIndex((room) => roomProblem(room) !== undefined);
	if (index !== -1) return `a page whose room ${index + 1} has no "id"`;
	return undefined;
});

/** Join's answer: the participant's `accessToken`. */
export const isJoinAnswer = answerShape<{ accessToken: string }>((body) => {
	const problem = notAnObject(body);
	if (problem) return problem;
	const { accessToken } = body as IDataObject;
	if (typeof accessToken !== 'string' || accessToken === '') {
		return 'an answer without "accessToken"';
	}
	return undefined;
});

export interface ListQuery extends IDataObject {
	$limit?: number;
	$skip?: number;
	$sort?: Record<string, 1 | -1>;
	ended?: boolean;
	externalId?: string;
}

/** A room's path: its ID or External ID URL-encoded, so that it stays one path segment. */
export function roomPath(roomId: string): string {
	return `${ROOMS_PATH}/${encodeURIComponent(roomId)}`;
}
