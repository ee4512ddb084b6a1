import type { IDataObject } from 'n8n-workflow';

// What Videsk's Rooms API documents (../shared/videsk-docs/rooms-api.md), in one place.

export const CREDENTIAL_TYPE = 'videskApi';
export const ROOMS_PATH = '/vpaas/rooms';
export const MAX_PAGE_SIZE = 100;
export const NAME_MAX_LENGTH = 500;
export const EXTERNAL_ID_MAX_LENGTH = 100;
/** From Videsk's wider docs, not the Rooms page: a room lasts at most 72 hours. */
export const MAX_LIFETIME_HOURS = 72;
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

/** The answer the API documents everywhere: a JSON object (a room, a page of rooms, a token). */
export function isJsonObject(body: unknown): body is IDataObject {
	return (
		typeof body === 'object' && body !== null && !Array.isArray(body) && !Buffer.isBuffer(body)
	);
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

/** A room's path: its ID or External ID URL-encoded, so that it stays one path segment. */
export function roomPath(roomId: string): string {
	return `${ROOMS_PATH}/${encodeURIComponent(roomId)}`;
}
