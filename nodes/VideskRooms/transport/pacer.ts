import { createHash } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';
import { clock } from './clock';

// Pacing under Videsk's rate limit (about 20 requests a second per token). Videsk counts every
// request of a token, whichever n8n process sends it, and says where that count stands in its
// `RateLimit-*` headers. So each process paces its requests from those headers alone: several
// workers sharing a token see the same falling `RateLimit-Remaining` and slow down together,
// with no store shared between them. Inside one process, one pacer per token and base URL
// queues the requests of every execution, trigger poll and credential test, gives them turns
// round the executions (so that a small one never waits behind a big one), and sends them
// spread over what is left of Videsk's window.

/** Videsk's window where its headers do not say when it ends: "20 requests a second". */
const WINDOW_MS = 1000;
/**
 * The longest the pacer takes Videsk's word for at a time. A `RateLimit-Reset` or `Retry-After`
 * further away is no window of the per-second limit Videsk documents: a request whose Timeout
 * cannot cover it fails at once, and after this long one request checks whether it still holds.
 * Also the longest timer the pacer sets (Node holds none past 2^31 ms).
 */
export const LONGEST_WINDOW_MS = 60_000;
/** Waits Videsk states are read up to a century (a date holds that): longer means the same here. */
const LONGEST_STATED_MS = 100 * 365 * 24 * 3600 * 1000;
/**
 * A request count (`RateLimit-Limit`, `-Remaining`) above this is no count of a limit of about 20
 * requests a second, even over the longest window: it is not read (a new window assumed from
 * it would let that many go at once).
 */
const LARGEST_COUNT = 10_000;
/** `RateLimit-Reset` at least this large is a Unix time (2001 on), not seconds from now. */
const EPOCH_SECONDS_FROM = 1e9;
const EPOCH_MILLISECONDS_FROM = 1e12;
/** How quickly the estimate of other processes' sending follows what Videsk's counter shows. */
const OTHERS_RATE_TIME_CONSTANT_MS = 1000;
/** Without `RateLimit-*` headers, after a 429: the documented rate, and its rise per second. */
const HEADERLESS_START_PER_SECOND = 20;
const HEADERLESS_STEP_PER_SECOND = 2;
/** Without `RateLimit-*` headers: after this long without a 429, stop pacing. */
const HEADERLESS_QUIET_MS = 5000;

/** What one answer said about the token's rate limit. Times are ms on this machine's clock. */
export interface RateLimitReading {
	receivedAt: number;
	status: number;
	limit?: number;
	remaining?: number;
	/** When Videsk's current window ends (`RateLimit-Reset`), as stated (at most a century on). */
	resetAt?: number;
	/** When Videsk allows the next request (`Retry-After`), as stated (at most a century on). */
	retryAt?: number;
	/** Rate-limit headers that said nothing a rate limit can mean, as "Name: value". */
	unreadable: string[];
}

/** Seconds, whole or decimal; not "1e3", "0x1E", "-1", "Infinity". */
const SECONDS = /^\d+(\.\d+)?$/;
const COUNT = /^\d+$/;
/** An HTTP date: its three forms (RFC 9110) start with the day's name. */
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /;

/**
 * A header's values as n8n gives them (name in lower case): a repeated header comes as an array
 * or as one value listing them ("5, 7"); the comma after an HTTP date's day name is no list.
 */
function headerValues(headers: IDataObject, name: string): string[] {
	const value = headers[name.toLowerCase()];
	return (Array.isArray(value) ? value : [value])
		.filter((each) => typeof each === 'string' || typeof each === 'number')
		.flatMap((each) => String(each).split(/,(?! \d{2}[ -])/))
		.map((each) => each.trim())
		.filter((each) => each !== '');
}

/** The header's values that `parse` understands; the others are noted as unreadable. */
function readHeader(
	headers: IDataObject,
	name: string,
	parse: (text: string) => number | undefined,
	unreadable: string[],
): number[] {
	const values: number[] = [];
	for (const text of headerValues(headers, name)) {
		const value = parse(text);
		if (value === undefined) unreadable.push(`${name}: ${JSON.stringify(text)}`);
		else values.push(value);
	}
	return values;
}

