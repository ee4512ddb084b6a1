import {
	NodeApiError,
	NodeConnectionTypes,
	type IDataObject,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
	type JsonObject,
} from 'n8n-workflow';
import {
	CREDENTIAL_TYPE,
	listRoomsRequest,
	MAX_PAGE_SIZE,
	roomPath,
	type ListQuery,
	type Room,
	type RoomPage,
} from '../VideskRooms/shared/api';

// Videsk has no webhooks for rooms, so this polls the same list Get Many reads (shared/api.ts).
// Room Created: newest first, reading pages only until it reaches rooms it has already seen.
// Room Ended: the list of open rooms (few, however large the account) compared with the last
// poll's, plus the rooms created since then that have already ended.
// State lives in the workflow's static data, and is written only after a successful poll.

interface PollState extends IDataObject {
	/** Creation time of the newest room seen, and the IDs seen with exactly that time. */
	newestCreatedAt?: string;
	idsAtNewest?: string[];
	/** Room Ended: the rooms open at the last poll. */
	openIds?: string[];
}

type Event = 'roomCreated' | 'roomEnded';

/**
 * When a room was created. ASSUMPTION: the docs sort rooms by `createdAt` but their example does
 * not show the field; without it, the creation second held in the MongoDB ObjectId is used.
 */
function createdAtOf(room: Room): string {
	if (typeof room.createdAt === 'string') return room.createdAt;
	return new Date(parseInt(room.id.slice(0, 8), 16) * 1000).toISOString();
}

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
		const request = async (options: ReturnType<typeof listRoomsRequest>) => {
			try {
				return await this.helpers.httpRequestWithAuthentication.call(
					this,
					CREDENTIAL_TYPE,
					options,
				);
			} catch (error) {
				throw new NodeApiError(this.getNode(), error as JsonObject);
			}
		};
		const list = async (query: ListQuery) =>
			(await request(listRoomsRequest(baseUrl, query))) as RoomPage;
		const matches = (room: Room) => prefix === '' || (room.externalId ?? '').startsWith(prefix);
		const output = (rooms: Room[]) =>
			rooms.length ? [rooms.map((room) => ({ json: room }))] : null;
		const newestFirst = { createdAt: -1 as const };

		if (this.getMode() === 'manual') {
			// A test run shows the newest matching room, so that its fields can be mapped.
			const page = await list({
				$sort: newestFirst,
				$limit: MAX_PAGE_SIZE,
				...(event === 'roomEnded' ? { ended: true } : {}),
			});
			return output(page.data.filter(matches).slice(0, 1));
		}

		const state = this.getWorkflowStaticData('node') as PollState;
		const firstPoll = state.newestCreatedAt === undefined;

		// Rooms created since the last poll, newest first.
		const created: Room[] = [];
		const seenIds = new Set(state.idsAtNewest ?? []);
		for (let skip = 0, reachedSeen = false; !reachedSeen; ) {
			const page = await list({
				$sort: newestFirst,
				$limit: firstPoll ? 1 : MAX_PAGE_SIZE,
				$skip: skip,
			});
			for (const room of page.data) {
				const createdAt = createdAtOf(room);
				if (!firstPoll && createdAt < state.newestCreatedAt!) {
					reachedSeen = true;
					break;
				}
				// Rooms created during this poll shift the pages: skip what was already read.
				if (!seenIds.has(room.id) && !created.some((other) => other.id === room.id)) {
					created.push(room);
				}
			}
			skip += page.data.length;
			if (firstPoll || page.data.length === 0 || skip >= page.total) reachedSeen = true;
		}

		const newest = [...created.map(createdAtOf), state.newestCreatedAt ?? ''].reduce((a, b) =>
			a > b ? a : b,
		);
		const next: PollState = {
			newestCreatedAt: newest,
			idsAtNewest: [
				...(newest === state.newestCreatedAt ? (state.idsAtNewest ?? []) : []),
				...created.filter((room) => createdAtOf(room) === newest).map((room) => room.id),
			],
		};

		let events: Room[] = [];
		if (event === 'roomCreated') {
			events = firstPoll ? [] : created;
		} else {
			const open: Room[] = [];
			for (let skip = 0, total = 1; skip < total; ) {
				const page = await list({
					ended: false,
					$sort: newestFirst,
					$limit: MAX_PAGE_SIZE,
					$skip: skip,
				});
				open.push(...page.data);
				total = page.data.length ? page.total : 0;
				skip += page.data.length;
			}
			next.openIds = [...new Set(open.map((room) => room.id))];
			if (!firstPoll) {
				const stillOpen = new Set(next.openIds);
				for (const id of state.openIds ?? []) {
					if (stillOpen.has(id)) continue;
					const room = (await request({
						method: 'GET',
						baseURL: baseUrl,
						url: roomPath(id),
						json: true,
					})) as Room;
					if (room.ended === true) events.push(room);
				}
				events.push(...created.filter((room) => room.ended === true));
			}
		}

		Object.assign(state, next);
		return output(
			events.filter(matches).sort((a, b) => (createdAtOf(a) < createdAtOf(b) ? -1 : 1)),
		);
	}
}
