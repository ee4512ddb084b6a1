import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import { operationName, targetOf, withNetworkContext } from './errors';
import {
	DEFAULT_TIMEOUT_MS,
	isRoom,
	isRoomPage,
	MAX_PAGE_SIZE,
	type Room,
	ROOM_ID,
	roomPath,
	ROOMS_PATH,
} from './api';
import {
	endRequest,
	pacerFor,
	RateLimitWaitTooLong,
	startRequest,
	type RateLimitPacer,
	type Ticket,
} from './rateLimit';
import {
	checkLifetime,
	checkRescheduledTimes,
	chosenRoom,
	isRoomId,
	requestedLimit,
} from './validation';

// Operations that need more than one request. n8n's routing runs a custom "pagination"
// function for these: it gets `makeRoutingRequest`, which sends a request exactly as routing
// would (same credential, defaults, postReceive chain), so no separate HTTP client is needed.

type Request = DeclarativeRestApiSettings.ResultOptions;

function withOptions(request: Request, options: Request['options']): Request {
	return { ...request, options: { ...request.options, ...options } };
}

function isHttpError(error: unknown, status: number): error is NodeApiError {
	return error instanceof NodeApiError && error.httpCode === String(status);
}

const MAX_RETRIES = 3;
/** Failures after which a read can safely be sent again: nothing was changed. */
const RETRYABLE_READ_FAILURES = ['502', '503', '504', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT'];

/**
 * How long to wait before sending a failed request again, or undefined to give up. A 429 is
 * always retried (Videsk refused before doing anything), honouring its Retry-After; a gateway
 * error or a broken connection only for reads, since a write may already have happened.
 */
function retryDelayMs(error: unknown, method: string | undefined, attempt: number) {
	if (!(error instanceof NodeApiError) || attempt >= MAX_RETRIES) return undefined;
	const code = error.httpCode ?? '';
	if (code !== '429' && !(method === 'GET' && RETRYABLE_READ_FAILURES.includes(code))) {
		return undefined;
	}
	const retryAfterMs = error.context.retryAfterMs as number | undefined;
	return { ms: retryAfterMs ?? 250 * 2 ** attempt, askedByVidesk: retryAfterMs !== undefined };
}

/**
 * Waits before a failed request is sent again (retryDelayMs), or returns false to give up. A
 * wait Videsk asks for that is longer than the Timeout is not waited: `error` is thrown at once,
 * saying so, with `advice`.
 */
export async function waitToRetry(
	error: unknown,
	method: string | undefined,
	attempt: number,
	timeoutMs: number,
	advice: string,
): Promise<boolean> {
	const delay = retryDelayMs(error, method, attempt);
	if (delay === undefined) return false;
	if (delay.askedByVidesk && delay.ms > timeoutMs) {
		(error as NodeApiError).description +=
			` Videsk asked to wait ${seconds(delay.ms)} s before retrying, longer than the ${seconds(timeoutMs)} s Timeout. ${advice}`;
		throw error;
	}
	await sleep(delay.ms);
	return true;
}

const TIMEOUT_ADVICE =
	'Raise "Request Options" → "Timeout", run fewer items at once, or give this workflow its own Videsk token.';

/** Waits for the pacer to let a request go; fails, naming the figures, past the Timeout. */
async function waitForTurn(
	context: IExecutePaginationFunctions,
	pacer: RateLimitPacer,
	timeoutMs: number,
): Promise<Ticket> {
	try {
		return await pacer.acquire(timeoutMs, context.getExecutionCancelSignal());
	} catch (error) {
		if (!(error instanceof RateLimitWaitTooLong)) {
			// The only other way out of the queue: the execution was stopped.
			throw new NodeOperationError(
				context.getNode(),
				`${operationName(context)}: the execution was stopped before this request was sent`,
				{ itemIndex: context.getItemIndex() },
			);
		}
		throw new NodeApiError(
			context.getNode(),
			{},
			{
				message: `${operationName(context)}: Videsk’s rate limit leaves no turn for ${targetOf(context)} within the Timeout`,
				description: `The next request could go in ${seconds(error.waitMs)} s; the Timeout is ${seconds(error.timeoutMs)} s. ${error.figures} Nothing was sent for this item. ${TIMEOUT_ADVICE}`,
				httpCode: '429',
				itemIndex: context.getItemIndex(),
			},
		);
	}
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/**
 * Every operation's requests go through here (as routing's pagination hook, the one place
 * that can send a request again): paced under Videsk's rate limit (see rateLimit.ts), bounded
 * retries, then errors that name the room. No wait that Videsk asks for is longer than the
 * request's Timeout: the item fails at once instead.
 */
export async function sendWithRetry(
	this: IExecutePaginationFunctions,
	request: Request,
): Promise<INodeExecutionData[]> {
	const pacer = pacerFor(this.getNode(), String(request.options.baseURL));
	const timeoutMs = request.options.timeout ?? DEFAULT_TIMEOUT_MS;
	for (let attempt = 0; ; attempt += 1) {
		const ticket = await waitForTurn(this, pacer, timeoutMs);
		startRequest(this, ticket);
		let outcome: { items: INodeExecutionData[] } | { error: unknown };
		try {
			outcome = { items: await this.makeRoutingRequest(request) };
		} catch (error) {
			outcome = { error };
		} finally {
			endRequest(this, ticket); // every ticket let through is observed, once
		}
		if ('items' in outcome) return outcome.items;
		const { error } = outcome;
		if (!(await waitToRetry(error, request.options.method, attempt, timeoutMs, TIMEOUT_ADVICE))) {
			throw withNetworkContext(this, error);
		}
	}
}

/** A page of the room list, or an error saying it came in another shape. */
function roomPageOf(
	context: IExecutePaginationFunctions,
	items: INodeExecutionData[],
	read: number,
) {
	const page = items[0]?.json;
	if (isRoomPage(page)) return page;
	throw new NodeApiError(
		context.getNode(),
		{},
		{
			message: `${operationName(context)}: Videsk sent a room list in an unexpected shape`,
			description: `Expected {total, limit, skip, data} after ${read} rooms were read.`,
			itemIndex: context.getItemIndex(),
		},
	);
}

/** How many requests in a row may bring no new room (the list changing under the reader). */
const MAX_UNPRODUCTIVE_READS = 10;

/**
 * Get Many. n8n's built-in offset pagination advances by the page size it asked for and stops
 * on a short page, which loses rooms when Videsk silently clamps `$limit`. This advances by what
 * the server returned, stops on `total`, and asks only for as many rooms as Limit still needs.
 *
 * The list may change while it is read. Each room is returned once (by ID), and each page after
 * the first starts with the last room already read, its anchor: if a page starts with a room not
 * read yet, rooms before it left the list (e.g. ended, with the Ended filter off) and the others
 * moved up, so the node steps back and reads again rather than skip the rooms that moved past it.
 * A list that changes faster than it can be read is an error, never a partial list.
 */
export async function paginateRooms(
	this: IExecutePaginationFunctions,
	request: Request,
): Promise<INodeExecutionData[]> {
	try {
		return await readRoomList.call(this, request);
	} catch (error) {
		// n8n pairs a failed item with its input only when every input item gives one output item;
		// Get Many gives one per room, so with Continue On Fail the error item is paired here.
		const failure = error as NodeApiError | NodeOperationError;
		if (!this.continueOnFail()) throw failure;
		return [{ json: {}, error: failure, pairedItem: { item: this.getItemIndex() } }];
	}
}

async function readRoomList(
	this: IExecutePaginationFunctions,
	request: Request,
): Promise<INodeExecutionData[]> {
	const wanted = requestedLimit(this) ?? Number.POSITIVE_INFINITY;
	const pairedItem = { item: this.getItemIndex() };
	const rooms: INodeExecutionData[] = [];
	const seen = new Set<string>();
	let skip = 0;
	let anchored = false; // whether this page should start with a room already read
	let steppedBack = false; // then the next page rereads rooms: ask for a whole one
	let lastPageLength = 0;
	let unproductiveReads = 0;
	let total = 0;
	for (;;) {
		const qs = {
			...request.options.qs,
			$limit: steppedBack
				? MAX_PAGE_SIZE
				: Math.min(MAX_PAGE_SIZE, wanted - rooms.length + (anchored ? 1 : 0)),
			$skip: skip,
		};
		let items: INodeExecutionData[];
		try {
			items = await sendWithRetry.call(this, withOptions(request, { qs }));
		} catch (error) {
			if (rooms.length > 0) {
				(error as NodeApiError).description +=
					` Stopped after reading ${rooms.length} of ${total} rooms; no partial list was returned.`;
			}
			throw new NodeApiError(this.getNode(), error as JsonObject);
		}
		const page = roomPageOf(this, items, rooms.length);
		const data = page.data;
		total = page.total;
		const read = rooms.length;
		if (anchored && !seen.has(data[0]?.id)) {
			if (total === 0) break; // every room left the list
			skip = Math.max(0, skip - Math.max(1, lastPageLength - 1));
			anchored = skip > 0;
			steppedBack = true;
		} else {
			steppedBack = false;
			for (const room of data) {
				if (rooms.length === wanted) break;
				if (seen.has(room.id)) continue;
				seen.add(room.id);
				rooms.push({ json: room, pairedItem });
			}
			if (rooms.length === wanted || data.length === 0 || skip + data.length >= total) break;
			// The last room of this page is the next one's anchor, unless the server sends one at a time.
			anchored = data.length > 1;
			skip += anchored ? data.length - 1 : data.length;
			lastPageLength = data.length;
		}
		unproductiveReads = rooms.length > read ? 0 : unproductiveReads + 1;
		if (unproductiveReads > MAX_UNPRODUCTIVE_READS) throw listKeptChanging(this, rooms.length);
	}
	return rooms;
}

function listKeptChanging(context: IExecutePaginationFunctions, read: number) {
	return new NodeApiError(
		context.getNode(),
		{},
		{
			message: `${operationName(context)}: the room list kept changing while it was read`,
			description: `Rooms were created or ended faster than the list could be read: ${MAX_UNPRODUCTIVE_READS} requests in a row brought no room not read before. Stopped after reading ${read} rooms; no partial list was returned. Run it again, or narrow the list with a filter.`,
			itemIndex: context.getItemIndex(),
		},
	);
}

function externalIdRequired(context: IExecutePaginationFunctions) {
	return new NodeOperationError(
		context.getNode(),
		'External ID: required to find the room on a rerun',
		{
			itemIndex: context.getItemIndex(),
			description:
				'Fill in "External ID" (e.g. the calendar event or deal ID); nothing was sent to Videsk.',
		},
	);
}

/**
 * The room whose External ID is `externalId`, or undefined. Videsk's path `/vpaas/rooms/{room}`
 * takes an ID or an External ID, so an External ID of 24 hexadecimal characters could reach the
 * room that has it as its ID: such a room is found through the list's `externalId` filter.
 */
async function findByExternalId(
	this: IExecutePaginationFunctions,
	request: Request,
	externalId: string,
): Promise<INodeExecutionData | undefined> {
	const read = { method: 'GET' as const, body: undefined, qs: {} };
	if (!isRoomId(externalId)) {
		try {
			const [room] = await sendWithRetry.call(
				this,
				withOptions(request, { ...read, url: roomPath(externalId) }),
			);
			if (isRoom(room?.json)) return room;
			throw new NodeApiError(
				this.getNode(),
				{},
				{
					message: `${operationName(this)}: Videsk sent a room in an unexpected shape`,
					description: `Expected a room with an "id" when looking up External ID "${externalId}". A proxy or a server change may be in the way; try again later.`,
					itemIndex: this.getItemIndex(),
				},
			);
		} catch (error) {
			if (isHttpError(error, 404)) return undefined;
			throw error as NodeApiError;
		}
	}
	const qs = { externalId, $limit: MAX_PAGE_SIZE };
	const page = roomPageOf(
		this,
		await sendWithRetry.call(this, withOptions(request, { ...read, url: ROOMS_PATH, qs })),
		0,
	);
	const room = page.data.find((candidate) => candidate.externalId === externalId);
	return room && { json: room };
}

/**
 * For a room chosen by an External ID of 24 hexadecimal characters (setRoomPath left {roomId} in
 * the URL): the request, addressed to that room's ID.
 */
async function resolveRoom(this: IExecutePaginationFunctions, request: Request): Promise<Request> {
	const url = request.options.url ?? '';
	if (!url.includes(ROOM_ID)) return request;
	const { value } = chosenRoom(this);
	const room = await findByExternalId.call(this, request, value);
	if (room === undefined) {
		throw new NodeApiError(
			this.getNode(),
			{},
			{
				message: `${operationName(this)}: Videsk has no room with External ID "${value}"`,
				description:
					'No room in the list of this Videsk account has that External ID. (An External ID of 24 hexadecimal characters is looked up in the list, so that it is never taken for another room’s ID.) Check the "Room" field and that the credential belongs to the account that created the room.',
				httpCode: '404',
				itemIndex: this.getItemIndex(),
			},
		);
	}
	return withOptions(request, {
		url: url.replace(`${ROOMS_PATH}/${ROOM_ID}`, roomPath(String(room.json.id))),
	});
}

/** The default for every operation: find the room first if needed, then send with retries. */
export async function sendToRoom(
	this: IExecutePaginationFunctions,
	request: Request,
): Promise<INodeExecutionData[]> {
	return await sendWithRetry.call(this, await resolveRoom.call(this, request));
}

/** After Videsk answered 409 to a create: the room that holds the External ID, or a clear error. */
async function roomTakingExternalId(
	this: IExecutePaginationFunctions,
	request: Request,
	externalId: string,
): Promise<INodeExecutionData> {
	const existing = await findByExternalId.call(this, request, externalId);
	if (existing !== undefined) return existing;
	throw new NodeApiError(
		this.getNode(),
		{},
		{
			message: `${operationName(this)}: Videsk said a room with External ID "${externalId}" already exists, then found no such room`,
			description:
				'Videsk refused to create the room (409 Conflict: the External ID is taken), but looking the room up by that External ID found nothing; nothing was created. Run the item again. If it keeps failing, Videsk matches this External ID differently when creating and when looking up: use another External ID.',
			httpCode: '409',
			itemIndex: this.getItemIndex(),
		},
	);
}

/**
 * Create or Get: create the room; if Videsk answers 409 (the External ID exists), get that room.
 * This is what makes a workflow safe to rerun. `created` tells which path was taken, and an
 * existing room that has ended is marked `alreadyEnded: true`: nobody can join it any more.
 */
export async function createOrGetRoom(
	this: IExecutePaginationFunctions,
	request: Request,
): Promise<INodeExecutionData[]> {
	const externalId = (request.options.body as IDataObject).externalId as string | undefined;
	if (externalId === undefined) throw externalIdRequired(this);
	try {
		const items = await sendWithRetry.call(this, request);
		return items.map((item) => ({ ...item, json: { ...item.json, created: true } }));
	} catch (error) {
		if (!isHttpError(error, 409)) throw new NodeApiError(this.getNode(), error as JsonObject);
	}
	const existing = await roomTakingExternalId.call(this, request, externalId);
	const ended = existing.json.ended === true ? { alreadyEnded: true } : {};
	return [{ ...existing, json: { ...existing.json, created: false, ...ended } }];
}

/**
 * End: PATCH `{ended: true}`. Videsk answers 404 both for an unknown room and for one that has
 * already ended; a GET tells them apart, so the message can say which, and "Already Ended"
 * can be treated as success when the user chose that.
 */
export async function endRoom(
	this: IExecutePaginationFunctions,
	unresolved: Request,
): Promise<INodeExecutionData[]> {
	const request = await resolveRoom.call(this, unresolved);
	try {
		return await sendWithRetry.call(this, request);
	} catch (error) {
		if (!isHttpError(error, 404)) throw new NodeApiError(this.getNode(), error as JsonObject);
		let room: INodeExecutionData[];
		try {
			room = await sendWithRetry.call(
				this,
				withOptions(request, { method: 'GET', body: undefined }),
			);
		} catch {
			throw error as NodeApiError; // the room does not exist: Videsk's 404 says so
		}
		if (room[0]?.json.ended !== true) throw error as NodeApiError;
		if (this.getNodeParameter('options.alreadyEndedIsSuccess', false) === true) {
			return room.map((item) => ({ ...item, json: { ...item.json, alreadyEnded: true } }));
		}
		throw new NodeApiError(
			this.getNode(),
			{},
			{
				message: `${operationName(this)}: room "${String(room[0].json.externalId ?? room[0].json.id)}" has already ended`,
				description:
					'Nothing was changed. To let the workflow go on when the room is already closed, turn on "Options" → "Treat Already Ended as Success".',
				httpCode: '404',
				itemIndex: this.getItemIndex(),
			},
		);
	}
}

/**
 * Create or Update (upsert by External ID), for rescheduled events: find the room by External
 * ID; create it if there is none, else PATCH only the name, Start and Expires At that differ.
 * An ended room is reported, not changed: Videsk does not reopen it (its PATCH answers 404).
 * Output `created` and `updated` say which happened.
 */
export async function createOrUpdateRoom(
	this: IExecutePaginationFunctions,
	request: Request,
): Promise<INodeExecutionData[]> {
	const body = request.options.body as IDataObject;
	const externalId = body.externalId as string | undefined;
	if (externalId === undefined) throw externalIdRequired(this);
	const outcome = (items: INodeExecutionData[], created: boolean, updated: boolean) =>
		items.map((item) => ({ ...item, json: { ...item.json, created, updated } }));

	let room = (await findByExternalId.call(this, request, externalId))?.json as Room | undefined;
	if (room === undefined) {
		// A new room without Start starts now (validateRoomBody left this check to here).
		if (body.nbf === undefined && body.exp !== undefined) {
			checkLifetime(this, 'exp', Date.now(), Date.parse(body.exp as string), true);
		}
		try {
			return outcome(await sendWithRetry.call(this, request), true, false);
		} catch (error) {
			if (!isHttpError(error, 409)) throw new NodeApiError(this.getNode(), error as JsonObject);
		}
		// Created by someone else since the lookup (e.g. the same event, run twice at once).
		room = (await roomTakingExternalId.call(this, request, externalId)).json as Room;
	}

	const roomEnded = () =>
		new NodeOperationError(
			this.getNode(),
			`${operationName(this)}: room "${externalId}" has ended, so it cannot be updated`,
			{
				itemIndex: this.getItemIndex(),
				description:
					'Nothing was changed. Videsk does not reopen ended rooms, and the External ID stays taken: for a new meeting, use a new External ID (e.g. with the new date in it).',
			},
		);
	if (room.ended === true) throw roomEnded();
	const changes: IDataObject = {};
	if (body.name !== undefined && body.name !== room.name) changes.name = body.name;
	for (const field of ['nbf', 'exp'] as const) {
		const wanted = body[field] as string | undefined;
		if (wanted !== undefined && Date.parse(wanted) !== Date.parse(room[field] ?? '')) {
			changes[field] = wanted;
		}
	}
	if (Object.keys(changes).length === 0) return outcome([{ json: room }], false, false);
	checkRescheduledTimes(this, room, changes);
	try {
		const patch = withOptions(request, { method: 'PATCH', url: roomPath(room.id), body: changes });
		return outcome(await sendWithRetry.call(this, patch), false, true);
	} catch (error) {
		// Videsk's 404 on PATCH means "not found or already ended"; the room was just found.
		if (isHttpError(error, 404)) throw roomEnded();
		throw new NodeApiError(this.getNode(), error as JsonObject);
	}
}
