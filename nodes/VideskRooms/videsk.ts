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
 * Feathers' own 404 for an address no service answers ("Path /x not found" from its Koa
 * transport, "Page not found" from its Express one): about the path, not a room.
 */
export function isRouterNotFound({ statusCode, body }: { statusCode: number; body: unknown }) {
	return (
		statusCode === 404 &&
		isJsonObject(body) &&
		/^(Path .* not found|Page not found)/.test(String(body.message))
	);
}

/**
 * Videsk's own "not found" about what the path names: a 404 with its (Feathers) NotFound error,
 * not its router's about the path, nor the 404 page of a proxy or gateway in front of it.
 */
export function isNotFound(answer: { statusCode: number; body: unknown }): boolean {
	const { statusCode, body } = answer;
	if (statusCode !== 404 || !isJsonObject(body) || isRouterNotFound(answer)) return false;
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
	return hasToken(body as IDataObject) ? undefined : 'an answer without "accessToken"';
});

const hasToken = ({ accessToken }: IDataObject) =>
	typeof accessToken === 'string' && accessToken !== '';

/**
 * The room asked for: a room whose `id` (or External ID) is the one in the request, with an
 * `accessToken` when one was asked for. Anything else is another room's answer, or not the whole
 * answer, and is never taken as success.
 */
export function roomAskedFor(asked: {
	id?: string;
	externalId?: string;
	accessToken?: boolean;
}): AnswerShape<Room> {
	return answerShape<Room>((body) => {
		const problem = roomProblem(body);
		if (problem) return problem;
		const room = body as Room;
		if (asked.id !== undefined && room.id !== asked.id) {
			return `another room: "${room.id}" (External ID ${JSON.stringify(room.externalId)}), not "${asked.id}"`;
		}
		if (asked.externalId !== undefined && room.externalId !== asked.externalId) {
			return `another room: External ID ${JSON.stringify(room.externalId)} (ID "${room.id}"), not ${JSON.stringify(asked.externalId)}`;
		}
		if (asked.accessToken && !hasToken(room)) return 'a room without the "accessToken" asked for';
		return undefined;
	});
}

/**
 * A page of the list filtered by `query`: every room it holds matches the filters (`ended` where
 * a room shows it: the docs do not put it on the room).
 */
export function pageMatching(query: ListQuery): AnswerShape<RoomPage> {
	return answerShape<RoomPage>((body) => {
		if (!isRoomPage(body)) return isRoomPage.whatCame(body);
		const index = body.data.findIndex(
			(room) =>
				(query.externalId !== undefined && room.externalId !== query.externalId) ||
				(query.ended !== undefined &&
					typeof room.ended === 'boolean' &&
					room.ended !== query.ended),
		);
		if (index === -1) return undefined;
		const room = body.data[index];
		return `a list the filter was not applied to: room "${room.id}" (External ID ${JSON.stringify(room.externalId)}, ended: ${String(room.ended ?? false)}) does not match ${JSON.stringify({ ended: query.ended, externalId: query.externalId })}`;
	});
}

/**
 * What orders rooms that tie on a sort field: the External ID, unique in an account (its docs),
 * and one of the list's documented query fields. A server may return ties in another order for
 * each query (MongoDB's sort on a non-unique key does); pages read at offsets then skip some
 * rooms and repeat others.
 */
export const TIE_BREAKER = 'externalId';

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
