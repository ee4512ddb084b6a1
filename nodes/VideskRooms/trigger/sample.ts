import { isHttpError } from '../transport/send';
import { MAX_PAGE_SIZE, type ListQuery, type Room } from '../videsk';
import { NEWEST_FIRST, type RoomsApi } from './list';

// Fetch Test Event (a manual poll): a room to map fields from, which moves nothing. An account
// without one is not a problem: the test then shows an example room, saying so.

export type Event = 'roomCreated' | 'roomEnded';
export const EVENT_NAMES: Record<Event, string> = {
	roomCreated: 'Room Created',
	roomEnded: 'Room Ended',
};

/** The newest matching room; for Room Ended, the one that ended last. */
export async function newestRoom(api: RoomsApi, event: Event): Promise<Room | undefined> {
	/** The first MAX_PAGE_SIZE rooms of `query` (Videsk's pages may be shorter), those that fit. */
	const page = async (query: ListQuery) => {
		const rooms: Room[] = [];
		for (let total = 1; rooms.length < Math.min(total, MAX_PAGE_SIZE); ) {
			const answer = await api.list({ ...query, $skip: rooms.length, $limit: MAX_PAGE_SIZE });
			total = answer.page.total;
			if (answer.page.data.length === 0) break;
			rooms.push(...answer.page.data.slice(0, MAX_PAGE_SIZE - rooms.length));
		}
		return rooms.filter(
			(room) => api.matches(room) && (event === 'roomCreated' || room.ended === true),
		);
	};
	if (event === 'roomCreated') return (await page({ $sort: NEWEST_FIRST }))[0];
	// ASSUMPTION: `updatedAt`, where Videsk's rooms carry it, is when the room ended (an ended
	// room cannot be changed through the API). Its order is checked: a server that ignores it
	// gets the newest rooms' latest end instead; one whose query schema refuses it (400: the
	// docs do not list it), too.
	const byEnd = await page({ ended: true, $sort: { updatedAt: -1 } }).catch((error: unknown) => {
		if (isHttpError(error, 400)) return [];
		throw error;
	});
	const ends = byEnd.map(endedAt);
	if (
		ends.length > 0 &&
		ends.every((end, i) => !Number.isNaN(end) && (i === 0 || end <= ends[i - 1]))
	)
		return byEnd[0];
	const byCreation = await page({ ended: true, $sort: NEWEST_FIRST });
	if (!byCreation.every((room) => !Number.isNaN(endedAt(room)))) return byCreation[0];
	return byCreation.reduce<Room | undefined>(
		(latest, room) => (latest === undefined || endedAt(room) > endedAt(latest) ? room : latest),
		undefined,
	);
}

const endedAt = (room: Room) =>
	typeof room.updatedAt === 'string' ? Date.parse(room.updatedAt) : Number.NaN;

/**
 * What a test shows when Videsk has no such room: a room of the documented shape, marked as an
 * example (an ID no room has), and what to do to see a real one.
 */
export function exampleRoom(event: Event, prefix: string): { room: Room; example: string } {
	const ended = event === 'roomEnded';
	const action = ended ? 'End' : 'Create';
	const none =
		prefix !== ''
			? `none of the ${MAX_PAGE_SIZE} newest ${ended ? 'ended ' : ''}rooms has an External ID starting with "${prefix}"`
			: ended
				? 'no room has ended yet'
				: 'Videsk has no room yet';
	const how = `${action} a room${prefix !== '' ? ' with such an External ID' : ''} (with the Videsk Rooms node’s ${action} operation, or in your application)${prefix !== '' ? ' or change "Options" → "External ID Prefix"' : ''}, then click "Fetch Test Event" again.`;
	const expired = ended
		? ' A room that has only expired does not count: it ends when marked as ended.'
		: '';
	return {
		room: {
			id: '000000000000000000000000',
			name: 'Example room',
			externalId: `${prefix}example`,
			nbf: '2024-08-14T15:00:00.000Z',
			exp: '2024-08-14T18:00:00.000Z',
			ended,
			authorizations: [],
			createdAt: '2024-08-14T15:00:00.000Z',
		},
		example: `${EVENT_NAMES[event]}: ${none}, so this is an example of what the trigger emits, not a real room. ${how}${expired}`,
	};
}