const httpDate = (text: string) => {
	const ms = HTTP_DATE.test(text) ? Date.parse(text) : Number.NaN;
	return Number.isFinite(ms) ? ms : undefined;
};

/**
 * How far Videsk's clock is ahead of this machine's, from the `Date` header of its answers
 * (whole seconds, when the answer was made). An answer sent at `sentAt`, received at
 * `receivedAt`, with `Date` D puts it between D − receivedAt and D + 1 s − sentAt; the answers
 * seen narrow that range (to about an answer's latency). The estimate is none while the range
 * allows it (clocks in step stay in step), else its lower end: a reset read from it is then
 * never early. A range that no longer meets the new answer's means a clock was set: start again.
 */
export class ServerClock {
	private low = Number.NEGATIVE_INFINITY;
	private high = Number.POSITIVE_INFINITY;

	offsetMs(date: number | undefined, sentAt: number, receivedAt: number): number {
		if (date === undefined) return 0;
		const low = date - receivedAt;
		const high = date + 1000 - sentAt;
		if (low > this.high || high < this.low) [this.low, this.high] = [low, high];
		else [this.low, this.high] = [Math.max(this.low, low), Math.min(this.high, high)];
		return this.low > 0 || this.high < 0 ? this.low : 0;
	}
}

/**
 * Reads `RateLimit-Limit`, `-Remaining`, `-Reset` and `Retry-After`. `RateLimit-Reset` is
 * seconds from now, or a Unix time when it is that large (in seconds, or in ms), set against the
 * answer's own `Date` (`serverClock`), not this machine's; `Retry-After` is seconds or an HTTP date,
 * likewise. Several values: the strictest (fewest requests, latest time). Counts are whole
 * numbers up to LARGEST_COUNT, times from now to a century on; anything else is unreadable.
 */
export function readRateLimit(
	headers: IDataObject,
	status: number,
	{ sentAt, receivedAt }: { sentAt: number; receivedAt: number },
	serverClock = new ServerClock(),
): RateLimitReading {
	const unreadable: string[] = [];
	const reading: RateLimitReading = { receivedAt, status, unreadable };
	const count = (text: string) =>
		COUNT.test(text) && Number(text) <= LARGEST_COUNT ? Number(text) : undefined;
	const [date] = readHeader(headers, 'Date', httpDate, []);
	let offset: number | undefined;
	/** A time Videsk's clock gives, on this machine's. */
	const local = (ms: number) => ms - (offset ??= serverClock.offsetMs(date, sentAt, receivedAt));
	const within = (at: number) => Math.min(Math.max(at, receivedAt), receivedAt + LONGEST_STATED_MS);

	const limits = readHeader(headers, 'RateLimit-Limit', count, unreadable);
	if (limits.length > 0 && Math.min(...limits) >= 1) reading.limit = Math.min(...limits);
	const remaining = readHeader(headers, 'RateLimit-Remaining', count, unreadable);
	if (remaining.length > 0) reading.remaining = Math.min(...remaining);
	const resets = readHeader(
		headers,
		'RateLimit-Reset',
		(text) => {
			if (!SECONDS.test(text)) return undefined;
			const value = Number(text);
			if (value >= EPOCH_MILLISECONDS_FROM) return within(local(value));
			if (value >= EPOCH_SECONDS_FROM) return within(local(value * 1000));
			return within(receivedAt + value * 1000);
		},
		unreadable,
	);
	if (resets.length > 0) reading.resetAt = Math.max(...resets);
	const retries = readHeader(
		headers,
		'Retry-After',
		(text) => {
			if (SECONDS.test(text)) return within(receivedAt + Number(text) * 1000);
			const at = httpDate(text);
			return at === undefined ? undefined : within(local(at));
		},
		unreadable,
	);
	if (retries.length > 0) reading.retryAt = Math.max(...retries);
	return reading;
}

/**
 * Until when a 429 asks that nothing be sent: its `Retry-After`, or the `RateLimit-Reset` when
 * that comes sooner within the whole second `Retry-After` is rounded to.
 */
