import type { IDataObject, INodeCredentialsDetails } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

// Pacing under Videsk's rate limit (about 20 requests a second per token). Videsk counts every
// request of a token, whichever n8n process sends it, and says where that count stands in its
// `RateLimit-*` headers. So each process paces its requests from those headers alone: several
// workers sharing a token see the same falling `RateLimit-Remaining` and slow down together,
// with no store shared between them. Inside one process, one pacer per credential and base URL
// queues the requests of every item and execution, and sends them spread over what is left of
// Videsk's window.

/** Videsk's window where its headers do not say when it ends: "20 requests a second". */
const WINDOW_MS = 1000;
/** `RateLimit-Reset` at least this large is a Unix time (2001 on), not seconds from now. */
const EPOCH_SECONDS_FROM = 1e9;
const EPOCH_MILLISECONDS_FROM = 1e12;
/** How quickly the estimate of other processes' sending follows what Videsk's counter shows. */
const OTHERS_RATE_TIME_CONSTANT_MS = 1000;
/** Without `RateLimit-*` headers, after a 429: the documented rate, and its rise per second. */
const HEADERLESS_START_PER_SECOND = 20;
const HEADERLESS_STEP_PER_SECOND = 2;
const HEADERLESS_MIN_PER_SECOND = 1;
/** Without `RateLimit-*` headers: after this long without a 429, stop pacing. */
const HEADERLESS_QUIET_MS = 5000;

/** What one answer said about the token's rate limit. Times are ms since the epoch. */
export interface RateLimitReading {
	receivedAt: number;
	status: number;
	limit?: number;
	remaining?: number;
	/** When Videsk's current window ends (`RateLimit-Reset`). */
	resetAt?: number;
	/** When Videsk allows the next request (`Retry-After`). */
	retryAt?: number;
}

function headerValue(headers: IDataObject, name: string): string | undefined {
	const value = headers[name];
	const first = Array.isArray(value) ? value[0] : value;
	return typeof first === 'string' || typeof first === 'number' ? String(first).trim() : undefined;
}

/** A non-negative decimal number, or undefined for anything else ("", "-1", "1e3", "abc"). */
function decimal(text: string | undefined): number | undefined {
	return text !== undefined && /^\d+(\.\d+)?$/.test(text) ? Number(text) : undefined;
}

/** `Retry-After` is either seconds or an HTTP date. */
export function parseRetryAfter(header: unknown): number | undefined {
	if (typeof header !== 'string' || header.trim() === '') return undefined;
	const seconds = Number(header);
	const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
	return Number.isNaN(ms) ? undefined : Math.max(ms, 0);
}

/**
 * Reads `RateLimit-Limit`, `-Remaining`, `-Reset` and `Retry-After` (headers as n8n gives them:
 * lower-case). `RateLimit-Reset` is taken as seconds from now, or as a Unix time when it is that
 * large (in seconds, or in ms); a reset in the past means now. Malformed values are ignored.
 */
export function readRateLimit(
	headers: IDataObject,
	status: number,
	receivedAt: number,
): RateLimitReading {
	const reading: RateLimitReading = { receivedAt, status };
	const limit = decimal(headerValue(headers, 'ratelimit-limit'));
	if (limit !== undefined && limit >= 1) reading.limit = Math.floor(limit);
	const remaining = decimal(headerValue(headers, 'ratelimit-remaining'));
	if (remaining !== undefined) reading.remaining = Math.floor(remaining);
	const reset = decimal(headerValue(headers, 'ratelimit-reset'));
	if (reset !== undefined) {
		const resetAt =
			reset >= EPOCH_MILLISECONDS_FROM
				? reset
				: reset >= EPOCH_SECONDS_FROM
					? reset * 1000
					: receivedAt + reset * 1000;
		reading.resetAt = Math.max(resetAt, receivedAt);
	}
	const retryAfterMs = parseRetryAfter(headerValue(headers, 'retry-after'));
	if (retryAfterMs !== undefined) reading.retryAt = receivedAt + retryAfterMs;
	return reading;
}

