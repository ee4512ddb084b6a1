// The model of the Videsk Rooms Trigger's promise, for the model-based test
// (trigger-model.test.mts), its kept counterexamples and the scale measurements: a history of
// changes to a Videsk account (the sandbox) interleaved with polls of both events, each run
// through n8n-core's real polling path (harness.mjs createPoller), and after every poll a check
// that every event is emitted exactly once.
import { expect } from 'vitest';
import {
	LATE_VISIBILITY_MS,
	MAX_LOOKUPS_PER_POLL,
} from '../../dist/nodes/VideskRooms/trigger/polling.js';
import { createPoller, type Poller } from './harness.mjs';
import type { Fault, Sandbox } from '../sandbox/server.mjs';

export type TriggerEvent = 'roomCreated' | 'roomEnded';
export const EVENTS: TriggerEvent[] = ['roomCreated', 'roomEnded'];

/**
 * The trigger's stated assumption: a room appears in Videsk's list less than LATE_VISIBILITY_MS
 * after its `createdAt` (and, with `updatedAt`, an end after its `updatedAt`). Histories make
 * rooms up to nearly that late.
 */
export const MAX_LAG_SECONDS = LATE_VISIBILITY_MS / 1000 - 1;

/**
 * A change to the account. `pick` chooses among the rooms it applies to, newest first (modulo
 * their count), so that small picks move the first pages.
 */
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
	/** The `request`-th request of the event's next poll, or its first lookup, gets this answer. */
	| { do: 'fault'; event: TriggerEvent; request: number | 'lookup'; answer: Answer }
	/** The change happens when the `request`-th request of the event's next poll arrives. */
	| { do: 'midPoll'; event: TriggerEvent; request: number; change: Change };

export interface Setup {
	/** The sandbox's silent `$limit` maximum: small pages make every poll read several. */
	pageSize: number;
	/** Rooms carry `updatedAt` (an assumption the trigger may use) or not (the docs' rooms). */
	updatedAt: boolean;
	/** Each event's External ID Prefix option: '' (every room) or 'p-'. */
	prefixes: Record<TriggerEvent, string>;
	/** Rooms the account has before the history starts, created `ageS` seconds earlier. */
	initial: Array<{ matching: boolean; ageS: number; ended: boolean }>;
}

