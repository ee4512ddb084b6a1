import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { isRoomId, roomReferenceProblem } from './fields/room';
import { usableCredential, type UsableCredential } from './transport/credential';
import { readFromVidesk } from './transport/direct';
import { ROOM_LIST_ADVICE, type RequestPurpose, type VideskAnswer } from './transport/errors';
import {
	CREDENTIAL_TYPE,
	EXTERNAL_ID_MAX_LENGTH,
	isNotFound,
	isRoom,
	isRoomPage,
	MAX_PAGE_SIZE,
	pageMatching,
	roomAskedFor,
	roomPath,
	ROOMS_PATH,
	TIE_BREAKER,
	type Room,
	type RoomPage,
} from './videsk';

// The Room field's "From List" mode. Videsk has no text search: its list is filtered only by
// `ended` and `externalId`. So a search first asks for the room whose ID or External ID is the
// text (by its path when it is a room ID, through the list's filter for an External ID), then
// reads the list newest first, a page at a time, and keeps the rooms whose name, External ID or
// ID contains the text. Each call reads on until it has a
// result or the list ends, so "No results" means there is none; scrolling asks for more.

const TRY_AGAIN = 'Search again in a moment.';
const PURPOSE: RequestPurpose = {
	label: 'Room list',
	target: 'the room list',
	advice: ROOM_LIST_ADVICE,
	retryAdvice: TRY_AGAIN,
};

/** Where the next call goes on: the list position, and the exact matches already shown. */
interface SearchPosition {
	skip: number;
	shown: string[];
}

export async function searchRooms(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const credential = usableCredential(await this.getCredentials(CREDENTIAL_TYPE));
	if ('problem' in credential) throw new NodeOperationError(this.getNode(), credential.problem);
	const readPage = async (skip: number) =>
		(
			await readFromVidesk(this, credential, {
				url: ROOMS_PATH,
				qs: {
					$limit: MAX_PAGE_SIZE,
					$skip: skip,
					$sort: { createdAt: -1, [TIE_BREAKER]: 1 },
				},
				purpose: PURPOSE,
				expects: isRoomPage,
				timeoutAdvice: TRY_AGAIN,
			})
		).body as RoomPage;
	const text = filter?.trim() ?? '';
	const position: SearchPosition = paginationToken
		? (JSON.parse(paginationToken) as SearchPosition)
		: { skip: 0, shown: [] };

	const rooms: Room[] = [];
	if (position.skip === 0 && text !== '') {
		for (const room of await exactMatches.call(this, credential, text)) {
			rooms.push(room);
			position.shown.push(room.id);
		}
	}
	const needle = text.toLowerCase();
	const shown = new Set(position.shown);
	let skip = position.skip;
	let more: boolean;
	do {
		const page = await readPage(skip);
		const matches = page.data.filter(
			(room) =>
				!shown.has(room.id) &&
				[room.name, room.externalId, room.id].some((field) =>
					String(field ?? '')
						.toLowerCase()
						.includes(needle),
				),
		);
		rooms.push(...matches.sort((a, b) => rank(a, needle) - rank(b, needle)));
		skip += page.data.length;
		more = page.data.length > 0 && skip < page.total;
	} while (rooms.length === 0 && more);

	// An ended room is marked first: the dropdown cuts a long name at its end.
	return {
		results: rooms.map((room) => ({
			name: `${room.ended ? 'Ended · ' : ''}${room.name ?? room.id} (${room.externalId ?? room.id})`,
			value: room.id,
		})),
		paginationToken: more ? JSON.stringify({ skip, shown: position.shown }) : undefined,
	};
}

/** How well a room matches: its External ID or name is the text, starts with it, contains it. */
function rank(room: Room, needle: string): number {
	const fields = [room.externalId, room.name].map((field) => String(field ?? '').toLowerCase());
	if (fields.includes(needle)) return 0;
	return fields.some((field) => field.startsWith(needle)) ? 1 : 2;
}

/**
 * The rooms whose ID or External ID is exactly `text` (an External ID of 24 hexadecimal
 * characters can also be another room's ID: both are shown). Texts no room can have are not
 * looked up.
 */
async function exactMatches(
	this: ILoadOptionsFunctions,
	credential: UsableCredential,
	text: string,
): Promise<Room[]> {
	if (text.length > EXTERNAL_ID_MAX_LENGTH || roomReferenceProblem(text)) return [];
	const found: Room[] = [];
	if (isRoomId(text)) {
		const id = text.toLowerCase();
		const asked = roomAskedFor({ id });
		// Another room at the path (a server that reads it as that room's External ID first) is
		// no room with this ID: the list's filter below finds that one.
		const anotherRoom = ({ statusCode, body }: VideskAnswer) =>
			statusCode === 200 && isRoom(body) && body.id !== id;
		const byId = await readFromVidesk(this, credential, {
			url: roomPath(id),
			purpose: PURPOSE,
			expects: asked,
			handles: (answer) => isNotFound(answer) || anotherRoom(answer),
			timeoutAdvice: TRY_AGAIN,
		});
		if (asked(byId.body)) found.push(byId.body as Room);
	}
	// An External ID is found through the list's filter, whatever characters it holds (a server
	// may not decode a path).
	const query = { externalId: text };
	const page = (
		await readFromVidesk(this, credential, {
			url: ROOMS_PATH,
			qs: { ...query, $limit: 1 },
			purpose: PURPOSE,
			expects: pageMatching(query),
			timeoutAdvice: TRY_AGAIN,
		})
	).body as RoomPage;
	found.push(...page.data.filter((room) => !found.some((other) => other.id === room.id)));
	return found;
}
