import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import { operationName, withNetworkContext } from './errors';
import { isRoomPage, MAX_PAGE_SIZE, type Room, roomPath, ROOMS_PATH } from './api';
import { checkLifetime, checkRescheduledTimes } from './validation';

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
const MAX_RETRY_WAIT_MS = 30_000;
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
	return Math.min(retryAfterMs ?? 250 * 2 ** attempt, MAX_RETRY_WAIT_MS);
}

/**
 * Every operation's requests go through here (as routing's pagination hook, the one place
 * that can send a request again): bounded retries, then errors that name the room.
 */
export async function sendWithRetry(
	this: IExecutePaginationFunctions,
	request: Request,
): Promise<INodeExecutionData[]> {
	for (let attempt = 0; ; attempt += 1) {
		try {
			return await this.makeRoutingRequest(request);
		} catch (error) {
			const delayMs = retryDelayMs(error, request.options.method, attempt);
			if (delayMs === undefined) throw withNetworkContext(this, error);
			await sleep(delayMs);
		}
	}
}

/**
 * Get Many. n8n's built-in offset pagination advances by the page size it asked for and stops
 * on a short page, which loses rooms when Videsk silently clamps `$limit`. This advances by what
 * the server returned, stops on `total`, and asks only for as many rooms as Limit still needs.
 */
export async function paginateRooms(
	this: IExecutePaginationFunctions,
	request: Request,
): Promise<INodeExecutionData[]> {
	const wanted = request.maxResults ? Number(request.maxResults) : Number.POSITIVE_INFINITY;
	const pairedItem = { item: this.getItemIndex() };
	const rooms: INodeExecutionData[] = [];
	let total = 0;
	do {
		const qs = {
			...request.options.qs,
			$limit: Math.min(MAX_PAGE_SIZE, wanted - rooms.length),
			$skip: rooms.length,
		};
		let page: INodeExecutionData['json'] | undefined;
		try {
			[{ json: page }] = await sendWithRetry.call(this, withOptions(request, { qs }));
		} catch (error) {
			if (rooms.length > 0) {
				(error as NodeApiError).description +=
					` Stopped after reading ${rooms.length} of ${total} rooms; no partial list was returned.`;
			}
			throw new NodeApiError(this.getNode(), error as JsonObject);
		}
		if (!isRoomPage(page)) {
			throw new NodeApiError(
				this.getNode(),
				{},
				{
					message: `${operationName(this)}: Videsk sent a room list in an unexpected shape`,
					description: `Expected {total, limit, skip, data} after ${rooms.length} rooms were read.`,
					itemIndex: this.getItemIndex(),
				},
			);
		}
		total = page.total;
		rooms.push(...page.data.map((room) => ({ json: room, pairedItem })));
		if (page.data.length === 0) break;
	} while (rooms.length < Math.min(total, wanted));
	return rooms;
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
 * Create or Get: create the room; if Videsk answers 409 (the External ID exists), get that room.
 * This is what makes a workflow safe to rerun. `created` tells which path was taken.
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
	const existing = await sendWithRetry.call(
		this,
		withOptions(request, {
			method: 'GET',
			url: roomPath(externalId),
			body: undefined,
		}),
	);
	return existing.map((item) => ({ ...item, json: { ...item.json, created: false } }));
}

/**
 * End: PATCH `{ended: true}`. Videsk answers 404 both for an unknown room and for one that has
 * already ended; a GET tells them apart, so the message can say which, and "Already Ended"
 * can be treated as success when the user chose that.
 */
export async function endRoom(
	this: IExecutePaginationFunctions,
	request: Request,
): Promise<INodeExecutionData[]> {
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

/** The room with this External ID, or undefined: the list filter matches External IDs only. */
async function findByExternalId(
	context: IExecutePaginationFunctions,
	request: Request,
	externalId: string,
): Promise<Room | undefined> {
	const [{ json: page }] = await sendWithRetry.call(
		context,
		withOptions(request, {
			method: 'GET',
			url: ROOMS_PATH,
			qs: { externalId, $limit: 1 },
			body: undefined,
		}),
	);
	if (!isRoomPage(page)) {
		throw new NodeApiError(
			context.getNode(),
			{},
			{
				message: `${operationName(context)}: Videsk sent a room list in an unexpected shape`,
				description: 'Expected {total, limit, skip, data} when looking up the External ID.',
				itemIndex: context.getItemIndex(),
			},
		);
	}
	return page.data[0];
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

	let room = await findByExternalId(this, request, externalId);
	if (room === undefined) {
		// A new room without Start starts now (validateRoomBody left this check to here).
		if (body.nbf === undefined && body.exp !== undefined) {
			checkLifetime(this, 'exp', Date.now(), Date.parse(body.exp as string));
		}
		try {
			return outcome(await sendWithRetry.call(this, request), true, false);
		} catch (error) {
			if (!isHttpError(error, 409)) throw new NodeApiError(this.getNode(), error as JsonObject);
		}
		// Created by someone else since the lookup (e.g. the same event, run twice at once).
		room = (await findByExternalId(this, request, externalId))!;
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
