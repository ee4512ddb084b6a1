import type { Room } from '../videsk';
import { lookupsFailing } from './errors';
import type { RoomsApi } from './list';

// Room Ended's lookups of the open rooms that left the list (openRooms.ts finds them): each asks
// Videsk for the room. Ended: an event; purged (Videsk's NotFound): gone; open: watched again.

/** Rooms that left the open list are looked up (one request each) at most this many a poll. */
export const MAX_LOOKUPS_PER_POLL = 50;
/** A room whose lookup failed in this many polls in a row is reported (and still looked up). */
export const LOOKUP_FAILURES_REPORTED = 5;

/**
 * The lookups of the rooms that left the open list: at most MAX_LOOKUPS_PER_POLL a poll, those
 * not reached last time first, a failing one after the others, so that it cannot hold back the
 * rest. Ended: an event; purged (404): gone; open: watched again.
 */
export class LookUps {
	/** The rooms to look up, with how many polls' lookups of each failed, in the order to ask. */
	readonly pending: Map<string, number>;
	readonly events: Room[] = [];
	readonly gone = new Set<string>();
	private readonly asked = new Set<string>();
	private readonly failing: string[] = [];
	private lastFailure = '';

	constructor(
		private readonly api: RoomsApi,
		pending: Array<[string, number]>,
	) {
		this.pending = new Map(pending);
	}

	/** Adds rooms to look up (that just left the list). */
	add(roomIds: string[]) {
		for (const id of roomIds) this.pending.set(id, 0);
	}

	/** Looks up those of `roomIds` pending and not asked yet in this poll, as far as allowed. */
	async ask(roomIds: string[]): Promise<void> {
		for (const roomId of roomIds) {
			const failures = this.pending.get(roomId);
			if (failures === undefined || this.asked.has(roomId)) continue;
			if (this.asked.size >= MAX_LOOKUPS_PER_POLL || !this.api.hasTime()) return;
			this.asked.add(roomId);
			let room: Room | undefined;
			try {
				room = await this.api.get(roomId);
			} catch (error) {
				// After the others, next time.
				this.pending.delete(roomId);
				this.pending.set(roomId, failures + 1);
				if (failures + 1 === LOOKUP_FAILURES_REPORTED) this.failing.push(roomId);
				this.lastFailure = (error as Error).message;
				continue;
			}
			this.pending.delete(roomId);
			// Still open: watched again (listed again, or looked up again when not).
			if (room !== undefined && room.ended !== true) continue;
			this.gone.add(roomId);
			if (room !== undefined && this.api.matches(room)) this.events.push(room);
		}
	}

	/** Shows the user the rooms whose lookups failed in LOOKUP_FAILURES_REPORTED polls in a row. */
	report() {
		if (this.failing.length > 0) {
			this.api.report(
				lookupsFailing(this.api, this.failing, LOOKUP_FAILURES_REPORTED, this.lastFailure),
			);
		}
	}
}