/** Why a request was not sent: Videsk's next turn is further away than the user's Timeout. */
export class RateLimitWaitTooLong extends Error {
	constructor(
		readonly waitMs: number,
		readonly timeoutMs: number,
		readonly figures: string,
	) {
		super('rate limit wait longer than the Timeout');
	}
}

interface Waiter {
	timeoutMs: number;
	resolve: (ticket: Ticket) => void;
	reject: (error: unknown) => void;
}

/** One request let through by a pacer: its place in the sending order, then what came back. */
export interface Ticket {
	pacer: RateLimitPacer;
	sequence: number;
	sentAt: number;
	reading?: RateLimitReading;
}

/** Videsk's window as last seen: `remaining` after request `sequence` (sent at `sentAt`). */
interface Window {
	sequence: number;
	sentAt: number;
	remaining: number;
	endsAt: number;
	/** Assumed (a new window after the last one ended), not yet read from Videsk. */
	assumed: boolean;
}

export class RateLimitPacer {
	/** 'probe': nothing known yet, one request at a time until an answer comes back. */
	private mode: 'probe' | 'window' | 'unlimited' | 'headerless' = 'probe';
	private probeOut = false;
	/** Unlimited mode: until then, as answers without `RateLimit-*` headers keep confirming. */
	private unlimitedUntil = 0;
	private limit?: number;
	private window?: Window;
	/** Nobody sends before this (a `Retry-After` without `RateLimit-Reset`). */
	private notBefore = 0;
	/** Headerless mode: requests a second, as of `rateSince`. */
	private rate = HEADERLESS_START_PER_SECOND;
	private rateSince = 0;
	private lastLimitedAt = 0;
	/** Requests a second that other processes send with this token, as Videsk's count shows. */
	private othersRate = 0;
	private sent = 0;
	/** Requests let through whose answer (or failure) has not come back yet. */
	private outstanding = 0;
	private lastSentAt = Number.NEGATIVE_INFINITY;
	private readonly queue: Waiter[] = [];
	private pumping = false;
	private wakeUp?: () => void;

