import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { keptFields, outputFields, shapeOutput } from './fields/output';
import { readFromVidesk, type VideskCredential } from './transport/direct';
import { ROOM_LIST_ADVICE } from './transport/errors';
import { endPoll, startPoll } from './trigger/guard';
import type { RoomsApi } from './trigger/list';
import {
	isState,
	pollRoomCreated,
	pollRoomEnded,
	type EndedState,
	type WindowState,
} from './trigger/polling';
import { EVENT_NAMES, exampleRoom, newestRoom, type Event } from './trigger/sample';
import {
	CREDENTIAL_TYPE,
	isNotFound,
	isRoom,
	isRoomPage,
	roomPath,
	ROOMS_PATH,
	type Room,
	type RoomPage,
} from './videsk';

// Videsk has no webhooks for rooms, so this polls the list Get Many reads; trigger/polling.ts
// says how each event is found once. Its requests take the nodes' one request path (transport/).

/** Why a wait Videsk asks for is not waited out: the trigger's Timeout is fixed. */
const NEXT_POLL = 'The next poll tries again.';
/** A poll's time where n8n does not say (n8n 1.x); n8n 2's own default. */
const DEFAULT_POLL_BUDGET_MS = 5 * 60_000;

export class VideskRoomsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Videsk Rooms Trigger',
		name: 'videskRoomsTrigger',
		icon: { light: 'file:../../icons/videsk.svg', dark: 'file:../../icons/videsk.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["event"] === "roomEnded" ? "Room Ended" : "Room Created"}}',
		// n8n's nodes panel shows one "Videsk Rooms" entry for this trigger and the action node,
		// described by the trigger's description: so it describes both.
		description:
			'Create and manage Videsk video rooms and join tokens, or start a workflow when a room is created or ended',
		// Used as is; n8n appends tracking parameters to the codex URL, after its "#anchor".
		documentationUrl: 'https://github.com/videsk/n8n-nodes-videsk#videsk-rooms-trigger',
		defaults: { name: 'Videsk Rooms Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			{
				displayName: 'Event',
				name: 'event',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Room Created',
						value: 'roomCreated',
						description: 'A room was created, in n8n or anywhere else',
					},
					{ name: 'Room Ended', value: 'roomEnded', description: 'A room was marked as ended' },
				],
				default: 'roomCreated',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'External ID Prefix',
						name: 'externalIdPrefix',
						type: 'string',
						default: '',
						placeholder: 'e.g. crm-deal-',
						description:
							'Only rooms whose External ID starts with this text. Changing it (or the Event) starts the trigger afresh: it emits what happens from its next poll on.',
					},
				],
			},
			...outputFields(),
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = this.getNodeParameter('event') as Event;
		const prefix = this.getNodeParameter('options.externalIdPrefix', '') as string;
		const output = this.getNodeParameter('output', 'simple') as string;
		const kept = keptFields(output, this.getNodeParameter('fields', []) as string[]);
		const shape = (rooms: IDataObject[]) =>
			shapeOutput(
				rooms.map((json) => ({ json })),
				kept,
			);
		const budget = (this as Partial<IPollFunctions>).getPollBudgetMs?.();
		const budgetMs = typeof budget === 'number' && budget > 0 ? budget : DEFAULT_POLL_BUDGET_MS;
		const api = async () => await roomsApi(this, event, prefix, Date.now() + budgetMs);

		if (this.getMode() === 'manual') {
			const room = await newestRoom(await api(), event);
			if (room !== undefined) return [shape([room])];
			const { room: example, example: notice } = exampleRoom(event, prefix);
			return [shape([example]).map(({ json }) => ({ json: { example: notice, ...json } }))];
		}

		const state = this.getWorkflowStaticData('node');
		const builtFor = JSON.stringify([event, prefix]);
		const saved = isState(state, builtFor, event === 'roomEnded') ? { ...state } : undefined;
		const key = `${this.getWorkflow().id}:${this.getNode().id}`;
		if (!startPoll(key, saved as WindowState | undefined)) return null;
		let emitted: WindowState | undefined;
		try {
			const { events, next } =
				event === 'roomCreated'
					? await pollRoomCreated(await api(), builtFor, saved as WindowState | undefined)
					: await pollRoomEnded(await api(), builtFor, saved as EndedState | undefined);
			// n8n saves the static data only when it was changed: leave it alone when nothing moved.
			if (JSON.stringify(next) !== JSON.stringify({ ...state })) {
				for (const field of Object.keys(state)) delete state[field];
				Object.assign(state, next);
			}
			if (events.length === 0) return null;
			emitted = next;
			return [shape(events)];
		} finally {
			endPoll(key, emitted);
		}
	}
}

/**
 * The trigger's view of Videsk for one poll: its requests on the nodes' one path, each within
 * what is left of the time n8n gives the poll (until `deadline`), which then stops reading.
 */
async function roomsApi(
	context: IPollFunctions,
	event: Event,
	prefix: string,
	deadline: number,
): Promise<RoomsApi> {
	const credential = await context.getCredentials<VideskCredential>(CREDENTIAL_TYPE);
	const node = context.getNode();
	const label = EVENT_NAMES[event];
	let slowest = 0;
	/**
	 * A read within what is left of the poll's time: the wait for a turn and the answer end by
	 * then. (The readers ask `hasTime` first: whether that is longer than a read took so far.)
	 */
	const read = async (request: Omit<Parameters<typeof readFromVidesk>[2], 'timeoutAdvice'>) => {
		const started = Date.now();
		try {
			return await readFromVidesk(context, credential, {
				...request,
				timeoutAdvice: NEXT_POLL,
				deadline,
			});
		} finally {
			slowest = Math.max(slowest, Date.now() - started);
		}
	};
	return {
		node,
		label,
		matches: (room) => prefix === '' || (room.externalId ?? '').startsWith(prefix),
		hasTime: () => deadline - Date.now() > slowest,
		report: (error) => context.__emitError(error),
		list: async (query) => {
			const answer = await read({
				url: ROOMS_PATH,
				qs: query,
				purpose: { label, target: 'the room list', advice: ROOM_LIST_ADVICE },
				expects: isRoomPage,
			});
			// Videsk's clock (its Date header, to the second), or n8n's when it sends none.
			const date = Date.parse(String(answer.headers.date ?? ''));
			return {
				page: answer.body as RoomPage,
				ceiling: (Number.isNaN(date) ? Date.now() : date) + 999,
			};
		},
		get: async (roomId) => {
			const answer = await read({
				url: roomPath(roomId),
				purpose: { label, target: `room "${roomId}"` },
				expects: isRoom,
				// Only Videsk's own answer means the room is gone; any other fails the lookup, which
				// is then tried again at the next poll.
				handles: isNotFound,
			});
			return isNotFound(answer) ? undefined : (answer.body as Room);
		},
	};
}
