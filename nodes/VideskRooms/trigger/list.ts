import type { INode } from 'n8n-workflow';
import { MAX_PAGE_SIZE, TIE_BREAKER, type ListQuery, type Room, type RoomPage } from '../videsk';
import { outOfOrder, tooFast } from './errors';

// How the trigger reads Videsk's room list: page by page at an offset ($skip), ordered by
// `createdAt` (the only order Videsk documents), where rooms leaving the list meanwhile move the
// others up. What it relies on is checked on every page, not trusted:
// - the order: creation times never go backwards in the order asked for (else the poll fails,
//   saying so: without that order no room could be told new from old);
// - the times: a `createdAt` that cannot be read places nothing (its room keeps the place
//   Videsk lists it at), and one ahead of Videsk's own clock counts as that clock's time.

/**
 * ASSUMPTION: a room appears in Videsk's list less than this after its `createdAt`. Concurrent
 * writes can become visible out of order; a room later than that would be missed.
 */
export const LATE_VISIBILITY_MS = 60_000;
/**
 * Times one read of the list may step back because rooms left it meanwhile. Each step in a row
 * goes twice as far back as the last, so these reach the start of a list of 100,000 rooms.
 */
const MAX_STEP_BACKS = 20;

// Rooms that share a creation time are ordered by External ID: pages are read at offsets, and a
// server may give such ties in another order for each query (MongoDB does).
export const OLDEST_FIRST = { createdAt: 1 as const, [TIE_BREAKER]: 1 as const };
export const NEWEST_FIRST = { createdAt: -1 as const, [TIE_BREAKER]: 1 as const };

/** One answer of the list, and the latest creation time its rooms can have: Videsk's clock. */
export interface ListAnswer {
	page: RoomPage;
	ceiling: number;
}

export interface RoomsApi {
	node: INode;
	/** What the trigger's errors start with: its event, e.g. "Room Ended". */
	label: string;
	list(query: ListQuery): Promise<ListAnswer>;
	/** The room, or undefined when Videsk no longer has it (404). */
	get(roomId: string): Promise<Room | undefined>;
	/** Whether the External ID Prefix option lets the room through. */
	matches(room: Room): boolean;
	/** Whether the poll has time left for another request (n8n's poll budget). */
	hasTime(): boolean;
	/** The time n8n gives a poll, for the errors. */
	budgetMs: number;
	/** Shows the user a failure that does not stop the poll (n8n saves it as a failed execution). */
	report(error: Error): void;
}

/** A room as one answer listed it. */
export interface Listed {
	room: Room;
	/** Its place in the list, from 0, in the order asked for, when it was read. */
	position: number;
	/** Its creation time (ms), at most Videsk's clock; undefined when none can be read. */
	time?: number;
	/** The creation time as Videsk gave it, for the order check. */
	order?: number;
	/** The time is the creation second held in the room's ID. */
	fromId?: boolean;
}

/** The page the read is on: its new rooms, in list order, and the list's length then. */
interface Page {
	rooms: Listed[];
	total: number;
	ceiling: number;
}

/**
 * ASSUMPTION: a room's ObjectId is made (by the application, before it saves the room) at most
 * this long before its hidden `createdAt`, which Videsk sorts by: rooms created at once across a
 * second may be listed with their IDs' seconds that far apart in reverse.
 */
const ID_TIME_SLACK_MS = 5_000;

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const OBJECT_ID = /^[0-9a-f]{24}$/i;

/**
 * One poll's reading of the list: how the rooms' creation times are read, from `createdAt` or,
 * where Videsk sends none at all (`fromIds`, decided by the first rooms the trigger reads, kept
 * in its state), from their IDs; and whether a read stopped because the poll's time was spent
 * (`cut`: what was read stands, the rest waits for the next poll).
 */
export interface Reading {
	fromIds?: boolean;
	cut?: boolean;
	/** Two rooms timed by their IDs listed out of order: an unsorted list, unless rooms show times. */
	idDisorder?: [Listed, Listed];
}

/**
 * The rooms of one answer with their creation times. ASSUMPTION: where Videsk's rooms carry no
 * `createdAt` (the docs' room example shows none), each was created in the second its MongoDB
 * ObjectId holds, which is then used (as that second's last millisecond). Where they carry it, a
 * room without one has no time.
 */
function listed(answer: ListAnswer, skip: number, times: Reading): Listed[] {
	const { data } = answer.page;
	// A room that shows a createdAt shows that Videsk's rooms carry one: for good.
	if (data.some((room) => room.createdAt !== undefined)) times.fromIds = false;
	else if (data.length > 0) times.fromIds ??= true;
	return data.map((room, index) => {
		const fromId = times.fromIds === true && room.createdAt === undefined;
		let order: number | undefined;
		if (fromId) {
			if (OBJECT_ID.test(room.id)) order = parseInt(room.id.slice(0, 8), 16) * 1000 + 999;
		} else if (typeof room.createdAt === 'string' && ISO_DATE_TIME.test(room.createdAt)) {
			order = Date.parse(room.createdAt);
		}
		const known = order !== undefined && Number.isFinite(order);
		return {
			room,
			position: skip + index,
			...(known ? { order, time: Math.min(order!, answer.ceiling), fromId } : {}),
		};
	});
}

