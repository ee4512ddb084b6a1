import { NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';
import { MAX_PAGE_SIZE, type ListQuery, type Room, type RoomPage } from '../videsk';

// How the trigger finds each event once. Videsk has no webhooks and its list is filtered only by
// `ended` and `externalId`, sorted by `createdAt`; so:
// - Room Created reads the rooms newest first down to a window before the newest it saw last
//   time, and emits those it has not seen. The window catches a room that becomes visible after
//   a newer one, and the IDs seen in it keep each room to one event.
// - Room Ended does the same over ended rooms sorted by `updatedAt`, when Videsk's rooms carry
//   it. Otherwise it reads the same window of all rooms (recent rooms that ended), and watches
//   the open rooms created before the window: their count, one request, tells whether any ended;
//   only then are they all read and those gone looked up.
// Pages overlap, so that rooms leaving the list while it is read (ending, purged) cannot make a
// page skip one. The state changes only when a poll succeeds; a failed poll is repeated whole.

/**
 * ASSUMPTION: a room appears in Videsk's list less than this after its `createdAt` (and an end
 * less than this after its `updatedAt`). Concurrent writes can become visible out of order;
 * a room later than that would be missed.
 */
export const LATE_VISIBILITY_MS = 60_000;
/** Rooms that left the open list are looked up (one request each) at most this many per poll. */
export const MAX_LOOKUPS_PER_POLL = 50;
/** Times one read of the list may go back a page because rooms left it meanwhile. */
const MAX_STEP_BACKS = 10;

export interface PollState extends IDataObject {
	/** Newest time (ms) the last poll saw when it started: `createdAt`, or `updatedAt` below. */
	cursor?: number;
	/** Matching rooms from LATE_VISIBILITY_MS before the cursor that were already accounted for. */
	seen?: string[];
	/** Room Ended: Videsk's rooms carry `updatedAt` (seen on activation). */
	byUpdatedAt?: boolean;
	/** Room Ended without `updatedAt`: the open rooms created before the window (matching ones)… */
	open?: string[];
	/** …and how many others. */
	otherOpen?: number;
	/** …and those that left the open list and are still to be looked up. */
	pending?: string[];
}

export interface RoomsApi {
	node: INode;
	list(query: ListQuery): Promise<RoomPage>;
	/** The room, or undefined when Videsk no longer has it (404). */
	get(roomId: string): Promise<Room | undefined>;
	/** Whether the External ID Prefix option lets the room through. */
	matches(room: Room): boolean;
}

type TimeOf = (room: Room) => number;

/**
 * ASSUMPTION: the docs sort rooms by `createdAt` but their example does not show the field;
 * without it, the creation second held in the MongoDB ObjectId is used.
 */
export const createdAtOf: TimeOf = (room) =>
	typeof room.createdAt === 'string'
		? Date.parse(room.createdAt)
		: parseInt(room.id.slice(0, 8), 16) * 1000;

function updatedAtOf(api: RoomsApi): TimeOf {
	return (room) => {
		const time = typeof room.updatedAt === 'string' ? Date.parse(room.updatedAt) : NaN;
		if (Number.isNaN(time)) {
			throw new NodeOperationError(api.node, `Room Ended: room "${room.id}" has no updatedAt`, {
				description:
					'When this workflow was activated, Videsk’s rooms carried "updatedAt", which the trigger uses to find ended rooms. Deactivate and activate the workflow again, so that it watches the open rooms instead.',
			});
		}
		return time;
	};
}

const newestFirst = { createdAt: -1 as const };

/**
 * Reads the list newest first until `isBelow(room)`: every room above, once, in list order,
 * and how many rooms are at or below that point (0 at the end of the list). ASSUMPTION: rooms
 * with the same `createdAt` keep their order from one request to the next.
 */
async function readNewestFirst(
	api: RoomsApi,
	query: ListQuery,
	isBelow: (room: Room) => boolean,
): Promise<{ rooms: Room[]; below: number }> {
	const rooms: Room[] = [];
	const read = new Set<string>();
	let skip = 0;
	let overlap = 0;
	let pageLength = 0;
	for (let stepBacks = 0; ; ) {
		const page = await api.list({ ...query, $limit: MAX_PAGE_SIZE, $skip: skip });
		if (overlap > 0 && !page.data.some((room) => read.has(room.id))) {
			// Rooms above left the list (ended, purged), so it moved up past this page's start.
			if (++stepBacks > MAX_STEP_BACKS) {
				throw new NodeOperationError(api.node, 'The room list changed too fast to be read', {
					description: 'Rooms kept ending while the trigger read them. The next poll tries again.',
				});
			}
			skip = Math.max(0, skip - pageLength);
			continue;
		}
		pageLength = Math.max(pageLength, page.data.length);
		for (const [index, room] of page.data.entries()) {
			if (isBelow(room)) return { rooms, below: page.total - skip - index };
			if (!read.has(room.id)) {
				read.add(room.id);
				rooms.push(room);
			}
		}
		if (page.data.length === 0 || skip + page.data.length >= page.total) return { rooms, below: 0 };
		// Start the next page a few rooms back: finding one of them again proves none was skipped.
		overlap = Math.min(Math.ceil(page.data.length / 10), page.data.length - 1);
		skip += page.data.length - overlap;
	}
}

/**
 * The rooms of `query` from LATE_VISIBILITY_MS before `cursor` (or before the newest room, on
 * activation), and the cursor for the next poll: the newest time seen by the poll's first request,
 * so that a room appearing later in the poll is still inside the next window.
 */
async function readWindow(api: RoomsApi, query: ListQuery, timeOf: TimeOf, cursor?: number) {
	let newest: number | undefined;
	let from = cursor === undefined ? undefined : cursor - LATE_VISIBILITY_MS;
	const { rooms } = await readNewestFirst(api, query, (room) => {
		const time = timeOf(room);
		newest ??= time;
		from ??= time - LATE_VISIBILITY_MS;
		return time < from;
	});
	const next = Math.max(cursor ?? 0, newest ?? 0);
	return { rooms, from: from ?? 0, cursor: next, nextFrom: next - LATE_VISIBILITY_MS };
}

/** Room Created, and Room Ended with `updatedAt`: the rooms of the window not seen before. */
async function windowEvents(
	api: RoomsApi,
	state: PollState,
	query: ListQuery,
	timeOf: TimeOf,
): Promise<{ events: Room[]; next: PollState }> {
	const window = await readWindow(api, query, timeOf, state.cursor);
	const seen = new Set(state.seen);
	const matching = window.rooms.filter(api.matches);
	return {
		events: state.cursor === undefined ? [] : matching.filter((room) => !seen.has(room.id)),
		next: {
			cursor: window.cursor,
			seen: matching.filter((room) => timeOf(room) >= window.nextFrom).map((room) => room.id),
		},
	};
}

export async function pollRoomCreated(api: RoomsApi, state: PollState) {
	return await windowEvents(api, state, { $sort: newestFirst }, createdAtOf);
}

export async function pollRoomEnded(
	api: RoomsApi,
	state: PollState,
): Promise<{ events: Room[]; next: PollState }> {
	let byUpdatedAt = state.byUpdatedAt === true;
	if (state.cursor === undefined) {
		const { data } = await api.list({ $sort: newestFirst, $limit: 1 });
		byUpdatedAt = typeof data[0]?.updatedAt === 'string';
	}
	if (byUpdatedAt) {
		const { events, next } = await windowEvents(
			api,
			state,
			{ ended: true, $sort: { updatedAt: -1 } },
			updatedAtOf(api),
		);
		return { events, next: { ...next, byUpdatedAt } };
	}
	return await pollRoomEndedByOpenRooms(api, state);
}

/** Room Ended without `updatedAt`: recent rooms from the window, older ones from the open list. */
async function pollRoomEndedByOpenRooms(
	api: RoomsApi,
	state: PollState,
): Promise<{ events: Room[]; next: PollState }> {
	const activating = state.cursor === undefined;
	const window = await readWindow(api, { $sort: newestFirst }, createdAtOf, state.cursor);
	const seen = new Set(state.seen);
	const endedInWindow = window.rooms.filter((room) => room.ended === true && api.matches(room));
	const events = activating ? [] : endedInWindow.filter((room) => !seen.has(room.id));

	// The open rooms created before the window. Only ends take rooms out of it (a late room
	// comes within the window), so an unchanged count means none ended.
	let open = new Set(state.open);
	let otherOpen = state.otherOpen ?? 0;
	const openList = { ended: false, $sort: newestFirst };
	const isBefore = (room: Room) => createdAtOf(room) < window.from;
	let left: string[] = [];
	if (
		activating ||
		(await readNewestFirst(api, openList, isBefore)).below !== open.size + otherOpen
	) {
		const stillOpen = (await readNewestFirst(api, openList, () => false)).rooms.filter(isBefore);
		const stillOpenIds = new Set(stillOpen.map((room) => room.id));
		left = [...open].filter((id) => !stillOpenIds.has(id));
		open = new Set(stillOpen.filter(api.matches).map((room) => room.id));
		otherOpen = stillOpen.length - open.size;
	}

	// Each room that left is looked up: ended (an event), purged (404: forgotten), or, when the
	// lookup fails, kept for the next poll without holding back the others.
	const pending: string[] = [];
	let lookups = 0;
	for (const roomId of [...(state.pending ?? []), ...left]) {
		if (lookups++ >= MAX_LOOKUPS_PER_POLL) {
			pending.push(roomId);
			continue;
		}
		let room: Room | undefined;
		try {
			room = await api.get(roomId);
		} catch {
			pending.push(roomId);
			continue;
		}
		if (room?.ended === true) events.push(room);
		else if (room) open.add(roomId);
	}

	// Rooms of this window that the next one no longer covers join the watched open rooms.
	for (const room of window.rooms) {
		if (room.ended === true || createdAtOf(room) >= window.nextFrom) continue;
		if (api.matches(room)) open.add(room.id);
		else otherOpen += 1;
	}
	return {
		events,
		next: {
			cursor: window.cursor,
			seen: endedInWindow
				.filter((room) => createdAtOf(room) >= window.nextFrom)
				.map((room) => room.id),
			open: [...open],
			otherOpen,
			pending,
		},
	};
}
