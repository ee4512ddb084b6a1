import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

// What Videsk's Rooms API documents (../shared/videsk-docs/rooms-api.md), in one place.
export const CREDENTIAL_TYPE = 'videskApi';
export const ROOMS_PATH = '/vpaas/rooms';
/** Placeholder in operation URLs, replaced by the encoded room ID before the request. */
export const ROOM_ID = '{roomId}';
export const MAX_PAGE_SIZE = 100;

/** A room's path: its ID or External ID URL-encoded, so that it stays one path segment. */
export function roomPath(roomId: string): string {
	return `${ROOMS_PATH}/${encodeURIComponent(roomId)}`;
}

/** Operation names as the user sees them; errors start with the name of the failed operation. */
export const OPERATION_NAMES: Record<string, string> = {
	create: 'Create',
	createOrGet: 'Create or Get',
	createOrUpdate: 'Create or Update',
	delete: 'Delete',
	end: 'End',
	get: 'Get',
	getAll: 'Get Many',
	getJoinToken: 'Get Join Token',
	getStats: 'Get Stats',
	update: 'Update',
};
export const NAME_MAX_LENGTH = 500;
export const EXTERNAL_ID_MAX_LENGTH = 100;
/** Used unless the user sets "Request Options" → "Timeout" (n8n's own default is 300 s). */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** From Videsk's wider docs, not the Rooms page: a room lasts at most 72 hours. */
export const MAX_LIFETIME_HOURS = 72;

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

export function isRoom(body: unknown): body is Room {
	return typeof (body as Room | undefined)?.id === 'string';
}

export function isRoomPage(body: unknown): body is RoomPage {
	const page = body as RoomPage | undefined;
	return typeof page?.total === 'number' && Array.isArray(page.data);
}

export interface ListQuery extends IDataObject {
	$limit?: number;
	$skip?: number;
	$sort?: Record<string, 1 | -1>;
	ended?: boolean;
	externalId?: string;
}

/**
 * The list request for code that cannot go through the node's routing (list search, trigger).
 * Query objects are sent in Feathers' bracket form, e.g. `$sort[createdAt]=-1`.
 */
export function listRoomsRequest(baseUrl: string, query: ListQuery): IHttpRequestOptions {
	return { method: 'GET', baseURL: baseUrl, url: ROOMS_PATH, qs: query, json: true };
}