const FAULTS: Record<Answer, Omit<Fault, 'match'>> = {
	'429': {
		status: 429,
		body: { name: 'TooManyRequests', message: 'Too many requests', code: 429 },
		// The trigger waits it out; 0 s keeps the test fast.
		headers: { 'Retry-After': '0' },
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
	createdAt: number;
	/** Its `updatedAt` once ended. */
	endedAt?: number;
	ended: boolean;
	purged: boolean;
	/** When it ended or was purged, as a position in the history's sequence. */
	leftOpenList?: number;
	/** When each event happened, as a position in the history's sequence. */
	happened: Partial<Record<TriggerEvent, number>>;
}

interface PollRecord {
	start: number;
	end: number;
	/** No injected fault hit this poll (changes during it are allowed). */
	clean: boolean;
	failed: boolean;
	requests: number;
	/** JSON characters of the trigger's static data after the poll. */
	stateSize: number;
}

interface Watcher {
	poller: Poller;
	prefix: string;
	polls: PollRecord[];
	emitted: Map<string, number>;
}

export class World {
	private clock: number;
	private seq = 0;
	/** The poll under way: `${event} ${number}`, and what it met so far. */
	private current: { poll: string; request: number; changes: number; faults: number } | undefined;
	private midPoll: Array<{ poll: string; request: number; change: Change }> = [];
	private faulted = new Set<string>();
	private settling = false;
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
		for (const { matching, ageS, ended } of [...setup.initial].sort((a, b) => b.ageS - a.ageS)) {
			const room = world.addRoom(matching, world.clock - ageS * 1000);
			if (ended) world.endRoom(room, room.createdAt);
		}
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
		const { poll, request } = this.current;
		for (const entry of this.midPoll) {
			if (entry.poll === poll && entry.request === request) {
				this.apply(entry.change);
				this.current.changes += 1;
			}
		}
	}

	async step(step: Step): Promise<void> {
		switch (step.do) {
			case 'poll':
				return await this.poll(step.event);
			case 'fault': {
				const poll = this.nextPoll(step.event);
				this.sandbox.fault({
					...FAULTS[step.answer],
					match: (request) => {
						const hit =
							!this.settling &&
							this.current?.poll === poll &&
							(step.request === 'lookup'
								? request.path !== '/vpaas/rooms'
								: this.current.request === step.request);
						if (hit) {
							this.faulted.add(poll);
							this.current!.faults += 1;
						}
						return hit;
					},
				});
				return;
			}
			case 'midPoll':
				this.midPoll.push({
					poll: this.nextPoll(step.event),
					request: step.request,
					change: step.change,
				});
				return;
			default:
				this.apply(step);
		}
	}

	private nextPoll(event: TriggerEvent) {
		return `${event} ${this.watchers[event].polls.length + 1}`;
	}

	private pickRoom(pick: number, usable: (room: ModelRoom) => boolean) {
		const candidates = this.rooms.filter(usable).reverse();
		candidates.sort((a, b) => b.createdAt - a.createdAt);
		return candidates.length ? candidates[pick % candidates.length] : undefined;
	}

	private addRoom(matching: boolean, createdAt: number): ModelRoom {
		const externalId = `${matching ? 'p' : 'q'}-${this.nextName++}`;
		this.sandbox.seed(1, () => ({ externalId, createdAt }));
		const room: ModelRoom = {
			id: this.sandbox.rooms().at(-1)!.id,
			externalId,
			matching,
			createdAt,
			ended: false,
			purged: false,
			happened: { roomCreated: ++this.seq },
		};
		this.rooms.push(room);
		return room;
	}

	private endRoom(room: ModelRoom, at: number) {
		this.sandbox.end(room.id, { at });
		room.endedAt = at;
		room.ended = true;
		room.happened.roomEnded = ++this.seq;
		room.leftOpenList ??= this.seq;
	}

	apply(change: Change): void {
		switch (change.do) {
			case 'advance':
				this.clock += change.seconds * 1000;
				return;
			case 'create':
				for (const { matching, lagS } of change.rooms) {
					this.addRoom(matching, this.clock - lagS * 1000);
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
				this.endRoom(room, this.clock - change.lagS * 1000);
				return;
			}
			case 'purge': {
				const room = this.pickRoom(change.pick, (r) => !r.purged);
				if (!room) return;
				this.sandbox.purge(room.id);
				room.purged = true;
				room.leftOpenList ??= ++this.seq;
			}
		}
	}

	private async poll(event: TriggerEvent) {
		const watcher = this.watchers[event];
		const id = this.nextPoll(event);
		const firstRequest = this.sandbox.requests.length;
		const cursor = watcher.poller.staticData().cursor as number | undefined;
		const unresolvedBefore = this.unresolved(event);
		this.current = { poll: id, request: 0, changes: 0, faults: 0 };
		const start = ++this.seq;
		let emitted: Array<Record<string, unknown>> = [];
		let failed = false;
		try {
			emitted = await watcher.poller.poll();
		} catch {
			failed = true;
		}
		const { changes, faults } = this.current;
		this.current = undefined;
		this.midPoll = this.midPoll.filter((entry) => entry.poll !== id);
		for (const room of emitted) {
			const roomId = String(room.id);
			watcher.emitted.set(roomId, (watcher.emitted.get(roomId) ?? 0) + 1);
		}
		const poll: PollRecord = {
			start,
			end: ++this.seq,
			clean: !this.faulted.has(id),
			failed,
			requests: this.sandbox.requests.length - firstRequest,
			stateSize: JSON.stringify(watcher.poller.staticData()).length,
		};
		watcher.polls.push(poll);
		this.check(event);
		const bounds = this.bounds(event, cursor, { changes, faults, unresolvedBefore });
		expect(poll.requests, `requests of poll ${id} (${event})`).toBeLessThanOrEqual(bounds.requests);
		expect(poll.stateSize, `state after poll ${id} (${event})`).toBeLessThanOrEqual(bounds.state);
	}

	/**
	 * What the README states a poll may cost. A poll reads the rooms from LATE_VISIBILITY_MS
	 * before its cursor (on activation: before the newest room), page by page; each change
	 * during the poll may cost a page read again, each failed answer a retry. The state keeps
	 * the IDs of one window's rooms, and without `updatedAt` those of the open rooms to watch.
	 */
	private bounds(
		event: TriggerEvent,
		cursor: number | undefined,
		during: { changes: number; faults: number; unresolvedBefore: number },
	) {
		const { pageSize } = this.setup;
		const overlap = Math.min(Math.ceil(pageSize / 10), pageSize - 1);
		const pages = (rooms: number) =>
			1 + Math.ceil(Math.max(0, rooms + 1 - pageSize) / (pageSize - overlap));
		const disturbances = 2 * during.changes + during.faults;
		const read = (times: number[]) =>
			cursor === undefined
				? busiest(times)
				: times.filter((time) => time >= cursor - LATE_VISIBILITY_MS).length;
		const kept = (times: number[]) =>
			STATE_BASE + ID_CHARACTERS * (busiest(times) + during.changes);
		const { prefix } = this.watchers[event];
		const matching = this.rooms.filter((room) => prefix === '' || room.matching);
		const created = (rooms: ModelRoom[]) => rooms.map((room) => room.createdAt);
		if (event === 'roomCreated') {
			return {
				requests: pages(read(created(this.rooms))) + disturbances,
				state: kept(created(matching)),
			};
		}
		const ended = (rooms: ModelRoom[]) =>
			rooms.flatMap((room) => (room.endedAt === undefined ? [] : [room.endedAt]));
		// On activation the trigger looks for `updatedAt` on the newest room (none: not used).
		if (this.watchers.roomEnded.poller.staticData().byUpdatedAt === true) {
			return {
				requests: 1 + pages(read(ended(this.rooms))) + disturbances,
				state: kept(ended(matching)),
			};
		}
		const open = this.rooms.filter((room) => !room.ended && !room.purged);
		// All open rooms are read on activation, and when a room left the open list since the
		// last successful poll started; otherwise their count is enough.
		const polls = this.watchers.roomEnded.polls.filter((poll) => !poll.failed);
		const since = polls.length > 1 ? polls[polls.length - 2].start : 0;
		const readAllOpen =
			cursor === undefined || this.rooms.some((room) => (room.leftOpenList ?? 0) > since);
		const unresolved = this.unresolved(event);
		const watched = open.filter((room) => matching.includes(room)).length + unresolved;
		return {
			requests:
				1 +
				2 * pages(read(created(this.rooms))) +
				(readAllOpen ? pages(open.length + during.changes) : 0) +
				Math.min(during.unresolvedBefore + during.changes, MAX_LOOKUPS_PER_POLL) +
				disturbances,
			state: kept(created(matching)) + ID_CHARACTERS * watched,
		};
	}

	/** One more poll of each event, with no fault and no change: every event is due by then. */
	async settle(): Promise<void> {
		this.settling = true;
		this.midPoll = [];
		for (const event of EVENTS) await this.poll(event);
	}

	/** Matching rooms gone from the open list whose end is not out yet: each may need a lookup. */
	private unresolved(event: TriggerEvent): number {
		const { emitted, prefix } = this.watchers[event];
		return this.rooms.filter(
			(room) =>
				(prefix === '' || room.matching) && (room.ended || room.purged) && !emitted.has(room.id),
		).length;
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
}

/** JSON characters per room ID in the state (24 hexadecimal characters, quotes, comma). */
const ID_CHARACTERS = 27;
/** The rest of the state: cursor, flags, counts. */
const STATE_BASE = 150;

/** The most times within one LATE_VISIBILITY_MS span: how many rooms one window can hold. */
function busiest(times: number[]): number {
	const sorted = [...times].sort((a, b) => a - b);
	let most = 0;
	for (let first = 0, last = 0; last < sorted.length; last += 1) {
		while (sorted[last] - sorted[first] > LATE_VISIBILITY_MS) first += 1;
		most = Math.max(most, last - first + 1);
	}
	return most;
}

/** Runs a history and settles it. */
export async function runHistory(sandbox: Sandbox, setup: Setup, steps: Step[]): Promise<World> {
	const world = await World.start(sandbox, setup);
	for (const step of steps) await world.step(step);
	await world.settle();
	return world;
}
