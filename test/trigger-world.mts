// The model of the Videsk Rooms Trigger's promise, for the model-based test
// (trigger-model.test.mts), its kept counterexamples and the scale measurements: a history of
// changes to a Videsk account (the sandbox) interleaved with polls of both events, each run
// through n8n-core's real polling path (harness.mjs createPoller), and after every poll a check
// that every event is emitted exactly once.
import { expect } from 'vitest';
import { createPoller, type Poller } from './harness.mjs';
import type { Fault, Sandbox } from './sandbox/server.mjs';

export type TriggerEvent = 'roomCreated' | 'roomEnded';
export const EVENTS: TriggerEvent[] = ['roomCreated', 'roomEnded'];

/**
 * The trigger's stated assumption: a room appears in Videsk's list less than a minute after
 * its `createdAt` (and, with `updatedAt`, an end less than a minute after its `updatedAt`).
 * Histories only make rooms that late.
 */
export const MAX_LAG_SECONDS = 50;

/** A change to the account. `pick` chooses among the rooms it applies to (modulo their count). */
export type Change =
	| { do: 'create'; rooms: Array<{ matching: boolean; lagS: number }> }
	| { do: 'advance'; seconds: number }
	| { do: 'update'; pick: number }
	| { do: 'end'; pick: number; lagS: number }
	| { do: 'purge'; pick: number };

export type Answer = '429' | '503 html' | '200 html' | '200 empty' | '502 empty' | 'reset';

export type Step =
	| Change
	| { do: 'poll'; event: TriggerEvent }
	/** The `request`-th request of the next poll gets this answer. */
	| { do: 'fault'; request: number; answer: Answer }
	/** The change happens when the `request`-th request of the next poll arrives. */
	| { do: 'midPoll'; request: number; change: Change };

export interface Setup {
	/** The sandbox's silent `$limit` maximum: small pages make every poll read several. */
	pageSize: number;
	/** Rooms carry `updatedAt` (an assumption the trigger may use) or not (the docs' rooms). */
	updatedAt: boolean;
	/** Each event's External ID Prefix option: '' (every room) or 'p-'. */
	prefixes: Record<TriggerEvent, string>;
}

const FAULTS: Record<Answer, Omit<Fault, 'match'>> = {
	'429': {
		status: 429,
		body: { name: 'TooManyRequests', message: 'Too many requests', code: 429 },
		headers: { 'Retry-After': '1' },
	},
	'503 html': { status: 503, body: '<html><body><h1>503 Service Unavailable</h1></body></html>' },
	'200 html': {
		status: 200,
		body: '<html><body>Please wait while we check your browser</body></html>',
	},
	'200 empty': { status: 200, body: '', contentType: 'application/json' },
	'502 empty': { status: 502, body: '' },
	reset: { kind: 'reset' },
};

interface ModelRoom {
	id: string;
	externalId: string;
	matching: boolean;
	ended: boolean;
	purged: boolean;
	/** When each event happened, as a position in the history's sequence. */
	happened: Partial<Record<TriggerEvent, number>>;
}

interface PollRecord {
	start: number;
	end: number;
	/** No injected fault hit this poll (changes during it are allowed). */
	clean: boolean;
	requests: number;
	failed: boolean;
	stateSize: number;
}

interface Watcher {
	poller: Poller;
	prefix: string;
	polls: PollRecord[];
	emitted: Map<string, number>;
}

/** What a poll may cost, given the account as it was when the poll started. */
export type RequestBound = (input: {
	event: TriggerEvent;
	setup: Setup;
	rooms: number;
	midPollChanges: number;
}) => number;

export class World {
	private clock: number;
	private seq = 0;
	private pollCount = 0;
	private current: { id: number; request: number } | undefined;
	private midPoll: Array<{ poll: number; request: number; change: Change }> = [];
	private faulted = new Set<number>();
	private readonly rooms: ModelRoom[] = [];
	private readonly watchers = {} as Record<TriggerEvent, Watcher>;
	private nextName = 1;

	private constructor(
		private readonly sandbox: Sandbox,
		readonly setup: Setup,
	) {
		this.clock = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
	}

	static async start(sandbox: Sandbox, setup: Setup): Promise<World> {
		sandbox.reset();
		sandbox.settings.maxPageSize = setup.pageSize;
		sandbox.settings.updatedAt = setup.updatedAt;
		const world = new World(sandbox, setup);
		sandbox.onRequest(() => world.onRequest());
		for (const event of EVENTS) {
			world.watchers[event] = {
				poller: await createPoller({
					parameters: {
						event,
						...(setup.prefixes[event]
							? { options: { externalIdPrefix: setup.prefixes[event] } }
							: {}),
					},
					credentials: { apiToken: sandbox.token, baseUrl: sandbox.url },
				}),
				prefix: setup.prefixes[event],
				polls: [],
				emitted: new Map(),
			};
		}
		return world;
	}

	private onRequest() {
		if (!this.current) return;
		this.current.request += 1;
		const { id, request } = this.current;
		for (const entry of this.midPoll) {
			if (entry.poll === id && entry.request === request) this.apply(entry.change);
		}
	}

