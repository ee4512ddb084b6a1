import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { CREDENTIAL_TYPE, listRoomsRequest, MAX_PAGE_SIZE, type RoomPage } from '../shared/api';

/**
 * The "From List" mode of the Room field: newest rooms first, a page at a time. Videsk has no
 * text search, so the filter matches name, External ID or ID within each page.
 */
export async function searchRooms(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const { baseUrl } = await this.getCredentials<{ baseUrl: string }>(CREDENTIAL_TYPE);
	const skip = Number(paginationToken ?? 0);
	const page = (await this.helpers.httpRequestWithAuthentication.call(
		this,
		CREDENTIAL_TYPE,
		listRoomsRequest(baseUrl, { $limit: MAX_PAGE_SIZE, $skip: skip, $sort: { createdAt: -1 } }),
	)) as RoomPage;
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
