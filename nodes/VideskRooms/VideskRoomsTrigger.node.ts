import {
	NodeApiError,
	NodeConnectionTypes,
	NodeOperationError,
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
import { OutOfTime, type RoomsApi } from './trigger/list';
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
	DEFAULT_TIMEOUT_MS,
	isJsonObject,
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
		const shape = (rooms: IDataObject[]) => shapeOutput(rooms.map((json) => ({ json })), kept);
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
		} catch (error) {
			// Only the reads that start the trigger afresh must end within the poll's time.
			if (!(error instanceof OutOfTime)) throw error;
			throw new NodeOperationError(
				this.getNode(),
				`${EVENT_NAMES[event]}: reading the rooms to start from took longer than the ${Math.round(budgetMs / 100) / 10} s n8n gives a poll`,
				{
					description: `Starting afresh (on activation, or after the Event or the External ID Prefix changed), the trigger reads the newest rooms${event === 'roomEnded' ? ' and every open room' : ''}. The next poll tries again; if this persists, Videsk answers slowly, or other workflows use the same API token heavily.`,
				},
			);
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
	let answered = 0;
	/**
	 * A read within the poll's time. Once the poll has read something, one that the time cut
	 * short (no turn, a wait or an answer past it) stops the poll's reading instead of failing it.
	 */
	const read = async (request: Omit<Parameters<typeof readFromVidesk>[2], 'timeoutAdvice'>) => {
		const left = deadline - Date.now();
		if (answered > 0 && left <= slowest) throw new OutOfTime();
		const started = Date.now();
		try {
			const answer = await readFromVidesk(context, credential, {
				...request,
				timeoutAdvice: NEXT_POLL,
				timeoutMs: left,
			});
			answered += 1;
			return answer;
		} catch (error) {
			if (answered > 0 && left < DEFAULT_TIMEOUT_MS && isCutShort(error)) throw new OutOfTime();
			throw error;
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
				expects: isJsonObject,
				handles: ({ statusCode }) => statusCode === 404,
			});
			return answer.statusCode === 404 ? undefined : (answer.body as Room);
		},
	};
}

/** Whether a request failed for want of time: no turn or wait within it (429), or no answer. */
function isCutShort(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const networkError = String(error.context.networkError ?? '');
	return error.httpCode === '429' || ['ETIMEDOUT', 'ECONNABORTED'].includes(networkError);
}
