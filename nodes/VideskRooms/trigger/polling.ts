import { randomBytes } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';
import { clock } from '../transport/clock';
import type { Room } from '../videsk';
import { minuteTooFull, tooSlowToStart } from './errors';
import {
	beginsBefore,
	LATE_VISIBILITY_MS,
	NEWEST_FIRST,
	OLDEST_FIRST,
	readList,
	positionOf,
	windowIndex,
	type Listed,
	type RoomsApi,
	type Reading,
} from './list';
import { LookUps } from './lookups';
import { readOpenRooms, watchOpenRooms } from './openRooms';

// How the trigger finds each event once, from the list alone (only documented fields: `ended`,
// the order by `createdAt`, a room's lookup). Its state is all in n8n's static data, each poll
// starting from what the last successful one saved, whatever happened since.
// - The window: the rooms created from a minute (LATE_VISIBILITY_MS) before the newest one the
//   last poll read. Each poll reads it oldest first from where it began last time, to the end of
//   the list, and notes the rooms of the next window it saw, so that none is emitted twice. Room
//   Created emits the window's new rooms; Room Ended those that ended.
// - Room Ended also watches the open rooms older than the window, by ID in list order: when
//   fewer are listed than it watches, it finds which left by comparing the list with them where
//   they differ, and looks each up (ended: an event; purged, 404: forgotten).
// A poll that fails changes nothing: the next repeats it. One that runs out of n8n's time
// returns what it found and leaves the rest to the next.

/** Where a poll resumes the window. */
export interface WindowState extends IDataObject {
	/** The options the state was built for: another Event or prefix starts afresh. */
	builtFor: string;
	/** Which build of the state this is: one built afresh again for the same options is another. */
	build: string;
	/** How many polls from this state on emitted something (guard.ts). */
	generation: number;
	/** The newest creation time (ms) read so far; the window starts a minute before. */
	cursor: number;
	/** Where the window started at the last poll, in the list oldest first. */
	position: number;
	/** The matching rooms of the window already accounted for (Room Ended: those ended), by ID, with their creation times (ms). */
	seen: Record<string, number>;
	/** Videsk's rooms carry no createdAt: their times are their IDs' (list.ts); unset until known. */
	fromIds?: boolean;
}

export interface EndedState extends WindowState {
	/** Every open room older than the window, oldest first, as listed. */
	open: string[];
	/** Those of `open` that left the list, to look up, with how many polls' lookups failed. */
	lookups: Array<[string, number]>;
}

export interface Polled<State> {
	events: Room[];
	next: State;
}

/** Whether `value` is a state built for `builtFor` (the static data may hold anything). */
export function isState(value: IDataObject, builtFor: string, ended: boolean): boolean {
	const ids = (list: unknown) => Array.isArray(list) && list.every((id) => typeof id === 'string');
	return (
		value.builtFor === builtFor &&
		typeof value.build === 'string' &&
		Number.isSafeInteger(value.generation) &&
		Number.isFinite(value.cursor) &&
		Number.isSafeInteger(value.position) &&
		(value.position as number) >= 0 &&
		typeof value.seen === 'object' &&
		value.seen !== null &&
		!Array.isArray(value.seen) &&
		Object.values(value.seen).every(Number.isFinite) &&
		(value.fromIds === undefined || typeof value.fromIds === 'boolean') &&
		(!ended ||
			(ids(value.open) &&
				Array.isArray(value.lookups) &&
				value.lookups.every(
					(entry) =>
						Array.isArray(entry) && typeof entry[0] === 'string' && Number.isInteger(entry[1]),
				)))
	);
}

/**
 * The window on activation (nothing before it is an event): the rooms from a minute before the
 * newest, read newest first; `keep` says which of them to note as seen.
 */
async function startWindow(
	api: RoomsApi,
	times: Reading,
	builtFor: string,
	keep: (room: Room) => boolean,
): Promise<WindowState> {
	let newest: number | undefined;
	let ceiling = clock.now();
	const above: Listed[] = [];
	let position = 0;
	read: for await (const page of readList(api, times, { $sort: NEWEST_FIRST }, 0)) {
		ceiling = page.ceiling;
		for (const room of page.rooms) {
			if (room.time === undefined) continue;
			newest ??= room.time;
			if (room.time < newest - LATE_VISIBILITY_MS) {
				position = page.total - room.position;
				break read;
			}
			above.push(room);
		}
	}
	if (times.cut) throw tooSlowToStart(api);
	return {
		builtFor,
		build: randomBytes(8).toString('hex'),
		generation: 0,
		cursor: newest ?? ceiling,
		position,
		seen: noted(above.reverse(), keep),
		...(times.fromIds === undefined ? {} : { fromIds: times.fromIds }),
	};
}