	async step(step: Step): Promise<void> {
		switch (step.do) {
			case 'poll':
				return await this.poll(step.event);
			case 'fault': {
				const poll = this.pollCount + 1;
				this.sandbox.fault({
					...FAULTS[step.answer],
					match: () => {
						const hit = this.current?.id === poll && this.current.request === step.request;
						if (hit) this.faulted.add(poll);
						return hit;
					},
				});
				return;
			}
			case 'midPoll':
				this.midPoll.push({ poll: this.pollCount + 1, request: step.request, change: step.change });
				return;
			default:
				this.apply(step);
		}
	}

	private pickRoom(pick: number, usable: (room: ModelRoom) => boolean) {
		const candidates = this.rooms.filter(usable);
		return candidates.length ? candidates[pick % candidates.length] : undefined;
	}

	apply(change: Change): void {
		switch (change.do) {
			case 'advance':
				this.clock += change.seconds * 1000;
				return;
			case 'create':
				for (const { matching, lagS } of change.rooms) {
					const externalId = `${matching ? 'p' : 'q'}-${this.nextName++}`;
					const createdAt = this.clock - lagS * 1000;
					this.sandbox.seed(1, () => ({ externalId, createdAt }));
					const stored = this.sandbox.rooms().at(-1)!;
					this.rooms.push({
						id: stored.id,
						externalId,
						matching,
						ended: false,
						purged: false,
						happened: { roomCreated: ++this.seq },
					});
				}
				return;
			case 'update': {
				const room = this.pickRoom(change.pick, (r) => !r.purged && !r.ended);
				if (room) this.sandbox.update(room.id, { name: `renamed ${this.seq}` }, { at: this.clock });
				return;
			}
			case 'end': {
				const room = this.pickRoom(change.pick, (r) => !r.purged && !r.ended);
				if (!room) return;
				this.sandbox.end(room.id, { at: this.clock - change.lagS * 1000 });
				room.ended = true;
				room.happened.roomEnded = ++this.seq;
				return;
			}
			case 'purge': {
				const room = this.pickRoom(change.pick, (r) => !r.purged);
				if (!room) return;
				this.sandbox.purge(room.id);
				room.purged = true;
				this.seq += 1;
			}
		}
	}

	private async poll(event: TriggerEvent) {
		const watcher = this.watchers[event];
		const id = ++this.pollCount;
		const firstRequest = this.sandbox.requests.length;
		this.current = { id, request: 0 };
		const start = ++this.seq;
		let emitted: Array<Record<string, unknown>> = [];
		let failed = false;
		try {
			emitted = await watcher.poller.poll();
		} catch {
			failed = true;
		}
		this.current = undefined;
		this.midPoll = this.midPoll.filter((entry) => entry.poll !== id);
		for (const room of emitted) {
			const roomId = String(room.id);
			watcher.emitted.set(roomId, (watcher.emitted.get(roomId) ?? 0) + 1);
		}
		watcher.polls.push({
			start,
			end: ++this.seq,
			clean: !this.faulted.has(id),
			requests: this.sandbox.requests.length - firstRequest,
			failed,
			stateSize: JSON.stringify(watcher.poller.staticData()).length,
		});
		this.check(event);
	}

	/** Every event once, nothing from before activation, nothing filtered out; and in time. */
	check(event: TriggerEvent): void {
		const { polls, emitted, prefix } = this.watchers[event];
		// A failed first poll fails the activation in n8n: the first successful poll activates.
		const activation = polls.find((poll) => !poll.failed);
		if (!activation) return;
		for (const room of this.rooms) {
			const count = emitted.get(room.id) ?? 0;
			const at = room.happened[event];
			const what = `${event} of ${room.externalId} (happened at ${at}, activation ${activation.start}–${activation.end})`;
			if (at === undefined || at < activation.start || (prefix !== '' && !room.matching)) {
				expect(count, `${what}: must not be emitted`).toBe(0);
				continue;
			}
			expect(count, `${what}: emitted more than once`).toBeLessThanOrEqual(1);
			const due =
				at > activation.end && !room.purged && polls.some((poll) => poll.clean && poll.start > at);
			if (due) expect(count, `${what}: not emitted by the first clean poll after it`).toBe(1);
		}
	}

	/** Polls of one event, for the bounds on state size and requests. */
	pollsOf(event: TriggerEvent): readonly PollRecord[] {
		return this.watchers[event].polls;
	}

	staticData(event: TriggerEvent) {
		return this.watchers[event].poller.staticData();
	}

	get roomCount(): number {
		return this.rooms.filter((room) => !room.purged).length;
	}
}

/**
 * Runs a history, then two more polls of each event: faults and changes are only ever set for
 * the next poll, so the last ones are clean and every event is due by then.
 */
export async function runHistory(sandbox: Sandbox, setup: Setup, steps: Step[]): Promise<World> {
	const world = await World.start(sandbox, setup);
	for (const step of [...steps, ...SETTLE]) await world.step(step);
	return world;
}

export const SETTLE: Step[] = [0, 1].flatMap(() =>
	EVENTS.map((event): Step => ({ do: 'poll', event })),
);
