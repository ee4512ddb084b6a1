import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { outputFields, outputShape, shapeOutput } from './fields/output';
import { isRoomId } from './fields/room';
import { clock } from './transport/clock';
import { roomsApi } from './trigger/api';
import { endPoll, isCurrent, startPoll } from './trigger/guard';
import {
	isState,
	pollRoomCreated,
	pollRoomEnded,
	type EndedState,
	type WindowState,
} from './trigger/polling';
import { EVENT_NAMES, exampleRoom, newestRoom, type Event } from './trigger/sample';
import { CREDENTIAL_TYPE, type Room } from './videsk';

// Videsk has no webhooks for rooms, so this polls the list Get Many reads; trigger/polling.ts
// says how each event is found once. Its requests take the nodes' one request path (transport/).

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
		const shape = outputShape(
			this.getNodeParameter('output', 'simple') as string,
			this.getNodeParameter('fields', []) as string[],
			this.getTimezone(),
		);
		const budget = (this as Partial<IPollFunctions>).getPollBudgetMs?.();
		const budgetMs = typeof budget === 'number' && budget > 0 ? budget : DEFAULT_POLL_BUDGET_MS;
		const deadline = clock.now() + budgetMs;
		const label = EVENT_NAMES[event];
		const api = async (since?: number) =>
			await roomsApi(this, { label, prefix, deadline, budgetMs, since });
		const emit = (rooms: Room[], at = clock.now()) =>
			shapeOutput(rooms, shape).map((json, index) => ({
				json: { event, eventAt: eventTime(event, rooms[index], at), ...json },
			}));

		if (this.getMode() === 'manual') {
			const room = await newestRoom(await api(), event);
			if (room !== undefined) return [emit([room])];
			const { room: example, example: notice } = exampleRoom(event, prefix);
			return [emit([example]).map(({ json }) => ({ json: { example: notice, ...json } }))];
		}

		const state = this.getWorkflowStaticData('node');
		const builtFor = JSON.stringify([event, prefix]);
		const saved = isState(state, builtFor, event === 'roomEnded') ? { ...state } : undefined;
		const ticket = startPoll(
			`${this.getWorkflow().id}:${this.getNode().id}`,
			saved as WindowState | undefined,
			deadline,
		);
		if (ticket === undefined) return null;
		const cursor = (saved as WindowState | undefined)?.cursor;
		let emitted: WindowState | undefined;
		try {
			const { events, next } =
				event === 'roomCreated'
					? await pollRoomCreated(await api(cursor), builtFor, saved as WindowState | undefined)
					: await pollRoomEnded(await api(cursor), builtFor, saved as EndedState | undefined);
			// A later poll took over past this one's deadline: it reads from the same state.
			if (!isCurrent(ticket)) return null;
			// n8n saves the static data only when it was changed: leave it alone when nothing moved.
			if (JSON.stringify(next) !== JSON.stringify({ ...state })) {
				for (const field of Object.keys(state)) delete state[field];
				Object.assign(state, next);
			}
			if (events.length === 0) return null;
			emitted = next;
			return [emit(events)];
		} finally {
			endPoll(ticket, emitted);
		}
	}
}

/**
 * When the event happened: a room's creation time; for an end, the room's `updatedAt` where
 * Videsk sends it (ASSUMPTION: an ended room changes no more), else when this poll found it.
 */
function eventTime(event: Event, room: Room, foundAt: number): string {
	const said = event === 'roomCreated' ? room.createdAt : room.updatedAt;
	if (typeof said === 'string' && !Number.isNaN(Date.parse(said))) return said;
	if (event === 'roomCreated' && isRoomId(room.id)) {
		return new Date(parseInt(room.id.slice(0, 8), 16) * 1000).toISOString();
	}
	return new Date(foundAt).toISOString();
}