/** One poll's read of the window: its rooms, oldest first, and the state for the next poll. */
async function readWindow(
	api: RoomsApi,
	state: WindowState,
	keep: (room: Room) => boolean,
): Promise<{ window: Listed[]; aged: Listed[]; next: WindowState; times: Reading }> {
	const times: Reading = { fromIds: state.fromIds };
	const from = state.cursor - LATE_VISIBILITY_MS;
	const start = Math.max(0, state.position - 1);
	const rooms: Listed[] = [];
	let present = -Infinity;
	const pages = readList(api, times, { $sort: OLDEST_FIRST }, start, beginsBefore(from));
	for await (const page of pages) {
		rooms.push(...page.rooms);
		present = Math.max(present, page.ceiling);
	}
	// A room dated ahead of the present counts as created at the latest present the poll's pages
	// told, whichever page listed it: one time for all of it, so no room leaves a window it is in.
	for (const room of rooms) if (room.time !== undefined) room.time = Math.min(room.order!, present);
	const complete = !times.cut;
	const starts = windowIndex(rooms, from);
	const listed = rooms.slice(starts);
	// A room whose createdAt cannot be read cannot be placed in time: it is no event.
	const window = listed.filter((room) => room.time !== undefined);
	const cursor = rooms.reduce((newest, { time }) => Math.max(newest, time ?? newest), state.cursor);
	// Each poll reads the minute before the newest room again: one whose time goes mostly to that
	// makes (nearly) no progress.
	const again = window.filter(({ time }) => time! <= state.cursor).length;
	if (!complete && again > window.length - again) throw minuteTooFull(api);
	const nextFrom = cursor - LATE_VISIBILITY_MS;
	const nextStarts = Math.max(starts, windowIndex(rooms, nextFrom));
	// What the next window holds: by time, not by what was read, as a room may move in the list
	// (a server ignoring the order); one the read did not reach stays.
	const read = new Set(rooms.map(({ room }) => room.id));
	const kept = Object.entries(state.seen).filter(
		([id, time]) => time >= nextFrom || (!complete && !read.has(id)),
	);
	const seen = { ...Object.fromEntries(kept), ...noted(window, keep, nextFrom) };
	return {
		window,
		aged: rooms.slice(starts, nextStarts),
		next: {
			builtFor: state.builtFor,
			build: state.build,
			generation: state.generation,
			cursor,
			position: positionOf(rooms, nextStarts),
			seen,
			...(times.fromIds === undefined ? {} : { fromIds: times.fromIds }),
		},
		times,
	};
}

const isSeen = (state: WindowState, room: Room) =>
	Object.prototype.hasOwnProperty.call(state.seen, room.id);

/** The rooms of `rooms` that `keep` says, from `from` on, by ID with their creation times. */
function noted(rooms: Listed[], keep: (room: Room) => boolean, from = -Infinity) {
	const seen: Record<string, number> = {};
	for (const { room, time } of rooms) if (keep(room) && time! >= from) seen[room.id] = time!;
	return seen;
}

export async function pollRoomCreated(
	api: RoomsApi,
	builtFor: string,
	state: WindowState | undefined,
): Promise<Polled<WindowState>> {
	if (state === undefined) {
		return { events: [], next: await startWindow(api, {}, builtFor, api.matches) };
	}
	const { window, next } = await readWindow(api, state, api.matches);
	const events = window.filter(({ room }) => api.matches(room) && !isSeen(state, room));
	return emitting(
		events.map(({ room }) => room),
		next,
	);
}

const endedAndMatching = (api: RoomsApi) => (room: Room) =>
	room.ended === true && api.matches(room);

export async function pollRoomEnded(
	api: RoomsApi,
	builtFor: string,
	state: EndedState | undefined,
): Promise<Polled<EndedState>> {
	const keep = endedAndMatching(api);
	if (state === undefined) {
		const times: Reading = {};
		const window = await startWindow(api, times, builtFor, keep);
		const open = await readOpenRooms(api, times, window.cursor - LATE_VISIBILITY_MS);
		return { events: [], next: { ...window, open, lookups: [] } };
	}
	const from = state.cursor - LATE_VISIBILITY_MS;
	const { window, aged, next, times } = await readWindow(api, state, keep);
	const windowEvents = window.filter(({ room }) => keep(room) && !isSeen(state, room));

	const lookups = new LookUps(api, state.lookups);
	let open = await watchOpenRooms(api, times, state.open, lookups, from);
	// Those left by earlier polls, after the rooms that left since (asked as they were found).
	await lookups.ask([...lookups.pending.keys()]);
	lookups.report();
	const known = new Set(open);
	open = [
		...open.filter((id) => !lookups.gone.has(id)),
		...aged
			.filter(({ room }) => room.ended !== true && !known.has(room.id))
			.map(({ room }) => room.id),
	];
	return emitting([...lookups.events, ...windowEvents.map(({ room }) => room)], {
		...next,
		open,
		lookups: [...lookups.pending],
	});
}

/** The events and the next state, a generation on if there are events. */
function emitting<State extends WindowState>(events: Room[], next: State): Polled<State> {
	return { events, next: events.length > 0 ? { ...next, generation: next.generation + 1 } : next };
}
