import { sleep } from 'n8n-workflow';

// Where the nodes' time comes from: every wait (pacing, retries, a request's deadline) and every
// reading of the time goes through `clock`, so that tests run the nodes on a clock of their own
// (test/support/clock.mts) instead of waiting in real time.

export interface Clock {
	now(): number;
	/** Resolves after `ms`, or as soon as `signal` aborts. */
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	/**
	 * The timeout given to n8n's HTTP client for an attempt that has `ms` on this clock. It is only
	 * a backstop, in real time: the attempt's deadline (a `sleep`) is what ends it. On the real
	 * clock, `ms` itself; a clock that is not real time gives 0 (none), so that a real timer never
	 * ends an attempt before its time on that clock.
	 */
	httpTimeoutMs(ms: number): number;
}

export const clock: Clock = {
	now: () => Date.now(),
	async sleep(ms, signal) {
		if (signal?.aborted) return;
		let stop = () => {};
		const aborted = new Promise<void>((resolve) => (stop = resolve));
		signal?.addEventListener('abort', stop, { once: true });
		try {
			await Promise.race([sleep(ms), aborted]);
		} finally {
			signal?.removeEventListener('abort', stop);
		}
	},
	httpTimeoutMs: (ms) => ms,
};