	/** Waits for this request's turn. Rejects with RateLimitWaitTooLong past `timeoutMs`. */
	async acquire(timeoutMs: number, signal?: AbortSignal): Promise<Ticket> {
		return await new Promise<Ticket>((resolve, reject) => {
			if (signal?.aborted) return reject(signal.reason);
			// A stopped execution leaves the queue at once, wherever it waits in it.
			const onAbort = () => this.leave(waiter, signal?.reason);
			const done = () => signal?.removeEventListener('abort', onAbort);
			const waiter: Waiter = {
				timeoutMs,
				resolve: (ticket) => (done(), resolve(ticket)),
				reject: (error) => (done(), reject(error)),
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			// Fails at once if Videsk already asks for a longer wait, even while the pump sleeps.
			const now = Date.now();
			const demanded = this.demandedWaitMs(now);
			if (demanded > timeoutMs) {
				return waiter.reject(new RateLimitWaitTooLong(demanded, timeoutMs, this.describe(now)));
			}
			this.queue.push(waiter);
			void this.pump();
		});
	}

	private leave(waiter: Waiter, error: unknown) {
		const index = this.queue.indexOf(waiter);
		if (index === -1) return;
		this.queue.splice(index, 1);
		waiter.reject(error);
	}

	/** What came back for a ticket (no reading: the request got no HTTP answer). */
	observe(ticket: Ticket): void {
		this.outstanding -= 1;
		if (this.mode === 'probe') {
			this.probeOut = false;
			// A request that got no answer says nothing about the limit: stop probing for now.
			if (ticket.reading === undefined) {
				this.mode = 'unlimited';
				this.unlimitedUntil = Date.now() + WINDOW_MS;
			}
		}
		if (ticket.reading !== undefined) this.learn(ticket, ticket.reading);
		this.wakeUp?.();
	}

	/** Milliseconds until the next request may go; undefined: wait for an answer first. */
	delayMs(now: number): number | undefined {
		if (now < this.notBefore) return this.notBefore - now;
		switch (this.mode) {
			case 'probe':
				return this.probeOut ? undefined : 0;
			case 'unlimited':
				if (now < this.unlimitedUntil) return 0;
				// Idle for a window: the token may be limited now, so look again first.
				this.mode = 'probe';
				return this.probeOut ? undefined : 0;
			case 'headerless':
				if (now - this.lastLimitedAt >= HEADERLESS_QUIET_MS) {
					this.mode = 'probe';
					return this.probeOut ? undefined : 0;
				}
				return Math.max(0, this.lastSentAt + 1000 / this.headerlessRate(now) - now);
			case 'window': {
				const window = this.currentWindow(now);
				const budget = this.budget(window, now);
				if (budget <= 0) return window.endsAt - now;
				// Everything waiting fits in what is left: no need to spread it.
				if (this.queue.length <= budget) return 0;
				const interval = (window.endsAt - now) / (budget + 1);
				return Math.max(0, this.lastSentAt + interval - now);
			}
		}
	}

	/**
	 * The part of the wait that Videsk asked for (Retry-After, or none left until the reset),
	 * as opposed to the spacing this pacer chooses. Only this can exceed the Timeout.
	 */
	demandedWaitMs(now: number): number {
		const retry = Math.max(this.notBefore - now, 0);
		if (this.mode !== 'window' || this.window === undefined || now >= this.window.endsAt) {
			return retry;
		}
		return this.budget(this.window, now) <= 0 ? Math.max(retry, this.window.endsAt - now) : retry;
	}

	/** Videsk's count as of the last answer, less what was sent since, here and elsewhere. */
	private budget(window: Window, now: number) {
		return (
			window.remaining -
			(this.sent - window.sequence) -
			Math.floor((this.othersRate * (now - window.sentAt)) / 1000)
		);
	}

	/** Figures for an error: what Videsk said, and what this process is waiting to send. */
	describe(now: number): string {
		const said =
			now < this.notBefore
				? `Videsk asked (Retry-After) to send nothing before ${new Date(this.notBefore).toISOString()}`
				: this.window !== undefined
					? `Videsk's limit for this token is ${this.limit} requests (RateLimit-Limit), ${Math.max(this.window.remaining - (this.sent - this.window.sequence), 0)} left until ${new Date(this.window.endsAt).toISOString()}`
					: 'Videsk is limiting this token';
		return `${said}; ${this.queue.length} requests of this n8n process are waiting to be sent.`;
	}

	private currentWindow(now: number): Window {
		if (this.window === undefined || now >= this.window.endsAt) {
			// A new window: as much as Videsk's limit, until Videsk says otherwise. Requests whose
			// answers are still to come may have reached it already: they count against it (those
			// that failed without an answer do not, or a burst of them would block it for good).
			this.window = {
				sequence: this.sent - this.outstanding,
				sentAt: now,
				remaining: this.limit ?? 1,
				endsAt: now + WINDOW_MS,
				assumed: true,
			};
		}
		return this.window;
	}

	private learn({ sequence, sentAt }: Ticket, reading: RateLimitReading) {
		if (reading.remaining === undefined) {
			if (reading.status === 429) {
				this.slowDownWithoutHeaders(reading);
			} else if (this.mode === 'probe' || this.mode === 'unlimited') {
				this.mode = 'unlimited';
				this.unlimitedUntil = reading.receivedAt + WINDOW_MS;
			}
			return;
		}
		this.mode = 'window';
		this.limit = reading.limit ?? Math.max(this.limit ?? 0, reading.remaining + 1);
		const remaining = reading.status === 429 ? 0 : reading.remaining;
		const endsAt = reading.resetAt ?? reading.retryAt ?? reading.receivedAt + WINDOW_MS;
		const window = this.window;
		// Answers can arrive out of order: only the answer to a later request is news.
		if (window !== undefined && sequence <= window.sequence) return;
		const newWindow = window === undefined || window.assumed || remaining > window.remaining;
		if (!newWindow) this.learnOthersRate(window, sequence, sentAt, remaining);
		this.window = {
			sequence,
			sentAt,
			remaining,
			endsAt: newWindow ? endsAt : Math.min(window.endsAt, endsAt),
			assumed: false,
		};
	}

	/** What Videsk counted between two of this process's requests, less their own. */
	private learnOthersRate(window: Window, sequence: number, sentAt: number, remaining: number) {
		const elapsedMs = sentAt - window.sentAt;
		if (elapsedMs <= 0) return;
		const others = Math.max(window.remaining - remaining - (sequence - window.sequence), 0);
		const weight = Math.exp(-elapsedMs / OTHERS_RATE_TIME_CONSTANT_MS);
		this.othersRate = this.othersRate * weight + ((others * 1000) / elapsedMs) * (1 - weight);
	}

	private headerlessRate(now: number) {
		return this.rate + ((now - this.rateSince) / 1000) * HEADERLESS_STEP_PER_SECOND;
	}

	/**
	 * No `RateLimit-*` headers, only 429s: send at the documented rate after the first, halve it
	 * at each later one (once a window: answers already on their way say nothing new), and let
	 * it rise by a step a second in between, as TCP finds its share of a link. Quiet for
	 * HEADERLESS_QUIET_MS: back to sending freely.
	 */
	private slowDownWithoutHeaders(reading: RateLimitReading) {
		const now = reading.receivedAt;
		this.lastLimitedAt = now;
		if (this.mode === 'headerless' && now - this.rateSince < WINDOW_MS) return;
		this.rate =
			this.mode === 'headerless'
				? Math.max(this.headerlessRate(now) / 2, HEADERLESS_MIN_PER_SECOND)
				: HEADERLESS_START_PER_SECOND;
		this.mode = 'headerless';
		this.rateSince = now;
		this.notBefore = Math.max(this.notBefore, reading.retryAt ?? now + WINDOW_MS);
	}

	private async pump() {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.queue.length > 0) {
				const head = this.queue[0];
				const now = Date.now();
				const delay = this.delayMs(now);
				if (delay === 0) {
					this.queue.shift();
					this.sent += 1;
					this.outstanding += 1;
					this.lastSentAt = now;
					if (this.mode === 'probe') this.probeOut = true;
					head.resolve({ pacer: this, sequence: this.sent, sentAt: now });
					continue;
				}
				if (this.refuseWaitsPastTimeout(now)) continue;
				await this.sleepUnlessWoken(delay);
			}
		} finally {
			this.pumping = false;
		}
	}

	/**
	 * Everyone waiting would wait at least as long as Videsk asks: each whose Timeout is shorter
	 * fails now, with the figures. Returns whether any did.
	 */
	private refuseWaitsPastTimeout(now: number): boolean {
		const demanded = this.demandedWaitMs(now);
		const tooLong = this.queue.filter((waiter) => demanded > waiter.timeoutMs);
		if (tooLong.length === 0) return false;
		const figures = this.describe(now);
		for (const waiter of tooLong) {
			this.leave(waiter, new RateLimitWaitTooLong(demanded, waiter.timeoutMs, figures));
		}
		return true;
	}

	/** Sleeps `delayMs`, or until an answer comes back when there is nothing to wait for yet. */
	private async sleepUnlessWoken(delayMs: number | undefined) {
		if (delayMs !== undefined) {
			await sleep(delayMs);
			return;
		}
		await new Promise<void>((resolve) => (this.wakeUp = resolve));
		this.wakeUp = undefined;
	}
}

/** One pacer per credential and base URL in this n8n process (no token in the key). */
const pacers = new Map<string, RateLimitPacer>();

/**
 * The pacer for a Videsk credential at `baseUrl`. A credential is known by its ID, or by its
 * name where a workflow saved none (n8n before IDs), so two tokens never share a pacer.
 */
export function pacerFor(
	credential: Partial<INodeCredentialsDetails> | undefined,
	baseUrl: string,
): RateLimitPacer {
	const key = JSON.stringify([credential?.id ?? null, credential?.name ?? null, baseUrl]);
	let pacer = pacers.get(key);
	if (pacer === undefined) {
		pacer = new RateLimitPacer();
		pacers.set(key, pacer);
	}
	return pacer;
}
