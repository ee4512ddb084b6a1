import {
	NodeConnectionTypes,
	NodeOperationError,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { readFromVidesk, type VideskCredential } from './transport/direct';
import { ROOM_LIST_ADVICE } from './transport/errors';
import {
	createdAtOf,
	pollRoomCreated,
	pollRoomEnded,
	type PollState,
	type RoomsApi,
} from './trigger/polling';
import {
	CREDENTIAL_TYPE,
	isJsonObject,
	isRoomPage,
	MAX_PAGE_SIZE,
	roomPath,
	ROOMS_PATH,
	type Room,
	type RoomPage,
} from './videsk';

// Videsk has no webhooks for rooms, so this polls the list Get Many reads; trigger/polling.ts
// says how each event is found once. Its requests take the nodes' one request path (transport/).

type Event = 'roomCreated' | 'roomEnded';

/** Why a wait Videsk asks for is not waited out: the trigger's Timeout is fixed. */
const NEXT_POLL = 'The next poll tries again.';
const EVENT_NAMES: Record<Event, string> = { roomCreated: 'Room Created', roomEnded: 'Room Ended' };

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
						description: 'Only rooms whose External ID starts with this text',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const event = this.getNodeParameter('event') as Event;
		const prefix = this.getNodeParameter('options.externalIdPrefix', '') as string;
		const credential = await this.getCredentials<VideskCredential>(CREDENTIAL_TYPE);
		const node = this.getNode();
		const label = EVENT_NAMES[event];

		const api: RoomsApi = {
			node,
			matches: (room) => prefix === '' || (room.externalId ?? '').startsWith(prefix),
			list: async (query) => {
				const answer = await readFromVidesk(this, credential, {
					url: ROOMS_PATH,
					qs: query,
					purpose: { label, target: 'the room list', advice: ROOM_LIST_ADVICE },
					expects: isRoomPage,
					timeoutAdvice: NEXT_POLL,
				});
				return answer.body as RoomPage;
			},
			get: async (roomId) => {
				const answer = await readFromVidesk(this, credential, {
					url: roomPath(roomId),
					purpose: { label, target: `room "${roomId}"` },
					expects: isJsonObject,
					handles: ({ statusCode }) => statusCode === 404,
					timeoutAdvice: NEXT_POLL,
				});
				return answer.statusCode === 404 ? undefined : (answer.body as Room);
			},
		};

		if (this.getMode() === 'manual') {
			// A test run shows the newest matching room, so that its fields can be mapped.
			const page = await api.list({
				$sort: { createdAt: -1 },
				$limit: MAX_PAGE_SIZE,
				...(event === 'roomEnded' ? { ended: true } : {}),
			});
			const sample = page.data.find(api.matches);
			if (sample === undefined) throw noSampleError(node, event, prefix);
			return [[{ json: sample }]];
		}

		const state = this.getWorkflowStaticData('node') as PollState;
		const { events, next } =
			event === 'roomCreated' ? await pollRoomCreated(api, state) : await pollRoomEnded(api, state);
		// n8n saves the static data only when it was changed: leave it alone when nothing moved.
		if (JSON.stringify(next) !== JSON.stringify({ ...state })) {
			for (const key of Object.keys(state)) delete state[key];
			Object.assign(state, next);
		}
		if (events.length === 0) return null;
		const timeOf = (room: Room) =>
			next.byUpdatedAt ? Date.parse(String(room.updatedAt)) : createdAtOf(room);
		return [events.sort((a, b) => timeOf(a) - timeOf(b)).map((room) => ({ json: room }))];
	}
}

/**
 * A test run that finds nothing to show fails with what to do, rather than n8n's generic
 * "create one in Videsk Rooms", which does not say how to get an ended room.
 */
function noSampleError(node: INode, event: Event, prefix: string) {
	const ended = event === 'roomEnded';
	const action = ended ? 'End' : 'Create';
	const message =
		prefix !== ''
			? `none of the ${MAX_PAGE_SIZE} newest ${ended ? 'ended ' : ''}rooms has an External ID starting with "${prefix}"`
			: ended
				? 'no room has ended yet, so there is no sample to show'
				: 'Videsk has no room yet to show as a sample';
	const room = `${action} a room${prefix !== '' ? ' with such an External ID' : ''}`;
	const where = `(with the Videsk Rooms node’s ${action} operation, or in your application)`;
	const orPrefix = prefix !== '' ? ' or change "Options" → "External ID Prefix"' : '';
	const expired = ended
		? ' A room that has only expired does not count: it ends when marked as ended.'
		: '';
	return new NodeOperationError(node, `${EVENT_NAMES[event]}: ${message}`, {
		description: `${room} ${where}${orPrefix}, then click "Fetch Test Event" again.${expired}`,
	});
}
