import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { Room } from '../videsk';
import { duration } from '../wording';

// The trigger's own errors: what it met in Videsk's list, and what its polls' time allowed. Each
// names the time a poll has and says that the next poll tries again: nothing was emitted, and
// the state the trigger resumes from is unchanged.

const NEXT_POLL = 'The next poll tries again.';

/** What of the trigger's RoomsApi (list.ts) its errors name. */
interface Trigger {
	node: INode;
	label: string;
	budgetMs: number;
}

/** What of a listed room (list.ts) its errors name. */
interface ListedRoom {
	room: Room;
}

/** What persists when a poll keeps running out of time: why, and what helps. */
const TOO_SLOW = (api: Trigger) =>
	`${NEXT_POLL} n8n gives each poll ${duration(api.budgetMs)}; if this persists, Videsk answers slowly, or other workflows use the same API token heavily (give them a token of their own).`;

/** Starting afresh, the trigger must read the rooms it starts from within one poll. */
export function tooSlowToStart(api: Trigger) {
	return new NodeOperationError(
		api.node,
		`${api.label}: reading the rooms to start from took longer than n8n gives a poll`,
		{
			description: `Starting afresh (on activation, or after the Event or the External ID Prefix changed), the trigger reads the newest rooms${api.label === 'Room Ended' ? ' and every open room' : ''}. ${TOO_SLOW(api)}`,
		},
	);
}

/** Each poll reads the minute before the newest room again; that many could not be read. */
export function minuteTooFull(api: Trigger) {
	return new NodeOperationError(
		api.node,
		`${api.label}: the rooms of one minute take longer to read than n8n gives a poll`,
		{
			description: `Each poll reads again the rooms created in the minute before the newest it saw, so that a room listed late is not missed; that many could not be read in time. ${TOO_SLOW(api)}`,
		},
	);
}

export function tooFast({ node, label }: Trigger) {
	return new NodeOperationError(node, `${label}: the room list changed too fast to be read`, {
		description: `Rooms kept leaving the list while the trigger read it. ${NEXT_POLL}`,
	});
}

export function outOfOrder({ node, label }: Trigger, earlier: ListedRoom, later: ListedRoom) {
	const when = ({ room }: ListedRoom) => String(room.createdAt ?? 'its ID’s time');
	return new NodeOperationError(
		node,
		`${label}: Videsk did not sort the room list by creation time`,
		{
			description: `Asked for rooms ordered by "createdAt", it listed room "${later.room.id}" (${when(later)}) after room "${earlier.room.id}" (${when(earlier)}). Without that order the trigger cannot tell new rooms from old ones. ${NEXT_POLL} If this persists, Videsk’s API has changed: report it to Videsk.`,
		},
	);
}

export function lookupsFailing(
	api: Trigger,
	roomIds: string[],
	polls: number,
	lastFailure: string,
) {
	const rooms = roomIds.map((id) => `"${id}"`).join(', ');
	return new NodeOperationError(
		api.node,
		`${api.label}: looking up ${roomIds.length === 1 ? 'room' : 'rooms'} ${rooms} failed in ${polls} polls in a row`,
		{
			description: `${roomIds.length === 1 ? 'It' : 'They'} left the list of open rooms, so the trigger asks Videsk whether each ended; the last answer: ${lastFailure} The trigger keeps asking at every poll, after the other rooms, and emits an end once Videsk answers.`,
		},
	);
}