/**
 * Checks one answer's order (`direction` 1: oldest first): across answers, rooms created or
 * listed meanwhile may come between. Times Videsk sent are checked; times from IDs too, within
 * ID_TIME_SLACK_MS, but only when no room of the read shows a createdAt (`idDisorder`, thrown by
 * readList at its end): rooms without one beside rooms with one tie on the sort's first key
 * (MongoDB lists them first), and the server orders them by the next key (TIE_BREAKER).
 */
function checkOrder(api: RoomsApi, reading: Reading, rooms: Listed[], direction: 1 | -1) {
	const last = new Map<boolean, Listed>();
	for (const room of rooms) {
		if (room.order === undefined) continue;
		const before = last.get(room.fromId!);
		const slack = room.fromId ? ID_TIME_SLACK_MS : 0;
		if (before && direction * (room.order - before.order!) < -slack) {
			if (!room.fromId) throw outOfOrder(api, before, room);
			reading.idDisorder ??= [before, room];
		}
		last.set(room.fromId!, room);
	}
}

/**
 * Reads `query` (its `$sort` on `createdAt`) from position `skip` to the end of the list, page
 * after page, while the poll has time (else `reading.cut`); yields each page's rooms not read
 * before. Each page begins a tenth back into the one before: when rooms before it left the list,
 * which moved the rest up, finding none of those again means some were skipped, and the read
 * steps back: a page less one room, then twice as far at each step in a row (a clean-up may end
 * thousands of rooms between two polls). The first page must satisfy `opens` (e.g. begin before
 * a window), else the read steps back too. From the list's start, nothing can have been skipped.
 */
export async function* readList(
	api: RoomsApi,
	reading: Reading,
	query: ListQuery,
	skip: number,
	opens: (rooms: Listed[]) => boolean = () => true,
): AsyncGenerator<Page, void> {
	yield* readPages(api, reading, query, skip, opens);
	// Read to its end, its rooms timed by their IDs out of order, and none showed a createdAt:
	// unsorted. (A reader that stops early leaves it to a read that goes to the end.)
	if (reading.fromIds === true && reading.idDisorder !== undefined) {
		throw outOfOrder(api, ...reading.idDisorder);
	}
}

async function* readPages(
	api: RoomsApi,
	reading: Reading,
	query: ListQuery,
	skip: number,
	opens: (rooms: Listed[]) => boolean,
): AsyncGenerator<Page, void> {
	const direction = query.$sort?.createdAt ?? 1;
	const read = new Set<string>();
	let overlap = 0;
	let pageLength = MAX_PAGE_SIZE;
	let stepBack = 0;
	for (let stepBacks = 0; ; ) {
		if (!api.hasTime()) {
			reading.cut = true;
			return;
		}
		const answer = await api.list({ ...query, $skip: skip, $limit: MAX_PAGE_SIZE });
		const rooms = listed(answer, skip, reading);
		const skipped =
			skip > 0 && (overlap > 0 ? !rooms.some(({ room }) => read.has(room.id)) : !opens(rooms));
		if (skipped) {
			if (++stepBacks > MAX_STEP_BACKS) throw tooFast(api);
			stepBack = stepBack === 0 ? Math.max(1, pageLength - 1) : 2 * stepBack;
			skip = Math.max(0, skip - stepBack);
			continue;
		}
		stepBack = 0;
		checkOrder(api, reading, rooms, direction);
		const fresh = rooms.filter(({ room }) => !read.has(room.id));
		for (const { room } of fresh) read.add(room.id);
		const { total, data } = answer.page;
		yield { rooms: fresh, total, ceiling: answer.ceiling };
		if (data.length === 0 || skip + data.length >= total) return;
		pageLength = Math.max(1, data.length);
		overlap = Math.min(Math.ceil(data.length / 10), data.length - 1);
		skip += data.length - overlap;
	}
}

/** Whether the page begins before the window that starts at `from`: it holds an older room. */
export function beginsBefore(from: number) {
	return (rooms: Listed[]) => {
		const places = placing(rooms);
		return rooms.some((room) => places(room) && room.time! < from);
	};
}

/** Which rooms place the window: those with a time; only those Videsk sent it for, if any. */
function placing(rooms: Listed[]) {
	const sent = rooms.some((room) => room.time !== undefined && !room.fromId);
	return (room: Listed) => room.time !== undefined && (!sent || !room.fromId);
}

/**
 * Where the window that starts at `from` begins in `rooms`, as read oldest first from a page
 * that begins before it (or at the list's start): the index after the last room older than
 * `from`, else of the first room with a creation time (else 0). Only rooms whose `createdAt`
 * Videsk sent place the window, where it sent any. A room without a time is no event, and keeps
 * the place Videsk lists it at. (Read order, not the positions of the rooms' pages: rooms leaving
 * the list during the read move those of the later pages.)
 */
export function windowIndex(rooms: Listed[], from: number): number {
	const places = placing(rooms);
	for (let index = rooms.length - 1; index >= 0; index -= 1) {
		if (places(rooms[index]) && rooms[index].time! < from) return index + 1;
	}
	return Math.max(0, rooms.findIndex(places));
}

/** The list position of `rooms[index]` when it was read (or just after the last). */
export function positionOf(rooms: Listed[], index: number): number {
	if (index < rooms.length) return rooms[index].position;
	return rooms.length > 0 ? rooms[rooms.length - 1].position + 1 : 0;
}
