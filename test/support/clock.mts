// A virtual clock for the tests of the unit and model tiers: the product (transport/clock.ts) and
// the sandbox (its `clock` option) read the time from it and wait on it, so that no test waits in
// real time for a rate-limit window, a retry's backoff, a Retry-After or a request's deadline,
// and what happens in what order is exact.
//
// A discrete-event clock: `now()` is virtual; `sleep(ms)` sets a timer at now + ms. Time moves on
// to the earliest timer, and fires it, only when nothing else can happen first:
// - no sandbox request is being handled (`activeRequests()`: the sandbox counts a request from its
//   arrival to its answer, except while it waits on this clock or for nothing, as a `hang` does);
// - no bytes are on their way between two sockets of this process (every connection to the
//   sandbox has both its ends here: what one end wrote and the other, still open, has not read
//   yet), no connection is being made, and no other I/O is under way (a file read, a DNS lookup);
// - and the event loop has settled: QUIET_TURNS turns of it in a row in which none of the above
//   changed and nothing read the clock or set a timer, so that what an answer sets off (n8n's
//   routing, the node's pacer) has run.
// A request that never gets an answer still ends: its deadline is a timer on this clock.
import diagnostics from 'node:diagnostics_channel';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import path from 'node:path';
import { afterAll } from 'vitest';
import { activeRequests, setDefaultClock, type Clock } from '../sandbox/server.mjs';
import { PACKAGE_DIR } from './harness.mjs';

/** Turns of the event loop with nothing new before time moves on. */
const QUIET_TURNS = 10;
/** Turns spent waiting on I/O after which the clock looks again each millisecond, not each turn. */
const SPIN_TURNS = 200;
/** The longest a Node timer holds. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;
/** Real time waiting on I/O after which the clock says what it waits for (once). */
const STALL_MS = 5_000;

/** The product's clock (transport/clock.ts), the module instance n8n-core loaded. */
export interface ProductClock {
	now(): number;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
	httpTimeoutMs(ms: number): number;
}

export function productClock(): ProductClock {
	const module = createRequire(import.meta.url)(
		path.join(PACKAGE_DIR, 'dist/nodes/VideskRooms/transport/clock.js'),
	) as { clock: ProductClock };
	return module.clock;
}

interface Timer {
	at: number;
	sequence: number;
	fire(): void;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const millisecond = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

export class VirtualClock implements Clock {
	private time: number;
	/** Pending timers, earliest first (those set for one instant in the order they were set). */
	private readonly timers: Timer[] = [];
	private sequence = 0;
	/** Bumped by everything done with the clock: readings, timers set, fired or aborted. */
	private activity = 0;
	private driving = false;
	private stopped = false;
	readonly startedAt: number;

	/**
	 * Starts at the last whole second by default: where a test falls in a second (Videsk's Date
	 * header has seconds) is the same on every run.
	 */
	constructor(start = Math.floor(Date.now() / 1000) * 1000) {
		this.time = start;
		this.startedAt = start;
	}

	now(): number {
		this.activity += 1;
		return this.time;
	}

	/** Virtual milliseconds since the clock started. */
	elapsed(): number {
		return this.time - this.startedAt;
	}

	/**
	 * Resolves once the clock reaches now + `ms`, or as soon as `signal` aborts. Longer than Node's
	 * timers hold (2^31 − 1 ms), it warns and lasts 1 ms, as setTimeout does.
	 */
	sleep(ms: number, signal?: AbortSignal): Promise<void> {
		this.activity += 1;
		if (signal?.aborted) return Promise.resolve();
		return new Promise<void>((resolve) => {
			let delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
			if (delay > LONGEST_TIMER_MS) {
				process.emitWarning(
					`${ms} does not fit into a 32-bit signed integer.\nTimeout duration was set to 1.`,
					'TimeoutOverflowWarning',
				);
				delay = 1;
			}
			const onAbort = () => {
				const index = this.timers.indexOf(timer);
				if (index !== -1) this.timers.splice(index, 1);
				this.activity += 1;
				resolve();
			};
			const timer: Timer = {
				at: this.time + delay,
				sequence: (this.sequence += 1),
				fire: () => {
					signal?.removeEventListener('abort', onAbort);
					resolve();
				},
			};
			signal?.addEventListener('abort', onAbort, { once: true });
			this.insert(timer);
			this.drive();
		});
	}

	/** No real-time timeout for the HTTP client: each attempt's deadline on this clock ends it. */
	httpTimeoutMs(): number {
		return 0;
	}

	/** How many timers are pending. */
	pending(): number {
		return this.timers.length;
	}

	/** Resolves when nothing can happen without time moving on (see the top of this file). */
	async settled(): Promise<void> {
		let quiet = 0;
		let waiting = 0;
		let waitingSince = 0;
		let mark = this.fingerprint();
		while (quiet < QUIET_TURNS) {
			await (waiting > SPIN_TURNS ? millisecond() : turn());
			const now = this.fingerprint();
			const busy = activeRequests() > 0 || transit.busy() || ioPending();
			if (!busy) waiting = 0;
			else if (waiting++ === 0) waitingSince = Date.now();
			else if (waitingSince > 0 && Date.now() - waitingSince > STALL_MS) {
				waitingSince = 0;
				console.warn(
					`The virtual clock has waited ${STALL_MS / 1000} s (real time) for: ${activeRequests()} sandbox requests being handled, ${transit.busy() ? 'bytes not yet read at one end of a connection (an answer nobody reads?)' : 'no bytes on their way'}, I/O under way: ${process.getActiveResourcesInfo().join(', ')}.`,
				);
			}
			if (busy || now !== mark) {
				mark = now;
				quiet = 0;
			} else {
				quiet += 1;
			}
		}
	}

