export interface LoggedRequest {
	number: number;
	/** When the sandbox received it (ms since the epoch). */
	receivedAt: number;
	method: string;
	rawPath: string;
	path: string;
	rawQuery: string;
	query: Record<string, string | Record<string, string>>;
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
	kind?: 'hang' | 'reset';
	latencyMs?: number;
}

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
	latencyMs?: number;
	/** Rooms also carry `updatedAt` (an ASSUMPTION: the docs do not show it). */
	updatedAt?: boolean;
	/** Fields whose `$sort` the list ignores, answering in the stored order instead. */
	ignoredSorts?: string[];
	/** The time (ms) the answers' Date header gives; the real time by default. */
	clock?: () => number;
	host?: string;
	port?: number;
}

export interface Sandbox {
	url: string;
	token: string;
	settings: Required<Pick<SandboxOptions, 'maxPageSize'>> & SandboxOptions;
	requests: LoggedRequest[];
	rooms(): Array<Record<string, any>>;
	seed(
		count: number,
		make?: (index: number) => Record<string, unknown> & { createdAt?: number },
	): void;
	end(roomId: string, options?: { at?: number }): void;
	update(roomId: string, fields: Record<string, unknown>, options?: { at?: number }): void;
	purge(roomId: string): void;
	onRequest(callback: ((request: LoggedRequest) => void | Promise<void>) | undefined): void;
	fault(fault: Fault): void;
	reset(): void;
	close(): Promise<void>;
}

export function startSandbox(options?: SandboxOptions): Promise<Sandbox>;
