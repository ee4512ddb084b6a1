import {
	NodeConnectionTypes,
	NodeOperationError,
	type IHttpRequestOptions,
	type IN8nHttpFullResponse,
	type INode,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import {
	CREDENTIAL_TYPE,
	DEFAULT_TIMEOUT_MS,
	isRoomPage,
	listRoomsRequest,
	MAX_PAGE_SIZE,
	roomPath,
	type Room,
} from '../VideskRooms/shared/api';
import {
	isJsonObject,
	videskApiError,
	videskNetworkError,
	type FailedRequest,
} from '../VideskRooms/shared/errors';
import { pacerFor, RateLimitWaitTooLong, readRateLimit } from '../VideskRooms/shared/rateLimit';
import { waitToRetry } from '../VideskRooms/shared/sequences';
import {
	createdAtOf,
	pollRoomCreated,
	pollRoomEnded,
	type PollState,
	type RoomsApi,
} from './polling';

// Videsk has no webhooks for rooms, so this polls the list Get Many reads (shared/api.ts);
// polling.ts says how each event is found once. Failures become the node's errors (errors.ts).

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
		const { baseUrl } = await this.getCredentials<{ baseUrl: string }>(CREDENTIAL_TYPE);
		const node = this.getNode();
		const label = EVENT_NAMES[event];

		// Paced with the node's requests on the same credential in this n8n process (rateLimit.ts).
		const pacer = pacerFor(node, baseUrl);

		/** A GET, whatever Videsk answers; a 429 is waited out and sent again, as the node does. */
		const send = async (options: IHttpRequestOptions, request: FailedRequest) => {
			for (let attempt = 0; ; attempt += 1) {
				const ticket = await pacer.acquire(DEFAULT_TIMEOUT_MS).catch((error: unknown) => {
					throw error instanceof RateLimitWaitTooLong
						? new NodeOperationError(
								node,
								`${label}: Videsk’s rate limit leaves no turn for ${request.target} within ${DEFAULT_TIMEOUT_MS / 1000} s`,
								{ description: `${error.figures} ${NEXT_POLL}` },
							)
						: error;
				});
				let response: IN8nHttpFullResponse;
				try {
					response = (await this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, {
						...options,
						timeout: DEFAULT_TIMEOUT_MS,
						returnFullResponse: true,
						ignoreHttpStatusErrors: true,
					})) as IN8nHttpFullResponse;
				} catch (error) {
					pacer.observe(ticket);
					throw videskNetworkError(node, error, request);
				}
				ticket.reading = readRateLimit(response.headers, response.statusCode, Date.now());
				pacer.observe(ticket);
				if (response.statusCode !== 429) return response;
				const error = videskApiError(node, response, request);
				if (!(await waitToRetry(error, 'GET', attempt, DEFAULT_TIMEOUT_MS, NEXT_POLL))) throw error;
			}
		};
		const api: RoomsApi = {
			node,
			matches: (room) => prefix === '' || (room.externalId ?? '').startsWith(prefix),
			async list(query) {
				const request = { operation: 'getAll', label, target: 'the room list' };
				const response = await send(listRoomsRequest(baseUrl, query), request);
				if (response.statusCode >= 400 || !isRoomPage(response.body)) {
					throw videskApiError(node, response, request);
				}
				return response.body;
			},
			async get(roomId) {
				const request = { operation: 'get', label, target: `room "${roomId}"` };
				const response = await send(
					{ method: 'GET', baseURL: baseUrl, url: roomPath(roomId), json: true },
					request,
				);
				if (response.statusCode === 404) return undefined;
				if (response.statusCode >= 400 || !isJsonObject(response.body)) {
					throw videskApiError(node, response, request);
				}
				return response.body as Room;
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
