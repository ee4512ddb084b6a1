import type { IDataObject, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, sleep } from 'n8n-workflow';
import { isJsonObject } from '../videsk';
import {
	networkErrorCode,
	videskApiError,
	videskNetworkError,
	type RequestPurpose,
} from './errors';
import {
	LONGEST_WINDOW_MS,
	RateLimitWaitTooLong,
	retryAfterUntil,
	type RateLimitPacer,
	type RateLimitReading,
	type Ticket,
} from './pacer';

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
	/** Whose request this is (a node's run in an execution, a poll): the pacer serves them in turn. */
	flow: object;
	/** The HTTP method: only reads are sent again after a server error. */
	method: string;
	/** The credential's Base URL, for the advice when nothing answered there. */
	baseUrl: string;
	/** The credential's api-token: hidden wherever an error copies Videsk's answer. */
	apiToken: string;
	/**
	 * How long to wait for an answer, and the longest Videsk's rate limit may put off the
	 * request's turn (its Retry-After, or its RateLimit-Reset when what is left of its window goes
	 * to the requests ahead); not the wait behind them at the rate Videsk allows.
	 */
	timeoutMs: number;
	/**
	 * When the caller's time ends (a poll's, ms since the epoch): no wait Videsk asks for and no
	 * retry goes past it, and the attempt's own Timeout must end by then (see `timeoutFor`).
	 */
	deadline?: number;
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

/** A wait as people read it: seconds up to two minutes, then minutes, hours, days. */
function duration(ms: number): string {
	const minutes = ms / 60_000;
	if (minutes <= 2) return `${seconds(ms)} s`;
	if (minutes <= 120) return `${Math.round(minutes)} min`;
	if (minutes <= 48 * 60) return `${Math.round(minutes / 60)} h`;
	return `${Math.round(minutes / 1440).toLocaleString('en-US')} days`;
}

/**
 * Sends `exchange` until Videsk answers as expected, and returns that answer with the attempt's
 * result; or throws the error that says what went wrong and what to do. A 429 is sent again
 * (Videsk refused before doing anything), once the pacer lets it go after the Retry-After Videsk
 * gives; a gateway error or a broken connection only for reads, since a write may already have
 * happened. No wait Videsk asks for is longer than the Timeout: the request fails at once instead,
 * saying so.
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
			const failure = videskNetworkError(node, error, purpose, exchange);
			const code = networkErrorCode(node, error);
			if (await waitToRetry(exchange, failure, code, attempt, undefined)) continue;
			throw failure;
		}
		const { answer } = outcome;
		const reading = pacer.observe(ticket, answer);
		if (answer.statusCode < 400 && expects(answer.body)) return outcome;
		if (exchange.handles?.(answer)) return outcome;
		const failure = videskApiError(node, answer, purpose, {
			method: exchange.method,
			apiToken: exchange.apiToken,
			expects,
		});
		if (await waitToRetry(exchange, failure, failure.httpCode ?? undefined, attempt, reading))
			continue;
		throw failure;
	}
}

/**
 * Waits before a failed request is sent again, or returns false to give up. A wait Videsk asks
 * for (Retry-After) longer than the Timeout is not waited: `failure` is thrown at once, saying so.
 * One it asks for within the Timeout is waited in the pacer, which holds the token until then.
 */
async function waitToRetry(
	exchange: VideskExchange<unknown>,
	failure: NodeApiError,
	code: string | undefined,
	attempt: number,
	reading: RateLimitReading | undefined,
): Promise<boolean> {
	const retryable =
		code === '429' || (exchange.method === 'GET' && RETRYABLE_READ_FAILURES.includes(code ?? ''));
	if (code === '429' && reading !== undefined && reading.unreadable.length > 0) {
		failure.description += ` Rate-limit headers not understood, so not followed: ${reading.unreadable.join(', ')}.`;
	}
	if (code === '429' && attempt >= MAX_RETRIES) {
		failure.description += ` The node sent it again ${MAX_RETRIES} times, refused each time.`;
	}
	if (!retryable || attempt >= MAX_RETRIES) return false;
	const until = reading && retryAfterUntil(reading);
	const waitMs = reading === undefined || until === undefined ? 250 * 2 ** attempt : undefined;
	const retryAt = Date.now() + (waitMs ?? until! - reading!.receivedAt);
	if (exchange.deadline !== undefined && retryAt >= exchange.deadline) return false;
	if (waitMs !== undefined) {
		await sleep(waitMs);
		return true;
	}
	const askedMs = until! - reading!.receivedAt;
	if (askedMs <= exchange.timeoutMs) return true;
	const check =
		askedMs > LONGEST_WINDOW_MS
			? ` No window of a rate limit lasts that long: until then nothing is sent with this token, but one request after ${LONGEST_WINDOW_MS / 1000} s checks whether the wait still holds.`
			: '';
	failure.description += ` Videsk asked to wait ${duration(askedMs)} before retrying, longer than the ${seconds(exchange.timeoutMs)} s Timeout.${check} ${exchange.timeoutAdvice}`;
	throw failure;
}

/** An attempt's Timeout: the exchange's, or what is left until its deadline when that is sooner. */
export function timeoutFor({
	timeoutMs,
	deadline,
}: Pick<VideskExchange<unknown>, 'timeoutMs' | 'deadline'>) {
	return deadline === undefined
		? timeoutMs
		: Math.max(1, Math.min(timeoutMs, deadline - Date.now()));
}

/** Waits for the pacer to let the request go; fails, naming the figures, past the Timeout. */
async function waitForTurn(exchange: VideskExchange<unknown>): Promise<Ticket> {
	const { node, purpose } = exchange;
	try {
		return await exchange.pacer.acquire(exchange.flow, timeoutFor(exchange), exchange.signal);
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
				description: `Its turn could come in ${duration(error.waitMs)} at the earliest; the Timeout is ${seconds(error.timeoutMs)} s. ${error.figures} Nothing was sent for this item. ${exchange.timeoutAdvice}`,
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