export function retryAfterUntil({ retryAt, resetAt }: RateLimitReading): number | undefined {
	if (retryAt === undefined) return undefined;
	return resetAt !== undefined && resetAt <= retryAt && retryAt - resetAt < 1000
		? resetAt
		: retryAt;
}

/** Why a request was not sent: Videsk's headers put its turn further away than its Timeout. */
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
	flow: object;
	resolve: (ticket: Ticket) => void;
	reject: (error: unknown) => void;
}

/** One request let through by a pacer: its place in the sending order. */
export interface Ticket {
	sequence: number;
	sentAt: number;
}

/** Videsk's window as last seen: `remaining` after request `sequence` (sent at `sentAt`). */
interface Window {
	sequence: number;
	sentAt: number;
	remaining: number;
	/** When Videsk says the window ends. */
	statedEndsAt: number;
	/** When the pacer takes it to end: at most LONGEST_WINDOW_MS after Videsk said so. */
	endsAt: number;
	/** Assumed (a new window after the last one ended), not yet read from Videsk. */
	assumed: boolean;
	/** Assumed while Videsk's stated window goes on: one request checks it. */
	checking: boolean;
}

/** Videsk asked (Retry-After) that nothing be sent before `until`. */
interface Hold {
	until: number;
	/** When one request checks whether it still holds: at most LONGEST_WINDOW_MS on. */
	checkAt: number;
	/** Requests sent before it was known: their answers say nothing about it. */
	sequence: number;
}

const time = (ms: number) => new Date(ms).toISOString();

export class RateLimitPacer {
	/** 'probe': nothing known yet, one request at a time until an answer comes back. */
	private mode: 'probe' | 'window' | 'unlimited' | 'headerless' = 'probe';
	/** A probe, or a check of a wait Videsk stated, is out: the others wait for its answer. */
	private probeOut = false;
	/** When the others stop waiting for the probe's answer: after the probe's own Timeout. */
	private probeGivenUpAt = 0;
	/** Unlimited mode: until then, as answers without `RateLimit-*` headers keep confirming. */
	private unlimitedUntil = 0;
	private limit?: number;
	private window?: Window;
	private hold?: Hold;
	/** Headerless mode: requests a second, as of `rateSince`. */
	private rate = HEADERLESS_START_PER_SECOND;
	private rateSince = 0;
	private lastLimitedAt = 0;
	/** Requests a second that other processes send with this token, as Videsk's count shows. */
	private othersRate = 0;
	private readonly serverClock = new ServerClock();
	private sent = 0;
	/** Requests let through whose answer (or failure) has not come back yet. */
	private outstanding = 0;
	private lastSentAt = Number.NEGATIVE_INFINITY;
	private lastActiveAt = clock.now();
	/** The waiting requests of each flow (an execution's node run, a poll), in turn order. */
	private readonly flows = new Map<object, Waiter[]>();
	private waiting = 0;
	private pumping = false;
	private wakeUp?: () => void;

