import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import { operationName, targetOf, withNetworkContext } from './errors';
import { CREDENTIAL_TYPE, DEFAULT_TIMEOUT_MS, isRoomPage, MAX_PAGE_SIZE, roomPath } from './api';
import {
	endRequest,
	pacerFor,
	RateLimitWaitTooLong,
	startRequest,
	type RateLimitPacer,
	type Ticket,
} from './rateLimit';

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
 * retries, then errors that name the room. No wait is longer than the request's Timeout.
 */
export async function sendWithRetry(
	this: IExecutePaginationFunctions,
	request: Request,
): Promise<INodeExecutionData[]> {
	const credentialId = this.getNode().credentials?.[CREDENTIAL_TYPE]?.id ?? '';
	const pacer = pacerFor(credentialId, String(request.options.baseURL));
	const timeoutMs = request.options.timeout ?? DEFAULT_TIMEOUT_MS;
	for (let attempt = 0; ; attempt += 1) {
		const ticket = await waitForTurn(this, pacer, timeoutMs);
		startRequest(this, ticket);
		const outcome = await this.makeRoutingRequest(request).then(
			(items) => ({ items }),
			(error: unknown) => ({ error }),
		);
		endRequest(this, ticket);
		if ('items' in outcome) return outcome.items;
		const { error } = outcome;
		const delay = retryDelayMs(error, request.options.method, attempt);
		if (delay === undefined) throw withNetworkContext(this, error);
		if (delay.askedByVidesk && delay.ms > timeoutMs) {
			(error as NodeApiError).description +=
				` Videsk asked to wait ${seconds(delay.ms)} s before retrying, longer than the ${seconds(timeoutMs)} s Timeout. ${TIMEOUT_ADVICE}`;
			throw error;
		}
		await sleep(delay.ms);
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

/**
 * Create or Get: create the room; if Videsk answers 409 (the External ID exists), get that room.
 * This is what makes a workflow safe to rerun. `created` tells which path was taken.
 */
export async function createOrGetRoom(
	this: IExecutePaginationFunctions,
	request: Request,
): Promise<INodeExecutionData[]> {
	const externalId = (request.options.body as IDataObject).externalId as string | undefined;
	if (externalId === undefined) {
		throw new NodeOperationError(
			this.getNode(),
			'External ID: required to find the room on a rerun',
			{
				itemIndex: this.getItemIndex(),
				description:
					'Fill in "External ID" (e.g. the calendar event or deal ID); nothing was sent to Videsk.',
			},
		);
	}
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
