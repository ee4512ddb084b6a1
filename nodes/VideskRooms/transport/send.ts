import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { isJsonObject, type AnswerShape } from '../videsk';
import { duration } from '../wording';
import { clock } from './clock';
import {
	networkErrorCode,
	videskApiError,
	videskNetworkError,
	type RequestPurpose,
	type VideskAnswer,
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
// paced under Videsk's rate limit (pacer.ts), ends by its deadline whatever the server sends,
// is retried by one policy, and has its failures worded by one table (errors.ts). Only how a
// single attempt is sent differs between them.

export interface VideskExchange {
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
	 * How long an attempt may take, answer included (its deadline is then, whatever the server
	 * sends meanwhile), and the longest Videsk's rate limit may put off the request's turn (its
	 * Retry-After, or its RateLimit-Reset when what is left of its window goes to the requests
	 * ahead); not the wait behind them at the rate Videsk allows.
	 */
	timeoutMs: number;
	/**
	 * When the caller's time ends (a poll's, ms since the epoch): no wait Videsk asks for and no
	 * retry goes past it, and each attempt's deadline is by then too (see `timeoutFor`).
	 */
	deadline?: number;
	/** The execution's cancel signal: a stopped execution leaves the pacer's queue at once. */
	signal?: AbortSignal;
	purpose: RequestPurpose;
	/** How to give a request more time, as the caller can (its Timeout, the poll's interval…). */
	timeoutAdvice: string;
	/** Whether a successful answer has the shape this request expects; default a JSON object. */
	expects?: AnswerShape<unknown>;
	/** Answers the caller words itself (e.g. a lookup's 404): returned, not thrown. */
	handles?: (answer: VideskAnswer) => boolean;
	/** How often a failed attempt may be sent again (see `waitToRetry`); default MAX_RETRIES. */
	retries?: number;
	/**
	 * Sends the request once, aborting it when `signal` aborts; throws only when no HTTP answer
	 * came back. `timeoutMs` is how long it has.
	 */
	attempt(signal: AbortSignal, timeoutMs: number): Promise<VideskAnswer>;
}

const MAX_RETRIES = 3;
/** Failures after which a read can safely be sent again: nothing was changed. */
const RETRYABLE_READ_FAILURES = ['502', '503', '504', 'ECONNRESET', 'ETIMEDOUT'];

/** Why an attempt was aborted: its deadline passed. */
const DEADLINE = new Error('deadline');
/** Why an attempt's deadline was called off (a reason of our own: none would cost a DOMException). */
const ANSWERED = new Error('answered');

/**
 * Sends `exchange` until Videsk answers as expected, and returns that answer; or throws the
 * error that says what went wrong and what to do. A 429 is sent again (Videsk refused before
 * doing anything), once the pacer lets it go after the Retry-After Videsk gives; a gateway error
 * or a broken connection only for reads, since a write may already have happened. No wait Videsk
 * asks for is longer than the Timeout: the request fails at once instead, saying so.
 */
export async function sendToVidesk(exchange: VideskExchange): Promise<VideskAnswer> {
	const { node, pacer, purpose } = exchange;
	const expects = exchange.expects ?? isJsonObject;
	for (let attempt = 0; ; attempt += 1) {
		const ticket = await waitForTurn(exchange);
		let answer: VideskAnswer;
		try {
			answer = await attemptInTime(exchange);
		} catch (error) {
			pacer.observe(ticket); // an attempt without an answer says nothing about the limit
			const code = error === DEADLINE ? 'ETIMEDOUT' : networkErrorCode(node, error);
			const cause =
				error === DEADLINE
					? new Error(`no answer within ${duration(timeoutFor(exchange))}`)
					: error;
			const failure = videskNetworkError(node, cause, purpose, { ...exchange, code });
			if (await waitToRetry(exchange, failure, code, attempt, undefined)) continue;
			throw failure;
		}
		const reading = pacer.observe(ticket, answer);
		if (answer.statusCode >= 200 && answer.statusCode < 300 && expects(answer.body)) return answer;
		if (exchange.handles?.(answer)) return answer;
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
 * One attempt, ended by its deadline whatever the server does meanwhile (answers slowly, sends
 * its body a byte at a time, never answers): aborted then, and rejected with DEADLINE even if
 * the attempt's HTTP client does not stop at once.
 */
async function attemptInTime(exchange: VideskExchange): Promise<VideskAnswer> {
	const timeoutMs = timeoutFor(exchange);
	const controller = new AbortController();
	const answered = new AbortController();
	void clock.sleep(timeoutMs, answered.signal).then(() => {
		if (!answered.signal.aborted) controller.abort(DEADLINE);
	});
	const ended = new Promise<never>((_, reject) =>
		controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), {
			once: true,
		}),
	);
	ended.catch(() => {});
	try {
		return await Promise.race([exchange.attempt(controller.signal, timeoutMs), ended]);
	} finally {
		answered.abort(ANSWERED);
	}
}

/**
 * Waits before a failed request is sent again, or returns false to give up. A wait Videsk asks
 * for (Retry-After) longer than the Timeout is not waited: `failure` is thrown at once, saying so.
 * One it asks for within the Timeout is waited in the pacer, which holds the token until then.
 */
async function waitToRetry(
	exchange: VideskExchange,
	failure: NodeApiError,
	code: string | undefined,
	attempt: number,
	reading: RateLimitReading | undefined,
): Promise<boolean> {
	const retries = exchange.retries ?? MAX_RETRIES;
	const retryable =
		code === '429' || (exchange.method === 'GET' && RETRYABLE_READ_FAILURES.includes(code ?? ''));
	if (code === '429' && reading !== undefined && reading.unreadable.length > 0) {
		failure.description += ` Rate-limit headers not understood, so not followed: ${reading.unreadable.join(', ')}.`;
	}
	if (code === '429' && retries > 0 && attempt >= retries) {
		failure.description += ` The node sent it again ${retries} times, refused each time.`;
	}
	if (!retryable || attempt >= retries) return false;
	const until = reading && retryAfterUntil(reading);
	const backoffMs = until === undefined ? 250 * 2 ** attempt : undefined;
	const waitMs = backoffMs ?? until! - reading!.receivedAt;
	if (exchange.deadline !== undefined && clock.now() + waitMs >= exchange.deadline) return false;
	if (backoffMs !== undefined) {
		await clock.sleep(backoffMs);
		return true;
	}
	if (waitMs <= exchange.timeoutMs) return true;
	const check =
		waitMs > LONGEST_WINDOW_MS
			? ` No window of a rate limit lasts that long: until then nothing is sent with this token, but one request after ${LONGEST_WINDOW_MS / 1000} s checks whether the wait still holds.`
			: '';
	failure.description += ` Videsk asked to wait ${duration(waitMs, waitMs >= 600_000)} before retrying, longer than the ${duration(exchange.timeoutMs)} this request may wait.${check} ${exchange.timeoutAdvice}`;
	throw failure;
}

/** An attempt's Timeout: the exchange's, or what is left until its deadline when that is sooner. */
export function timeoutFor({
	timeoutMs,
	deadline,
}: Pick<VideskExchange, 'timeoutMs' | 'deadline'>) {
	return deadline === undefined
		? timeoutMs
		: Math.max(1, Math.min(timeoutMs, deadline - clock.now()));
}

/** Waits for the pacer to let the request go; fails, naming the figures, past the Timeout. */
async function waitForTurn(exchange: VideskExchange): Promise<Ticket> {
	const { node, purpose } = exchange;
	try {
		return await exchange.pacer.acquire(exchange.flow, timeoutFor(exchange), exchange.signal);
	} catch (error) {
		// The only other way out of the queue: the execution was stopped (n8n's cancel reason).
		if (!(error instanceof RateLimitWaitTooLong)) {
			throw new NodeOperationError(node, error as Error, { itemIndex: purpose.itemIndex });
		}
		throw new NodeApiError(
			node,
			{},
			{
				message: `${purpose.label}: Videsk’s rate limit leaves no turn for ${purpose.target} within the Timeout`,
				description: `Its turn could come in ${duration(error.waitMs, error.waitMs >= 600_000)} at the earliest; this request may wait ${duration(error.timeoutMs)}. ${error.figures} Nothing was sent for this item. ${exchange.timeoutAdvice}`,
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
