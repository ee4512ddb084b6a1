import { MAX_PAGE_SIZE, type ListQuery } from '../videsk';
import {
	beginsBefore,
	OLDEST_FIRST,
	readList,
	positionOf,
	windowIndex,
	type Listed,
	type RoomsApi,
	type Reading,
} from './list';
import { tooSlowToStart } from './errors';
import type { LookUps } from './lookups';

// Which watched open rooms left the list, without reading all of it. The open rooms older than
// the window only leave the list (they end or are purged; a new room comes within the window), so
// as listed now they are the watched ones minus those that left, in the same order. For a room at
// list position p that is the q-th watched one, q - p rooms before it left: a page read where
// that count changes splits the search, and two rooms listed next to each other in one page have
// between them exactly the watched rooms that left. A search that the poll's time cuts short
// leaves the rest to the next poll.

export const OPEN_OLDEST_FIRST: ListQuery = { ended: false, $sort: OLDEST_FIRST };

/** On activation: every open room older than the window that starts at `from`, oldest first. */
export async function readOpenRooms(
	api: RoomsApi,
	times: Reading,
	from: number,
): Promise<string[]> {
	const rooms: Listed[] = [];
	for await (const page of readList(api, times, OPEN_OLDEST_FIRST, 0)) rooms.push(...page.rooms);
	if (times.cut) throw tooSlowToStart(api);
	return rooms.slice(0, windowIndex(rooms, from)).map(({ room }) => room.id);
}

/**
 * How many open rooms are older than the window that starts at `from`: where that window
 * begins in the open list, read near where `expected` (the rooms watched) says; and the rooms
 * read there.
 */
async function countOpenBefore(
	api: RoomsApi,
	times: Reading,
	from: number,
	expected: number,
): Promise<{ before: number; rooms: Listed[] } | undefined> {
	const start = Math.max(0, expected - 1);
	const rooms: Listed[] = [];
	for await (const page of readList(api, times, OPEN_OLDEST_FIRST, start, beginsBefore(from))) {
		rooms.push(...page.rooms);
		if (rooms.some((room) => room.time !== undefined && room.time >= from)) break;
	}
	if (times.cut) return undefined;
	return { before: positionOf(rooms, windowIndex(rooms, from)), rooms };
}

/** A room's list position, and its index among the watched rooms. */
interface Point {
	p: number;
	q: number;
}

/** Rounds of counting and comparing in one poll, for rooms that leave the list meanwhile. */
const MAX_ROUNDS = 3;

/**
 * Finds which rooms of `open` (watched, oldest first) left the open list, and looks them up at
 * once; returns `open` without those gone (ended or purged), with the listed rooms it did not
 * hold. Rooms leaving the list during a search can make it take a listed room for one that left
 * (its lookup finds it open): it counts again after each search, until the counts agree (or the
 * poll's time is spent: the next poll goes on).
 */
export async function watchOpenRooms(
	api: RoomsApi,
	times: Reading,
	open: string[],
	lookups: LookUps,
	from: number,
): Promise<string[]> {
	for (let round = 0; round < MAX_ROUNDS; round += 1) {
		const watched = open.filter((id) => !lookups.pending.has(id) && !lookups.gone.has(id));
		const counted = await countOpenBefore(api, times, from, watched.length);
		if (counted === undefined) break;
		const { before, rooms } = counted;
		// The counts agree (after a search, or with nothing to compare): done.
		if (before === watched.length && (round > 0 || before === 0)) break;
		const timed = rooms.some((room) => room.time !== undefined);
		const first = rooms[0]?.position === 0 && timed ? rooms : await readFirst(api, times);
		if (times.cut) break;
		const { left, unlisted } = await findLeft(api, times, watched, before, from, first);
		const known = new Set(open);
		const added = new Map<string | undefined, string[]>();
		for (const [after, id] of unlisted) {
			// Listed after all: watched again. Never watched: from now on, after its neighbour.
			if (known.has(id)) lookups.pending.delete(id);
			else added.set(after, [...(added.get(after) ?? []), id]);
		}
		open = [
			...(added.get(undefined) ?? []),
			...open.flatMap((id) => [id, ...(added.get(id) ?? [])]),
		];
		lookups.add(left);
		await lookups.ask(left);
		// The first page only, and all as watched: nothing left.
		if (before === watched.length && left.length === 0 && unlisted.length === 0) break;
	}
	return open;
}

/**
 * The open list's first rooms, to the first with a creation time: MongoDB lists rooms without
 * one (no `createdAt`, one not a date) first, where a new one would otherwise hide another's end
 * in the counts.
 */
async function readFirst(api: RoomsApi, times: Reading): Promise<Listed[]> {
	const rooms: Listed[] = [];
	for await (const page of readList(api, times, OPEN_OLDEST_FIRST, 0)) {
		rooms.push(...page.rooms);
		if (page.rooms.some((room) => room.time !== undefined)) break;
	}
	return rooms;
}

/**
 * Compares `watched` (oldest first) with the open list, which now holds `before` rooms older
 * than the window that starts at `from`, starting with its `first` rooms: the watched rooms that
 * left, and the listed rooms it does not watch (each with the watched room listed before it).
 */
async function findLeft(
	api: RoomsApi,
	times: Reading,
	watched: string[],
	before: number,
	from: number,
	first: Listed[],
): Promise<{ left: string[]; unlisted: Array<[string | undefined, string]> }> {
	const index = new Map(watched.map((id, q) => [id, q]));
	const left: string[] = [];
	const unlisted: Array<[string | undefined, string]> = [];
	const segments: Array<[Point, Point]> = [
		[
			{ p: -1, q: -1 },
			{ p: before, q: watched.length },
		],
	];
	let probing = true;
	while (segments.length > 0 && unlisted.length === 0) {
		const [a, b] = segments.pop()!;
		if (!probing && b.q - a.q === b.p - a.p) continue;
		if (!probing && b.p - a.p === 1) {
			left.push(...watched.slice(a.q + 1, b.q));
			continue;
		}
		// The first rooms, then each gap's middle page (all of the gap when it fits one).
		const skip = a.p + 1 + Math.max(0, Math.floor((b.p - a.p - 1 - MAX_PAGE_SIZE) / 2));
		const rooms = probing
			? first
			: ((await readList(api, times, OPEN_OLDEST_FIRST, skip).next()).value?.rooms ?? []);
		if (times.cut) break;
		const wasProbing = probing;
		probing = false;
		const points: Point[] = [];
		let last = a;
		for (const { room, position: p, time, fromId } of rooms) {
			if (p >= b.p) break;
			const q = index.get(room.id);
			if (q === undefined) {
				if (time !== undefined && !fromId && time >= from) break; // the window: the list got shorter
				unlisted.push([last.q >= 0 ? watched[last.q] : undefined, room.id]);
				continue;
			}
			if (q <= last.q || q >= b.q) continue; // the list changed since the last page
			last = { p, q };
			points.push(last);
		}
		if (points.length === 0) {
			// The first page held none of them: the gap is searched as any other. Else no room
			// was inside the gap where expected: the list changed meanwhile.
			if (wasProbing) segments.push([a, b]);
			continue;
		}
		const ends = [a, ...points, b];
		for (let i = 0; i + 1 < ends.length; i += 1) segments.push([ends[i], ends[i + 1]]);
	}
	return { left, unlisted };
}