	/** Stops the clock: its pending timers never fire, and no later one will. */
	stop() {
		this.stopped = true;
		this.timers.length = 0;
	}

	private insert(timer: Timer) {
		let low = 0;
		let high = this.timers.length;
		while (low < high) {
			const middle = (low + high) >> 1;
			if (this.timers[middle].at <= timer.at) low = middle + 1;
			else high = middle;
		}
		this.timers.splice(low, 0, timer);
	}

	private fingerprint(): string {
		return `${this.activity} ${transit.bytes()} ${activeRequests()}`;
	}

	/** Fires the timers one at a time, each when everything before it has happened. */
	private drive() {
		if (this.driving || this.stopped) return;
		this.driving = true;
		void (async () => {
			try {
				while (this.timers.length > 0 && !this.stopped) {
					await this.settled();
					const timer = this.timers.shift();
					if (timer === undefined || this.stopped) break;
					this.time = Math.max(this.time, timer.at);
					this.activity += 1;
					timer.fire();
				}
			} finally {
				this.driving = false;
			}
		})();
	}
}

/** I/O the event loop waits for that is not a socket's (a file read, a DNS lookup…). */
function ioPending(): boolean {
	return process
		.getActiveResourcesInfo()
		.some((resource) =>
			/^(FSReq|GetAddrInfo|GetNameInfo|Query|.*Connect|Shutdown|Write)/.test(resource),
		);
}

/** One end of a TCP connection of this process. */
interface End {
	socket: Socket;
	/** `client>server` addresses, once connected. */
	key?: string;
	closed: boolean;
	read: number;
	written: number;
}

/**
 * The TCP connections of this process, both their ends, as Node's diagnostics channels report
 * them (`net.client.socket` for every connection made, http's and fetch's alike;
 * `net.server.socket` for every one the sandbox accepts).
 */
class Transit {
	private readonly ends = new Set<End>();
	private readonly pairs = new Map<string, { client?: End; server?: End }>();
	private users = 0;

	private readonly onClient = (message: unknown) =>
		this.track((message as { socket: Socket }).socket, 'client');
	private readonly onServer = (message: unknown) =>
		this.track((message as { socket: Socket }).socket, 'server');

	start() {
		if (this.users++ > 0) return;
		diagnostics.subscribe('net.client.socket', this.onClient);
		diagnostics.subscribe('net.server.socket', this.onServer);
	}

	stop() {
		if (--this.users > 0) return;
		diagnostics.unsubscribe('net.client.socket', this.onClient);
		diagnostics.unsubscribe('net.server.socket', this.onServer);
		this.ends.clear();
		this.pairs.clear();
	}

	private track(socket: Socket, role: 'client' | 'server') {
		const end: End = { socket, closed: false, read: 0, written: 0 };
		this.ends.add(end);
		const pair = () => {
			const { localAddress, localPort, remoteAddress, remotePort } = socket;
			if (localPort === undefined || remotePort === undefined) return;
			const local = `${localAddress}:${localPort}`;
			const remote = `${remoteAddress}:${remotePort}`;
			end.key = role === 'client' ? `${local}>${remote}` : `${remote}>${local}`;
			const ends = this.pairs.get(end.key) ?? {};
			ends[role] = end;
			this.pairs.set(end.key, ends);
		};
		if (socket.connecting) socket.once('connect', pair);
		else pair();
		socket.once('close', () => {
			end.read = socket.bytesRead;
			end.written = socket.bytesWritten;
			end.closed = true;
			this.ends.delete(end);
		});
	}

	/** All bytes read and written so far by the ends still open. */
	bytes(): number {
		let total = 0;
		for (const { socket } of this.ends) total += socket.bytesRead + socket.bytesWritten;
		return total;
	}

	/** Whether anything is on its way between two ends of this process. */
	busy(): boolean {
		for (const { socket } of this.ends) if (socket.connecting && !socket.destroyed) return true;
		for (const [key, { client, server }] of this.pairs) {
			if (client === undefined || server === undefined) {
				// Its peer is not in this process (or never connected): nothing to wait for.
				if ((client ?? server)!.closed) this.pairs.delete(key);
				continue;
			}
			if (client.closed && server.closed) {
				this.pairs.delete(key);
				continue;
			}
			const [clientRead, clientWritten] = counts(client);
			const [serverRead, serverWritten] = counts(server);
			if (!server.closed && clientWritten > serverRead) return true;
			if (!client.closed && serverWritten > clientRead) return true;
		}
		return false;
	}
}

function counts(end: End): [number, number] {
	return end.closed ? [end.read, end.written] : [end.socket.bytesRead, end.socket.bytesWritten];
}

const transit = new Transit();

/**
 * A virtual clock for this test file, from now until its last test: the product's clock and the
 * clock of every sandbox started without one of its own are it. Starts at the real time's last
 * whole second.
 */
export function useVirtualClock(start?: number): VirtualClock {
	const clock = new VirtualClock(start);
	const product = productClock();
	const saved = { ...product };
	Object.assign(product, {
		now: () => clock.now(),
		sleep: (ms: number, signal?: AbortSignal) => clock.sleep(ms, signal),
		httpTimeoutMs: () => clock.httpTimeoutMs(),
	});
	const previous = setDefaultClock(clock);
	transit.start();
	afterAll(() => {
		Object.assign(product, saved);
		setDefaultClock(previous);
		transit.stop();
		clock.stop();
	});
	return clock;
}