	/**
	 * Waits for this request's turn: the flows (`flow`: its execution, or its poll) take turns,
	 * one request each. Rejects with RateLimitWaitTooLong at once when Videsk's headers put its
	 * turn further away than `timeoutMs`, and with the signal's reason when it is aborted.
	 */
	async acquire(flow: object, timeoutMs: number, signal?: AbortSignal): Promise<Ticket> {
		return await new Promise<Ticket>((resolve, reject) => {
			if (signal?.aborted) return reject(signal.reason);
			// A stopped execution leaves the queue at once, wherever it waits in it.
			const onAbort = () => this.leave(waiter, signal?.reason);
			const done = () => signal?.removeEventListener('abort', onAbort);
			const waiter: Waiter = {
				timeoutMs,
				flow,
				resolve: (ticket) => (done(), resolve(ticket)),
				reject: (error) => (done(), reject(error)),
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			const queue = this.flows.get(flow);
			if (queue === undefined) this.flows.set(flow, [waiter]);
			else queue.push(waiter);
			this.waiting += 1;
			this.wake();
		});
	}

	/**
	 * What came back for a ticket: Videsk's answer, or nothing (the request got no HTTP answer).
	 * Returns what the answer's headers said.
	 */
	observe(
		ticket: Ticket,
		answer?: { statusCode: number; headers: IDataObject },
	): RateLimitReading | undefined {
		const now = clock.now();
		this.outstanding -= 1;
		this.lastActiveAt = now;
		const reading =
			answer &&
			readRateLimit(
				answer.headers,
				answer.statusCode,
				{ sentAt: ticket.sentAt, receivedAt: now },
				this.serverClock,
			);
		if (this.probeOut) {
			this.probeOut = false;
			if (reading === undefined) this.probeUnanswered(now);
		}
		if (reading !== undefined) this.learn(ticket, reading);
		this.wake();
		return reading;
	}

	/** A probe that got no answer (or none within its Timeout) says nothing about the limit. */
	private probeUnanswered(now: number) {
		if (this.mode === 'probe') {
			this.mode = 'unlimited';
			this.unlimitedUntil = now + WINDOW_MS;
		}
	}

	/**
	 * Milliseconds until the probe out no longer holds the others: 0 when none is. One that never
	 * settles (its HTTP client lost it) holds them no longer than its own Timeout.
	 */
	private untilProbeBack(now: number): number {
		if (this.probeOut && now >= this.probeGivenUpAt) {
			this.probeOut = false;
			this.probeUnanswered(now);
		}
		return this.probeOut ? this.probeGivenUpAt - now : 0;
	}

	/** Nothing waits, nothing is out, and nothing has happened for a window's longest. */
	idle(now: number): boolean {
		return (
			this.waiting === 0 && this.outstanding === 0 && now - this.lastActiveAt >= LONGEST_WINDOW_MS
		);
	}

	private leave(waiter: Waiter, error: unknown) {
		const queue = this.flows.get(waiter.flow);
		const index = queue?.indexOf(waiter) ?? -1;
		if (queue === undefined || index === -1) return;
		queue.splice(index, 1);
		if (queue.length === 0) this.flows.delete(waiter.flow);
		this.waiting -= 1;
		waiter.reject(error);
	}

	/** Milliseconds until the next request may go (woken sooner by an answer). */
	private delayMs(now: number): number {
		const hold = this.hold;
		if (hold !== undefined) {
			if (now < hold.checkAt) return hold.checkAt - now;
			if (now < hold.until) return this.untilProbeBack(now);
			this.hold = undefined;
		}
		switch (this.mode) {
			case 'probe':
				return this.untilProbeBack(now);
			case 'unlimited':
				if (now < this.unlimitedUntil) return 0;
				// Idle for a window: the token may be limited now, so look again first.
				this.mode = 'probe';
				return this.untilProbeBack(now);
			case 'headerless':
				if (now - this.lastLimitedAt >= HEADERLESS_QUIET_MS) {
					this.mode = 'probe';
					return this.untilProbeBack(now);
				}
				return Math.max(0, this.lastSentAt + 1000 / this.headerlessRate(now) - now);
			case 'window': {
				const window = this.currentWindow(now);
				const budget = this.budget(window, now);
				if (budget <= 0) return window.endsAt - now;
				// Everything waiting fits in what is left: no need to spread it.
				if (this.waiting <= budget) return 0;
				const interval = (window.endsAt - now) / (budget + 1);
				return Math.max(0, this.lastSentAt + interval - now);
			}
		}
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
	private describe(now: number): string {
		const { hold, window } = this;
		let said = 'Videsk is limiting this token';
		let checkAt: number | undefined;
		if (hold !== undefined && now < hold.until) {
			said = `Videsk asked (Retry-After) to send nothing before ${time(hold.until)}`;
			if (hold.until > hold.checkAt) checkAt = Math.max(hold.checkAt, now);
		} else if (this.mode === 'window' && window !== undefined) {
			const left = Math.max(window.remaining - (this.sent - window.sequence), 0);
			said = `Videsk's limit for this token is ${this.limit} requests (RateLimit-Limit), ${left} left until ${time(window.statedEndsAt)}`;
			if (window.statedEndsAt > window.endsAt) checkAt = Math.max(window.endsAt, now);
		}
		const check =
			checkAt === undefined
				? ''
				: ` (longer than the ${LONGEST_WINDOW_MS / 1000} s any window of its rate limit lasts: one request checks at ${time(checkAt)} whether it still holds)`;
		return `${said}${check}; ${this.waiting} requests of this n8n process are waiting to be sent.`;
	}

	private currentWindow(now: number): Window {
		const previous = this.window;
		if (previous === undefined || now >= previous.endsAt) {
			// Videsk's window goes on past what the pacer takes its word for: one request checks.
			const checking = previous !== undefined && previous.statedEndsAt > now;
			// A new window: as much as Videsk's limit, until Videsk says otherwise. Requests whose
			// answers are still to come may have reached it already: they count against it (those
			// that failed without an answer do not, or a burst of them would block it for good).
			this.window = {
				sequence: this.sent - this.outstanding,
				sentAt: now,
				remaining: checking ? 1 : (this.limit ?? 1),
				statedEndsAt: checking ? previous.statedEndsAt : now + WINDOW_MS,
				endsAt: now + (checking ? LONGEST_WINDOW_MS : WINDOW_MS),
				assumed: true,
				checking,
			};
		}
		return this.window!;
	}

	private learn({ sequence, sentAt }: Ticket, reading: RateLimitReading) {
		const until = retryAfterUntil(reading);
		const hold = this.hold;
		// An answer to a request sent while Videsk held the token (a check) says whether it still does.
		const checked = hold !== undefined && sequence > hold.sequence;
		if (reading.status === 429 && until !== undefined) {
			this.holdUntil(until, checked, reading.receivedAt);
		} else if (checked) {
			this.hold = undefined;
		}
		if (reading.remaining === undefined) {
			if (reading.status === 429) {
				this.slowDownWithoutHeaders(reading);
			} else if (this.mode === 'probe' || this.mode === 'unlimited' || this.window?.checking) {
				this.mode = 'unlimited';
				this.unlimitedUntil = reading.receivedAt + WINDOW_MS;
			}
			return;
		}
		this.mode = 'window';
		this.limit = reading.limit ?? this.limit;
		// A 429 means none is left, whatever its RateLimit-Remaining says.
		const remaining = reading.status === 429 ? 0 : reading.remaining;
		const statedEndsAt = reading.resetAt ?? reading.retryAt ?? reading.receivedAt + WINDOW_MS;
		const endsAt = Math.min(statedEndsAt, reading.receivedAt + LONGEST_WINDOW_MS);
		const window = this.window;
		const newWindow = window === undefined || window.assumed || remaining > window.remaining;
		if (!newWindow) this.learnOthersRate(window, sequence, sentAt, remaining);
		this.window = {
			sequence,
			sentAt,
			remaining,
			// Within a window, the earliest end any answer stated: a reset in seconds, rounded up,
			// would otherwise move it later with each answer (with other processes on the token too).
			statedEndsAt: newWindow ? statedEndsAt : Math.min(window.statedEndsAt, statedEndsAt),
			endsAt: newWindow ? endsAt : Math.min(window.endsAt, endsAt),
			assumed: false,
			checking: false,
		};
	}

	/** Holds the token until `until`: a check's answer replaces the hold, others only lengthen it. */
	private holdUntil(until: number, replace: boolean, receivedAt: number) {
		const hold = this.hold;
		if (hold !== undefined && !replace && until <= hold.until) return;
		this.hold = {
			until,
			checkAt: Math.min(until, receivedAt + LONGEST_WINDOW_MS),
			sequence: this.sent,
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
			this.mode === 'headerless' ? this.headerlessRate(now) / 2 : HEADERLESS_START_PER_SECOND;
		this.mode = 'headerless';
		this.rateSince = now;
	}

	private wake() {
		this.wakeUp?.();
		void this.pump();
	}

	private async pump() {
		if (this.pumping) return;
		this.pumping = true;
		try {
			while (this.waiting > 0) {
				const now = clock.now();
				const delay = this.delayMs(now);
				if (delay === 0) {
					this.send(now);
					continue;
				}
				if (this.refuseWaitsPastTimeout(now)) continue;
				await this.sleepUnlessWoken(delay);
			}
		} finally {
			this.pumping = false;
		}
	}

	/** Lets the next request go: the first flow's first, then that flow waits behind the others. */
	private send(now: number) {
		const [flow, queue] = this.flows.entries().next().value!;
		const waiter = queue.shift()!;
		this.flows.delete(flow);
		if (queue.length > 0) this.flows.set(flow, queue);
		this.waiting -= 1;
		this.sent += 1;
		this.outstanding += 1;
		this.lastSentAt = now;
		this.lastActiveAt = now;
		if (this.mode === 'probe' || this.hold !== undefined || this.window?.checking) {
			this.probeOut = true;
			this.probeGivenUpAt = now + waiter.timeoutMs;
		}
		waiter.resolve({ sequence: this.sent, sentAt: now });
	}

	/** The waiting requests in the order they will be sent. */
	private inTurnOrder(): Waiter[] {
		const order: Waiter[] = [];
		let queues = [...this.flows.values()];
		for (let round = 0; queues.length > 0; round += 1) {
			for (const queue of queues) order.push(queue[round]);
			queues = queues.filter((queue) => queue.length > round + 1);
		}
		return order;
	}

	/**
	 * Fails at once each waiting request whose turn Videsk's headers put further away than its
	 * Timeout: every one while Videsk holds the token (Retry-After), and, while the window's
	 * `RateLimit-Reset` is further away, those for which what is left of it does not reach.
	 * While the request checking a wait Videsk stated is out, all wait for its answer instead.
	 * Returns whether any did.
	 */
	private refuseWaitsPastTimeout(now: number): boolean {
		if (this.probeOut && (this.hold !== undefined || this.window?.checking)) return false;
		const held = this.hold === undefined ? 0 : this.hold.until - now;
		const window = this.mode === 'window' ? this.window : undefined;
		const untilReset = window === undefined ? 0 : window.statedEndsAt - now;
		const budget = window === undefined ? Number.POSITIVE_INFINITY : this.budget(window, now);
		const figures = this.describe(now);
		let refused = false;
		this.inTurnOrder().forEach((waiter, position) => {
			const wait = Math.max(held, position >= budget ? untilReset : 0);
			if (wait <= waiter.timeoutMs) return;
			this.leave(waiter, new RateLimitWaitTooLong(wait, waiter.timeoutMs, figures));
			refused = true;
		});
		return refused;
	}

	/** Sleeps `delayMs` (at most LONGEST_WINDOW_MS), or until woken. */
	private async sleepUnlessWoken(delayMs: number) {
		const woken = new Promise<void>((resolve) => (this.wakeUp = resolve));
		await Promise.race([woken, clock.sleep(Math.min(Math.max(delayMs, 0), LONGEST_WINDOW_MS))]);
		this.wakeUp = undefined;
	}
}

/** The pacers of this n8n process, by pacerKey. Idle ones are dropped (see pacerFor). */
const pacers = new Map<string, RateLimitPacer>();
let sweptAt = 0;

/**
 * What a pacer is known by: the token as sent (trimmed) and the base URL, written one way
 * (`http://x/` and `http://x` are one). Videsk limits each token, so two credentials with one
 * token share a pacer. The token is kept only as its SHA-256 digest.
 */
export function pacerKey(apiToken: string, baseUrl: string): string {
	const url = new URL(baseUrl);
	return createHash('sha256')
		.update(JSON.stringify([apiToken, `${url.origin}${url.pathname}`.replace(/\/+$/, '')]))
		.digest('base64url');
}

/**
 * The pacer for `key`. At most once a window's longest, pacers idle that long are dropped: all
 * they knew is out of date, and a new one starts by asking Videsk.
 */
export function pacerFor(key: string): RateLimitPacer {
	const now = clock.now();
	if (now - sweptAt >= LONGEST_WINDOW_MS) {
		sweptAt = now;
		for (const [each, pacer] of pacers) if (pacer.idle(now)) pacers.delete(each);
	}
	let pacer = pacers.get(key);
	if (pacer === undefined) {
		pacer = new RateLimitPacer();
		pacers.set(key, pacer);
	}
	return pacer;
}
