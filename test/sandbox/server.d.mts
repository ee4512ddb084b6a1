export interface LoggedRequest {
	number: number;
	/** When the sandbox received it (ms since the epoch). */
	receivedAt: number;
	method: string;
	rawPath: string;
	path: string;
	rawQuery: string;
	/** Parsed as Feathers parses it (qs): `$sort[createdAt]=-1` is `{ $sort: { createdAt: '-1' } }`. */
	query: Record<string, any>;
	headers: Record<string, string | string[] | undefined>;
	body: any;
	/** The status the sandbox answered with, once it has answered. */
	status?: number;
}

export interface Fault {
	nth?: number;
	method?: string;
	path?: string;
	match?: (request: LoggedRequest) => boolean;
	times?: number;
	status?: number;
	body?: unknown;
	/** An array sends the header once per value, as a proxy repeating it would. */
	headers?: Record<string, string | string[]>;
	contentType?: string;
	/**
	 * 'hang': never answers; 'reset': cuts the connection mid-body; 'trickle': Videsk's answer,
	 * its body one byte every `intervalMs`.
	 */
	kind?: 'hang' | 'reset' | 'trickle';
	intervalMs?: number;
	latencyMs?: number;
}

/** The sandbox's time: the Date header, rooms' times and ids, the rate limit, every wait. */
export interface Clock {
	now(): number;
	sleep(ms: number): Promise<void>;
}

/** The real time, and waits on Node's timers (the default clock). */
export const realClock: Clock;

export interface SandboxOptions {
	token?: string;
	expiredToken?: string;
	forbiddenToken?: string;
	seed?: number;
	maxPageSize?: number;
	maxLifetimeHours?: number;
	rateLimit?: {
		perSecond: number;
		retryAfter?: boolean;
		reset?: 'seconds' | 'fractional' | 'epoch';
		headers?: boolean;
		/** Videsk's clock this far ahead of this machine's (its `Date`, its Unix-time reset). */
		clockAheadMs?: number;
	};
	/** A delay before every answer. */
	latencyMs?: number;
	/** Every answer's body one byte every `trickleMs` (its status and headers at once). */
	trickleMs?: number;
	/** Rooms also carry `updatedAt` (an ASSUMPTION: the docs do not show it). */
	updatedAt?: boolean;
	/** Fields whose `$sort` the list ignores, answering in the stored order instead. */
	ignoredSorts?: string[];
	/** The sandbox's time (`realClock` unless setDefaultClock gave another). */
	clock?: Clock;
	/** The random numbers of `ties: 'shuffled'` (Math.random by default). */
	random?: () => number;
	/** How a room's id or externalId in the path reaches the service (README.md). */
	pathIds?: 'raw' | 'decoded';
	/** Which fields a list can filter and sort on: every room field, or only the documented. */
	querySchema?: 'lenient' | 'strict';
	/** Where a failed validation's details go: ajv's list in `data`, or by field in `errors`. */
	validationDetails?: 'data' | 'errors';
	/** The order of rooms equal on every `$sort` key: stored, or random on every query. */
	ties?: 'stable' | 'shuffled';
	/** Which room a path's text names when it is one room's id and another's externalId. */
	idResolution?: 'id-first' | 'externalId-first';
	/** The Date header this far off the clock (ahead when positive); a list: each answer the next. */
	dateSkewMs?: number | number[];
	/** No Date header at all. */
	dateMissing?: boolean;
	host?: string;
	port?: number;
}

export interface Sandbox {
	url: string;
	token: string;
	settings: Required<Pick<SandboxOptions, 'maxPageSize'>> & SandboxOptions;
	requests: LoggedRequest[];
	rooms(): Array<Record<string, any>>;
	/** Returns the IDs of the rooms it created, in order. */
	seed(
		count: number,
		make?: (index: number) => Record<string, unknown> & { createdAt?: number },
	): string[];
	end(roomId: string, options?: { at?: number }): void;
	update(roomId: string, fields: Record<string, unknown>, options?: { at?: number }): void;
	purge(roomId: string): void;
	onRequest(callback: ((request: LoggedRequest) => void | Promise<void>) | undefined): void;
	fault(fault: Fault): void;
	reset(): void;
	/** How many of its requests it is handling at this moment (see activeRequests). */
	active(): number;
	close(): Promise<void>;
}

export function startSandbox(options?: SandboxOptions): Promise<Sandbox>;

/**
 * How many requests the sandboxes of this process are handling at this moment: arrived, not yet
 * answered, and not waiting on the clock, on a test's `onRequest` or for nothing (a `hang`).
 */
export function activeRequests(): number;

/** Sets the clock of the sandboxes started from now on without a `clock`; returns the previous. */
export function setDefaultClock(clock: Clock): Clock;

/** Servers Videsk's docs allow, by name (README.md). */
export const VARIANTS: Record<string, SandboxOptions>;
/** Every option at its hardest for a client at once. */
export const STRICTEST: SandboxOptions;
