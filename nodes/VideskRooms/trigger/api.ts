import type { IPollFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { clock } from '../transport/clock';
import { usableCredential } from '../transport/credential';
import { readFromVidesk, type VideskRead } from '../transport/direct';
import { ROOM_LIST_ADVICE } from '../transport/errors';
import {
	CREDENTIAL_TYPE,
	isNotFound,
	pageMatching,
	roomAskedFor,
	roomPath,
	ROOMS_PATH,
	type Room,
	type RoomPage,
} from '../videsk';
import { duration } from '../wording';
import type { RoomsApi } from './list';

// The trigger's view of Videsk for one poll: the list and a room's lookup, on the nodes' one
// request path, each request ending within what is left of the poll's time.

const NEXT_POLL = 'The next poll tries again.';

export interface PollOptions {
	label: string;
	prefix: string;
	/** When the poll's time ends (ms since the epoch), and how long it had. */
	deadline: number;
	budgetMs: number;
}

export async function roomsApi(
	context: IPollFunctions,
	{ label, prefix, deadline, budgetMs }: PollOptions,
): Promise<RoomsApi> {
	const credential = usableCredential(await context.getCredentials(CREDENTIAL_TYPE));
	const node = context.getNode();
	if ('problem' in credential) throw new NodeOperationError(node, credential.problem);
	const timeoutAdvice = `Each poll has ${duration(budgetMs)} (n8n’s budget); the next poll tries again.`;
	let slowest = 0;
	/**
	 * A read within what is left of the poll's time: the wait for a turn and the answer end by
	 * then, whatever the server sends. (The readers ask `hasTime` first: whether that is longer
	 * than a read took so far.)
	 */
	const read = async (request: Omit<VideskRead, 'timeoutAdvice'>) => {
		const started = clock.now();
		try {
			return await readFromVidesk(context, credential, { ...request, timeoutAdvice, deadline });
		} finally {
			slowest = Math.max(slowest, clock.now() - started);
		}
	};
	return {
		node,
		label,
		budgetMs,
		matches: (room) => prefix === '' || (room.externalId ?? '').startsWith(prefix),
		hasTime: () => deadline - clock.now() > slowest,
		report: (error) => context.__emitError(error),
		list: async (query) => {
			const answer = await read({
				url: ROOMS_PATH,
				qs: query,
				purpose: {
					label,
					target: 'the room list',
					advice: ROOM_LIST_ADVICE,
					retryAdvice: NEXT_POLL,
				},
				expects: pageMatching(query),
			});
			// No room was created later than now, as Videsk's clock (its Date header, to the
			// second) and n8n's both tell: a clock or a room ahead never puts the trigger's
			// cursor past the present.
			const date = Date.parse(String(answer.headers.date ?? ''));
			const now = clock.now();
			return {
				page: answer.body as RoomPage,
				ceiling: Number.isNaN(date) ? now : Math.min(date + 999, now),
			};
		},
		get: async (roomId) => {
			const answer = await read({
				url: roomPath(roomId),
				purpose: { label, target: `room "${roomId}"`, retryAdvice: NEXT_POLL },
				expects: roomAskedFor({ id: roomId }),
				// Only Videsk's own answer means the room is gone; any other fails the lookup, which
				// is then tried again at the next poll.
				handles: isNotFound,
			});
			return isNotFound(answer) ? undefined : (answer.body as Room);
		},
	};
}
