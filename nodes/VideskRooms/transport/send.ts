import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import { isJsonObject } from '../videsk';
import {
	networkErrorCode,
	videskApiError,
	videskNetworkError,
	type RequestPurpose,
} from './errors';
import { RateLimitWaitTooLong, readRateLimit, type RateLimitPacer, type Ticket } from './pacer';

// The one request path of both nodes: every request to Videsk — the action node's (through
// routing, routing.ts), the trigger's, the Room list search's and the credential test's — is
// paced under Videsk's rate limit (pacer.ts), retried by one policy, and has its failures worded
// by one table (errors.ts). Only how a single attempt is sent differs between them.

/** Videsk's answer to one attempt, whatever its status. */
export interface VideskAnswer {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

export interface VideskExchange<T> {
	node: INode;
	pacer: RateLimitPacer;
	/** The HTTP method: only reads are sent again after a server error. */
	method: string;
	/** The credential's Base URL, for the advice when nothing answered there. */
	baseUrl: string;
	/** How long to wait for an answer, and the longest wait Videsk may ask for. */
	timeoutMs: number;
	/** The execution's cancel signal: a stopped execution leaves the pacer's queue at once. */
	signal?: AbortSignal;
	purpose: RequestPurpose;
	/** What the advice for a wait past the Timeout adds: how to give the request more time. */
	timeoutAdvice: string;
	/** Whether a successful answer has the shape this request expects; default a JSON object. */
	expects?: (body: unknown) => boolean;
	/** Answers the caller words itself (e.g. a lookup's 404): returned, not thrown. */
	handles?: (answer: VideskAnswer) => boolean;
	/** Sends the request once; throws only when no HTTP answer came back. */
	attempt(): Promise<{ answer: VideskAnswer; result: T }>;
}

const MAX_RETRIES = 3;
/** Failures after which a read can safely be sent again: nothing was changed. */
const RETRYABLE_READ_FAILURES = ['502', '503', '504', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT'];

const seconds = (ms: number) => Math.round(ms / 100) / 10;

/**
 * Sends `exchange` until Videsk answers as expected, and returns that answer with the attempt's
 * result; or throws the error that says what went wrong and what to do. A 429 is sent again
 * (Videsk refused before doing anything), after the Retry-After it gives; a gateway error or a
 * broken connection only for reads, since a write may already have happened. No wait Videsk asks
 * for is longer than the Timeout: the request fails at once instead, saying so.
 */
export async function sendToVidesk<T>(
	exchange: VideskExchange<T>,
): Promise<{ answer: VideskAnswer; result: T }> {
	const { node, pacer, purpose } = exchange;
	const expects = exchange.expects ?? isJsonObject;
	for (let attempt = 0; ; attempt += 1) {
		const ticket = await waitForTurn(exchange);
		let outcome: { answer: VideskAnswer; result: T };
		try {
			outcome = await exchange.attempt();
		} catch (error) {
			pacer.observe(ticket); // an attempt without an answer says nothing about the limit
			const failure = videskNetworkError(node, error, purpose, exchange.baseUrl);
			const code = networkErrorCode(node, error);
			if (await waitToRetry(exchange, failure, code, attempt, undefined)) continue;
			throw failure;
		}
		const { answer } = outcome;
		ticket.reading = readRateLimit(answer.headers, answer.statusCode, Date.now());
		pacer.observe(ticket);
		if (answer.statusCode < 400 && expects(answer.body)) return outcome;
		if (exchange.handles?.(answer)) return outcome;
		const failure = videskApiError(node, answer, purpose, { method: exchange.method, expects });
		if (await waitToRetry(exchange, failure, failure.httpCode ?? undefined, attempt, ticket))
			continue;
		throw failure;
	}
}

/**
 * Waits before a failed request is sent again, or returns false to give up. A wait Videsk asks
 * for (Retry-After) longer than the Timeout is not waited: `failure` is thrown at once, saying so.
 */
async function waitToRetry(
	exchange: VideskExchange<unknown>,
	failure: NodeApiError,
	code: string | undefined,
	attempt: number,
	ticket: Ticket | undefined,
): Promise<boolean> {
	const retryable =
		code === '429' || (exchange.method === 'GET' && RETRYABLE_READ_FAILURES.includes(code ?? ''));
	if (!retryable || attempt >= MAX_RETRIES) return false;
	const reading = ticket?.reading;
	const askedMs = reading?.retryAt !== undefined ? reading.retryAt - reading.receivedAt : undefined;
	if (askedMs !== undefined && askedMs > exchange.timeoutMs) {
		failure.description += ` Videsk asked to wait ${seconds(askedMs)} s before retrying, longer than the ${seconds(exchange.timeoutMs)} s Timeout. ${exchange.timeoutAdvice}`;
		throw failure;
	}
	await sleep(askedMs ?? 250 * 2 ** attempt);
	return true;
}

/** Waits for the pacer to let the request go; fails, naming the figures, past the Timeout. */
async function waitForTurn(exchange: VideskExchange<unknown>): Promise<Ticket> {
	const { node, purpose } = exchange;
	try {
		return await exchange.pacer.acquire(exchange.timeoutMs, exchange.signal);
	} catch (error) {
		if (!(error instanceof RateLimitWaitTooLong)) {
			// The only other way out of the queue: the execution was stopped.
			throw new NodeOperationError(
				node,
				`${purpose.label}: the execution was stopped before this request was sent`,
				{ itemIndex: purpose.itemIndex },
			);
		}
		throw new NodeApiError(
			node,
			{},
			{
				message: `${purpose.label}: Videsk’s rate limit leaves no turn for ${purpose.target} within the Timeout`,
				description: `The next request could go in ${seconds(error.waitMs)} s; the Timeout is ${seconds(error.timeoutMs)} s. ${error.figures} Nothing was sent for this item. ${exchange.timeoutAdvice}`,
				httpCode: '429',
				itemIndex: purpose.itemIndex,
			},
		);
	}
}

/** Whether `error` is Videsk's answer with this status (after its retries). */
export function isHttpError(error: unknown, status: number): error is NodeApiError {
	return error instanceof NodeApiError && error.httpCode === String(status);
}
