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
	/** The newest creation time read by the polls before (their cursor): the present is no earlier. */
	since?: number;
}

export async function roomsApi(
	context: IPollFunctions,
	{ label, prefix, deadline, budgetMs, since }: PollOptions,
): Promise<RoomsApi> {
	const credential = usableCredential(await context.getCredentials(CREDENTIAL_TYPE));
	const node = context.getNode();
	if ('problem' in credential) throw new NodeOperationError(node, credential.problem);
	const timeoutAdvice = `Each poll has ${duration(budgetMs)} (n8n’s budget); the next poll tries again.`;
	let slowest = 0;
	/** The latest present the poll's answers told: it never goes back, nor before `since`. */
	let present = since ?? -Infinity;
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
			// cursor past the present. A Date behind one before (another server behind a load
			// balancer) does not move it back.
			const date = Date.parse(String(answer.headers.date ?? ''));
			const now = clock.now();
			present = Math.max(present, Number.isNaN(date) ? now : Math.min(date + 999, now));
			return { page: answer.body as RoomPage, ceiling: present };
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
