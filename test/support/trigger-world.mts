// The model of the Videsk Rooms Trigger's promise, for the model-based test
// (trigger.model.test.mts), its kept counterexamples (trigger.examples.test.mts) and the scale
// measurements: a Videsk account (the sandbox) and two triggers (two workflows) watching it,
// each polled through n8n-core's real polling path (harness.mjs createPoller), with what n8n and
// Videsk do to them in between: rooms created (also with a createdAt missing, unreadable or ahead
// of Videsk's clock), renamed, ended, purged; `updatedAt` appearing and disappearing; a server
// ignoring a sort; failing answers, also for several polls in a row; latency and rate limits;
// polls that overlap (n8n's default scheduler does not wait for the last one), test polls (Fetch
// Test Event) between them, options changed, workflows deactivated and activated again with
// their static data as n8n saved it (through JSON). After every poll it checks the guarantees.
import { expect } from 'vitest';
import { SIMPLIFIED_FIELDS } from '../../dist/nodes/VideskRooms/fields/output.js';
import { LATE_VISIBILITY_MS } from '../../dist/nodes/VideskRooms/trigger/list.js';
import {
	LOOKUP_FAILURES_REPORTED,
	MAX_LOOKUPS_PER_POLL,
} from '../../dist/nodes/VideskRooms/trigger/lookups.js';
import { productClock } from './clock.mjs';
import { createPoller, type Poller } from './harness.mjs';
import { VARIANTS, type Fault, type Sandbox, type SandboxOptions } from '../sandbox/server.mjs';

/** A reading of the world's time, as the nodes' clock: it keeps the clock it runs on. */
type WorldTime = (() => number) & { base: () => number };

/**
 * Servers Videsk's docs allow (the sandbox's VARIANTS), a proxy or an app server whose clock is
 * 10 minutes fast in the Date header (with rooms created there ahead: OddCreatedAt), and servers
 * behind a load balancer whose clocks differ by minutes, the Date going back between answers.
 */
export const SERVERS: Record<string, SandboxOptions> = {
	...VARIANTS,
	fastProxy: { dateSkewMs: 10 * 60_000 },
	clocksApart: { dateSkewMs: [0, -300_000, 0, -90_000, -90_000] },
};
export const SERVER_NAMES = Object.keys(SERVERS);

export type TriggerEvent = 'roomCreated' | 'roomEnded';
export const EVENTS: TriggerEvent[] = ['roomCreated', 'roomEnded'];
const LABELS: Record<TriggerEvent, string> = {
	roomCreated: 'Room Created',
	roomEnded: 'Room Ended',
};

/** Two triggers, each in a workflow of its own, with a credential of its own. */
export type WatcherName = 'first' | 'second';
export const WATCHERS: WatcherName[] = ['first', 'second'];

export interface Options {
	event: TriggerEvent;
	/** The External ID Prefix option: '' (every room) or 'p-' (the rooms made `matching`). */
	prefix: '' | 'p-';
}

/**
 * The trigger's stated assumption: a room appears in Videsk's list less than LATE_VISIBILITY_MS
 * after its `createdAt`. Histories make rooms up to nearly that late.
 */
export const MAX_LAG_SECONDS = LATE_VISIBILITY_MS / 1000 - 1;

/** A creation time Videsk gives wrongly: none, one that is not a date, or one 10 min ahead. */
export type OddCreatedAt = 'missing' | 'unreadable' | 'ahead';
const UNREADABLE = ['not a date', '', '2026-13-45T25:61:00.000Z'];
const AHEAD_MS = 10 * 60_000;
/** The shortest Poll Times n8n offers: every minute. */
const POLL_INTERVAL_MS = 60_000;
/** What n8n's poll context answers to getPollBudgetMs by default. */
const DEFAULT_POLL_BUDGET_MS = 5 * 60_000;

/**
 * A change to the account. `pick` chooses among the rooms it applies to, newest first (modulo
 * their count), so that small picks move the first pages.
 */
export type Change =
	| {
			do: 'create';
			rooms: Array<{ matching: boolean; lagS: number; createdAt?: OddCreatedAt }>;
	  }
	| { do: 'advance'; seconds: number }
	/** This many rooms with one createdAt (a bulk import, a clean-up's replacements). */
	| { do: 'createTie'; count: number; matching: boolean }
	| { do: 'update'; pick: number }
	| { do: 'end'; pick: number; lagS: number }
	| { do: 'purge'; pick: number }
	/**
	 * A clean-up: this share of the open rooms, oldest first, ended (a workflow ending expired
	 * rooms with the node's End) or purged, at once.
	 */
	| { do: 'cleanUp'; share: number; purge: boolean }
	/** Videsk starts or stops sending `updatedAt` (on every room). */
	| { do: 'updatedAt'; sent: boolean }
	/** The list ignores `$sort` on these fields from now on (none: honours it again). */
	| { do: 'sort'; ignored: Array<'createdAt' | 'updatedAt'> }
	/** Every answer takes this long from now on. */
	| { do: 'latency'; ms: number }
	/** Videsk's rate limit (requests a second per token), or none. */
	| { do: 'rateLimit'; perSecond: number | null };

export type Answer =
	| '429'
	| '503 html'
	| '200 html'
	| '200 empty'
	| '502 empty'
	| 'reset'
	/** Never answered; the body a byte every 2 s: the poll's deadline ends it. */
	| 'hang'
	| 'trickle';

export type Step =
	| Change
	| { do: 'poll'; watcher: WatcherName }
	/** Fetch Test Event in the editor. */
	| { do: 'manual'; watcher: WatcherName }
	/**
	 * While the watcher's next poll waits for its `request`-th answer, n8n starts another poll of
	 * it, and the builder fetches a test event.
	 */
	| { do: 'overlap'; watcher: WatcherName; request: number }
	/**
	 * The durable scheduler: a poll, and another that read the cursor before the first one's
	 * commit (which n8n does not wait for); the default scheduler: two polls.
	 */
	| { do: 'beforeCommit'; watcher: WatcherName }
	/** The trigger's options changed (and published). */
	| { do: 'options'; watcher: WatcherName; options: Options }
	| { do: 'deactivate'; watcher: WatcherName }
	| { do: 'activate'; watcher: WatcherName }
	/** The `request`-th request of each of the watcher's next `polls` polls gets this answer. */
	| { do: 'fault'; watcher: WatcherName; request: number; answer: Answer; polls: number }
	/** Every lookup of one room gets this answer during the next `polls` polls of Room Ended. */
	| { do: 'failLookup'; pick: number; answer: Answer; polls: number }
	/** The change happens when the `request`-th request of the watcher's next poll arrives. */
	| { do: 'midPoll'; watcher: WatcherName; request: number; change: Change };

export interface Setup {
	/** The sandbox's silent `$limit` maximum: small pages make every poll read several. */
	pageSize: number;
	/** Rooms carry `updatedAt` when the history starts. */
	updatedAt: boolean;
	options: Record<WatcherName, Options>;
	/** Rooms the account has before the history starts, created `ageS` seconds earlier. */
	initial: Array<{ matching: boolean; ageS: number; ended: boolean }>;
	/** And this many open rooms created over the 70 hours before: a large account. */
	bulk: number;
	/** How n8n keeps the static data between polls (harness.mjs). */
	scheduler: 'default' | 'durable';
	/** What n8n's poll context answers to getPollBudgetMs (undefined: n8n's default, 5 min). */
	budgetMs?: number;
	/** The server Videsk runs (SERVERS; the sandbox's defaults, a Feathers 5 app, by default). */
	server?: string;
	/** Seeds the order of ties where the server gives them in another order for each query. */
	seed?: number;
	/** Where in its second the world's time starts (Videsk's Date header counts whole seconds). */
	phaseMs?: number;
}

/** A small deterministic generator of numbers in [0, 1) (mulberry32). */
function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
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
	hang: { kind: 'hang' },
	trickle: { kind: 'trickle', intervalMs: 2_000 },
};

export const EXAMPLE_ID = '000000000000000000000000';

interface ModelRoom {
	id: string;
	externalId: string;
	matching: boolean;
	/** When it was created (ms), whatever Videsk shows. */
	createdAt: number;
	odd?: OddCreatedAt;
	/** When it ended (ms): its `updatedAt` then. */
	endedAt?: number;
	purgedAt?: number;
	/** When each event happened, as a position in the history's sequence. */
	happened: Partial<Record<TriggerEvent, number>>;
}

interface PollRecord {
	start: number;
	end: number;
	epoch: number;
	/** Succeeded and met nothing that may delay an event: no fault, a sorted list. */
	clean: boolean;
	failed: boolean;
}

/** The options a trigger had from `start` on, and the poll that (re)built its state for them. */
interface Epoch {
	options: Options;
	start: number;
	activation?: { start: number; end: number };
}

interface Watcher {
	poller: Poller;
	options: Options;
	active: boolean;
	epochs: Epoch[];
	polls: PollRecord[];
	/** Rooms emitted, by `${event} ${room ID}`. */
	emitted: Map<string, number>;
	/** Per room, the polls in a row in which its lookup failed. */
	lookupFailures: Map<string, number>;
	/**
	 * The end of the last poll that succeeded on a list the server did not sort by createdAt with
	 * a short poll time: cut before it met rooms out of order, it may have moved past rooms it did
	 * not reach (README), so events of rooms created before then are not required.
	 */
	partlyReadUnsorted: number;
}

interface ListFault {
	watcher: WatcherName;
	request: number;
	polls: number;
}

interface LookupFault {
	roomId: string;
	polls: number;
}

let histories = 0;

/** What the histories generated and met, summed over every run. */
export const tally = new Map<string, number>();
function count(kind: string, by = 1) {
	tally.set(kind, (tally.get(kind) ?? 0) + by);
}

/** The tally as one line per kind. */
export function tallyLines(): string[] {
	return [...tally].sort(([a], [b]) => a.localeCompare(b)).map(([kind, n]) => `${kind}: ${n}`);
}

export class World {
	/** How far the world's time is from its clock's: hours behind, moved on by `advance`. */
	private offsetMs = -10 * 3_600_000;
	/** The clock the world runs on: the test file's virtual clock, as the nodes had it. */
	private base: () => number = Date.now;
	private seq = 0;
	/** The poll under way: which, and what it met so far. */
	private current:
		| {
				watcher: WatcherName;
				poll: string;
				/** The world's time when the poll started. */
				startedAt: number;
				request: number;
				changes: number;
				/** The longest the world's time jumped while the poll ran: one request lasted that long. */
				longestAdvanceMs: number;
				faults: number;
				lookupsFailed: Set<string>;
		  }
		| undefined;
	/** Inside an overlapping poll started during another poll. */
	private nested = false;
	/** A test poll started during another poll. */
	private beside: Promise<Array<Record<string, unknown>>> | undefined;
	private midPoll: Array<{ poll: string; request: number; change: Change }> = [];
	private overlaps: Array<{ poll: string; request: number }> = [];
	private listFaults: ListFault[] = [];
	private lookupFaults: LookupFault[] = [];
	private faulted = new Set<string>();
	private settling = false;
	private readonly rooms: ModelRoom[] = [];
	private readonly byId = new Map<string, ModelRoom>();
	private readonly watchers = {} as Record<WatcherName, Watcher>;
	private nextName = 1;

	private constructor(
		private readonly sandbox: Sandbox,
		readonly setup: Setup,
	) {}

	/**
	 * The world's time: Videsk's (the sandbox's) and n8n's (the nodes') alike. It runs with the
	 * test file's clock, hours behind it (a room "ahead" stays behind it too), and `advance` moves
	 * it on for both.
	 */
	get clock(): number {
		return this.base() + this.offsetMs;
	}

	static async start(sandbox: Sandbox, setup: Setup): Promise<World> {
		sandbox.reset();
		const server = SERVERS[setup.server ?? 'feathers5'];
		Object.assign(sandbox.settings, server, { random: seededRandom(setup.seed ?? 1) });
		count(`setup: server ${setup.server ?? 'feathers5'}`);
		// A token of its own: what the credential's pacer learnt in another history stays there.
		sandbox.settings.token = `history-${++histories}`;
		sandbox.settings.maxPageSize = setup.pageSize;
		sandbox.settings.updatedAt = setup.updatedAt;
		const world = new World(sandbox, setup);
		const nodes = productClock();
		const installed = nodes.now as Partial<WorldTime>;
		world.base = installed.base ?? nodes.now;
		world.offsetMs += (setup.phaseMs ?? 0) - (((world.clock % 1000) + 1000) % 1000);
		const time = Object.assign(() => world.clock, { base: world.base });
		nodes.now = time;
		sandbox.settings.clock = { now: time, sleep: (ms: number) => nodes.sleep(ms) };
		sandbox.onRequest(() => world.onRequest());
		world.addBulk(setup.bulk);
		for (const { matching, ageS, ended } of [...setup.initial].sort((a, b) => b.ageS - a.ageS)) {
			const room = world.addRoom(matching, world.clock - ageS * 1000);
			if (ended) world.endRoom(room, room.createdAt);
		}
		for (const name of WATCHERS) {
			const options = setup.options[name];
			world.watchers[name] = {
				poller: await createPoller({
					parameters: parametersOf(options),
					credentials: { apiToken: sandbox.settings.token!, baseUrl: sandbox.url },
					budgetMs: setup.budgetMs,
					scheduler: setup.scheduler,
				}),
				options,
				active: true,
				epochs: [{ options, start: world.seq }],
				polls: [],
				emitted: new Map(),
				lookupFailures: new Map(),
				partlyReadUnsorted: 0,
			};
		}
		count(`setup: scheduler ${setup.scheduler}`);
		count(`setup: budget ${setup.budgetMs === undefined ? 'n8n default' : `${setup.budgetMs} ms`}`);
		if (setup.bulk > 0) count('setup: account of thousands of rooms');
		return world;
	}

	private async onRequest() {
		if (!this.current || this.nested) return;
		this.current.request += 1;
		const { poll, request: number } = this.current;
		for (const entry of this.midPoll) {
			if (entry.poll === poll && entry.request === number) {
				this.apply(entry.change);
				this.current.changes += 1;
				if (entry.change.do === 'advance') {
					const { longestAdvanceMs } = this.current;
					this.current.longestAdvanceMs = Math.max(longestAdvanceMs, entry.change.seconds * 1000);
				}
			}
		}
		if (this.overlaps.some((entry) => entry.poll === poll && entry.request === number)) {
			// A poll past its deadline holds no later one back (guard.ts): that one would run.
			const budgetMs = this.setup.budgetMs ?? DEFAULT_POLL_BUDGET_MS;
			if (this.clock >= this.current.startedAt + budgetMs)
				count('overlap after the deadline: none');
			else await this.overlap(this.current.watcher);
		}
	}

	async step(step: Step): Promise<void> {
		count(`step: ${step.do}`);
		switch (step.do) {
			case 'poll':
				return await this.poll(step.watcher);
			case 'manual':
				return await this.manual(step.watcher);
			case 'overlap':
				this.overlaps.push({ poll: this.nextPoll(step.watcher), request: step.request });
				return await this.poll(step.watcher);
			case 'beforeCommit':
				return await this.poll(step.watcher, this.setup.scheduler === 'durable');
			case 'options':
				return this.changeOptions(step.watcher, step.options);
			case 'deactivate':
				this.watchers[step.watcher].active = false;
				return;
			case 'activate':
				return this.activate(step.watcher);
			case 'fault':
				return this.addListFault(step);
			case 'failLookup':
				return this.addLookupFault(step);
			case 'midPoll':
				this.midPoll.push({
					poll: this.nextPoll(step.watcher),
					request: step.request,
					change: step.change,
				});
				return;
			default:
				this.apply(step);
		}
	}

	private nextPoll(name: WatcherName) {
		return `${name} ${this.watchers[name].polls.length + 1}`;
	}

	private addListFault(step: Extract<Step, { do: 'fault' }>) {
		const entry: ListFault = { watcher: step.watcher, request: step.request, polls: step.polls };
		this.listFaults.push(entry);
		if (step.polls > 1) count('fault lasting several polls');
		this.sandbox.fault({
			...FAULTS[step.answer],
			times: Number.POSITIVE_INFINITY,
			match: () => {
				const hit =
					!this.settling &&
					!this.nested &&
					entry.polls > 0 &&
					this.current?.watcher === entry.watcher &&
					this.current.request === entry.request;
				if (hit) this.hit();
				return hit;
			},
		});
	}

	private addLookupFault(step: Extract<Step, { do: 'failLookup' }>) {
		// A room that is still open: it may end (and so be looked up) while its lookups fail.
		const room = this.pickRoom(step.pick, (r) => r.purgedAt === undefined && !r.endedAt);
		if (!room) return;
		const entry: LookupFault = { roomId: room.id, polls: step.polls };
		this.lookupFaults.push(entry);
		this.sandbox.fault({
			...FAULTS[step.answer],
			times: Number.POSITIVE_INFINITY,
			path: `/vpaas/rooms/${room.id}`,
			match: () => {
				const hit = !this.settling && !this.nested && entry.polls > 0 && this.current !== undefined;
				if (hit) {
					this.hit();
					this.current!.lookupsFailed.add(room.id);
				} else {
					// Answered (a retry beside a test event, which no fault aims at): the lookup did not fail.
					this.current?.lookupsFailed.delete(room.id);
				}
				return hit;
			},
		});
	}

	private hit() {
		this.faulted.add(this.current!.poll);
		this.current!.faults += 1;
		count('fault answered');
	}

	private changeOptions(name: WatcherName, options: Options) {
		const watcher = this.watchers[name];
		if (options.event === watcher.options.event && options.prefix === watcher.options.prefix) {
			return;
		}
		count(
			options.event === watcher.options.event
				? 'options: prefix changed'
				: 'options: event changed',
		);
		watcher.options = options;
		// Options no poll saw are as if never set: the trigger compares its state's with its own.
		const { epochs } = watcher;
		if (!epochs[epochs.length - 1].activation && epochs.length > 1) epochs.pop();
		const last = epochs[epochs.length - 1].options;
		if (last.event !== options.event || last.prefix !== options.prefix) {
			epochs.push({ options, start: ++this.seq });
		}
		// Published, the change activates the workflow again with its saved static data; in an
		// inactive workflow, it is what a test event uses.
		watcher.poller.reactivate(parametersOf(options));
	}

	private activate(name: WatcherName) {
		const watcher = this.watchers[name];
		if (watcher.active) return;
		count('reactivation (static data through JSON)');
		watcher.active = true;
		watcher.poller.reactivate(parametersOf(watcher.options));
	}

	private pickRoom(pick: number, usable: (room: ModelRoom) => boolean) {
		const candidates = this.rooms.filter(usable).reverse();
		candidates.sort((a, b) => b.createdAt - a.createdAt);
		return candidates.length ? candidates[pick % candidates.length] : undefined;
	}

	private addRoom(matching: boolean, createdAt: number): ModelRoom {
		const externalId = `${matching ? 'p' : 'q'}-${this.nextName++}`;
		const [id] = this.sandbox.seed(1, () => ({ externalId, createdAt }));
		const room: ModelRoom = {
			id,
			externalId,
			matching,
			createdAt,
			happened: { roomCreated: ++this.seq },
		};
		this.rooms.push(room);
		this.byId.set(room.id, room);
		return room;
	}

	/** Open rooms created over the 70 hours before the history (not matching any prefix). */
	private addBulk(rooms: number) {
		if (rooms === 0) return;
		const first = this.clock - 70 * 3_600_000;
		const createdAt = (index: number) => first + Math.floor((index * 69 * 3_600_000) / rooms);
		const name = this.nextName;
		this.nextName += rooms;
		const externalId = (index: number) => `q-bulk-${name + index}`;
		const ids = this.sandbox.seed(rooms, (index) => ({
			externalId: externalId(index),
			createdAt: createdAt(index),
		}));
		for (const [index, id] of ids.entries()) {
			const room = {
				id,
				externalId: externalId(index),
				matching: false,
				createdAt: createdAt(index),
				happened: {},
			};
			this.rooms.push(room);
			this.byId.set(id, room);
		}
	}

	private endRoom(room: ModelRoom, at: number) {
		this.sandbox.end(room.id, { at });
		room.endedAt = at;
		room.happened.roomEnded = ++this.seq;
	}

	apply(change: Change): void {
		switch (change.do) {
			case 'advance':
				this.offsetMs += change.seconds * 1000;
				return;
			case 'createTie': {
				// Rooms created in one millisecond: a tie on createdAt, maybe across page boundaries.
				count('tie group created', 1);
				count('rooms in tie groups', change.count);
				const createdAt = this.clock;
				for (let index = 0; index < change.count; index += 1) {
					this.addRoom(change.matching, createdAt);
				}
				return;
			}
			case 'create':
				for (const { matching, lagS, createdAt } of change.rooms) {
					const room = this.addRoom(matching, this.clock - lagS * 1000);
					if (createdAt) this.makeOdd(room, createdAt);
				}
				return;
			case 'update': {
				const room = this.pickRoom(change.pick, (r) => r.purgedAt === undefined && !r.endedAt);
				if (room) this.sandbox.update(room.id, { name: `renamed ${this.seq}` }, { at: this.clock });
				return;
			}
			case 'end': {
				const room = this.pickRoom(change.pick, (r) => r.purgedAt === undefined && !r.endedAt);
				if (room) this.endRoom(room, this.clock - change.lagS * 1000);
				return;
			}
			case 'cleanUp': {
				const open = this.rooms.filter((r) => r.purgedAt === undefined && !r.endedAt);
				open.sort((a, b) => a.createdAt - b.createdAt);
				const rooms = open.slice(0, Math.ceil(open.length * change.share));
				count(`clean-up: rooms ${change.purge ? 'purged' : 'ended'}`, rooms.length);
				for (const room of rooms) {
					if (!change.purge) this.endRoom(room, this.clock);
					else {
						this.sandbox.purge(room.id);
						room.purgedAt = ++this.seq;
					}
				}
				return;
			}
			case 'purge': {
				const room = this.pickRoom(change.pick, (r) => r.purgedAt === undefined);
				if (!room) return;
				this.sandbox.purge(room.id);
				room.purgedAt = ++this.seq;
				return;
			}
			case 'updatedAt':
				count(`updatedAt ${change.sent ? 'appears' : 'disappears'}`);
				this.sandbox.settings.updatedAt = change.sent;
				for (const room of this.rooms) {
					if (room.purgedAt !== undefined) continue;
					if (change.sent) this.sandbox.update(room.id, {}, { at: room.endedAt ?? room.createdAt });
					else this.sandbox.update(room.id, { updatedAt: undefined });
				}
				return;
			case 'sort':
				count(`sort ignored: ${change.ignored.join(', ') || 'none'}`);
				this.sandbox.settings.ignoredSorts = change.ignored;
				return;
			case 'latency':
				this.sandbox.settings.latencyMs = change.ms;
				return;
			case 'rateLimit':
				this.sandbox.settings.rateLimit =
					change.perSecond === null ? undefined : { perSecond: change.perSecond };
		}
	}

	private makeOdd(room: ModelRoom, odd: OddCreatedAt) {
		count(`createdAt ${odd}`);
		room.odd = odd;
		const createdAt = {
			missing: undefined,
			unreadable: UNREADABLE[room.externalId.length % UNREADABLE.length],
			ahead: new Date(this.clock + AHEAD_MS).toISOString(),
		}[odd];
		this.sandbox.update(room.id, { createdAt }, { at: room.createdAt });
	}

	/** Fetch Test Event: one room, real (of the current options) or the example; nothing moves. */
	private async manual(name: WatcherName) {
		const watcher = this.watchers[name];
		const { event, prefix } = watcher.options;
		const before = JSON.stringify(watcher.poller.staticData());
		const items = await watcher.poller.poll('manual');
		expect(items, `${name}: a test event`).toHaveLength(1);
		expect(JSON.stringify(watcher.poller.staticData()), `${name}: a test moves nothing`).toBe(
			before,
		);
		const [item] = items;
		const candidates = this.rooms.filter(
			(room) =>
				room.purgedAt === undefined &&
				(prefix === '' || room.matching) &&
				(event === 'roomCreated' || room.endedAt !== undefined),
		);
		if (item.id === EXAMPLE_ID) {
			count('test event: example');
			expect(item.example).toMatch(new RegExp(`^${LABELS[event]}: .* not a real room\\.`));
			if (this.rooms.length <= 100) expect(candidates, `${name}: an example although`).toEqual([]);
			return;
		}
		count('test event: a room');
		const room = this.byId.get(String(item.id));
		expect(room && candidates.includes(room), `${name}: test event ${item.id}`).toBe(true);
		// The newest (Room Ended: the one that ended last), where the account says which.
		const plain =
			this.rooms.length <= 100 &&
			!this.rooms.some((r) => r.odd) &&
			this.sandbox.settings.ignoredSorts!.length === 0;
		if (!plain) return;
		const byEnd = event === 'roomEnded' && this.sandbox.settings.updatedAt;
		const timeOf = (r: ModelRoom) => (byEnd ? r.endedAt! : r.createdAt);
		expect(timeOf(room!)).toBe(Math.max(...candidates.map(timeOf)));
	}

	/**
	 * Mid-poll: the overlapping poll (returns at once, sends nothing), and a test event, which
	 * runs beside the poll (both wait for the credential's turns).
	 */
	private async overlap(name: WatcherName) {
		const watcher = this.watchers[name];
		// The requests of both are not the poll's: no fault or change aims at them.
		this.nested = true;
		const before = this.sandbox.requests.length;
		count('overlapping poll');
		expect(await watcher.poller.poll(), `${name}: an overlapping poll`).toEqual([]);
		expect(this.sandbox.requests.length, `${name}: requests of an overlapping poll`).toBe(before);
		this.beside = watcher.poller.poll('manual').finally(() => (this.nested = false));
	}

	private async poll(name: WatcherName, beforeCommit = false) {
		const watcher = this.watchers[name];
		if (!watcher.active) return;
		const id = this.nextPoll(name);
		const epochIndex = watcher.epochs.length - 1;
		const epoch = watcher.epochs[epochIndex];
		// What may delay an event, or (a rate limit) fail a poll whose time is short.
		const armed =
			this.listFaults.some((fault) => fault.watcher === name && fault.polls > 0) ||
			this.lookupFaults.some((fault) => fault.polls > 0) ||
			this.sandbox.settings.ignoredSorts!.includes('createdAt') ||
			this.sandbox.settings.rateLimit !== undefined;
		this.current = {
			watcher: name,
			poll: id,
			startedAt: this.clock,
			request: 0,
			changes: 0,
			longestAdvanceMs: 0,
			faults: 0,
			lookupsFailed: new Set(),
		};
		const start = ++this.seq;
		const unsortedAtStart = this.sandbox.settings.ignoredSorts!.includes('createdAt');
		const reportedBefore = watcher.poller.reported().length;
		const firstRequest = this.sandbox.requests.length;
		let emitted: Array<Record<string, unknown>> = [];
		let failure: Error | undefined;
		try {
			if (beforeCommit) {
				const [first, second] = await watcher.poller.pollBeforeCommit();
				count('poll from the cursor before a commit');
				emitted = [...first, ...second];
			} else {
				emitted = await watcher.poller.poll();
			}
		} catch (error) {
			failure = error as Error;
		}
		const { lookupsFailed, startedAt, longestAdvanceMs } = this.current;
		this.current = undefined;
		if (this.beside) {
			expect(await this.beside, `${name}: a test event beside a poll`).toHaveLength(1);
			this.beside = undefined;
		}
		this.midPoll = this.midPoll.filter((entry) => entry.poll !== id);
		this.overlaps = this.overlaps.filter((entry) => entry.poll !== id);
		for (const fault of this.listFaults) if (fault.watcher === name) fault.polls -= 1;
		if (epoch.options.event === 'roomEnded')
			for (const fault of this.lookupFaults) fault.polls -= 1;
		count(failure ? 'poll: failed' : 'poll: succeeded');
		count(`events emitted: ${epoch.options.event}`, emitted.length);

		if (failure) {
			// Visible, in the trigger's words: n8n shows it as a failed execution.
			expect(failure.message, `${id}: its error`).toMatch(/^Room (Created|Ended): /);
			// Out of the poll's time (a short one, or n8n's default where the world's time jumped so
			// far that another request as long as the longest would end past it): reading, or
			// waiting for a turn under the rate limit.
			const description = String((failure as Error & { description?: string }).description);
			const jumpedPast = this.clock - startedAt + longestAdvanceMs >= DEFAULT_POLL_BUDGET_MS;
			const outOfTime =
				(this.setup.budgetMs !== undefined || jumpedPast) &&
				(/n8n gives a poll$/.test(failure.message) ||
					/Each poll has .*n8n’s budget/.test(description));
			// Rooms that all show no createdAt read as the docs' (timed by their IDs); two of them
			// whose IDs' seconds are out of the list's order by more than the 5 s the trigger allows
			// then make an unsorted list.
			const listed = this.rooms.filter((room) => room.purgedAt === undefined);
			const named = [...description.matchAll(/room "([0-9a-f]{24})"/g)].map(([, roomId]) =>
				this.byId.get(roomId),
			);
			const idSecond = (room?: ModelRoom) => parseInt(room!.id.slice(0, 8), 16);
			const timedByIds =
				/did not sort the room list by creation time$/.test(failure.message) &&
				listed.every((room) => room.odd === 'missing') &&
				named.length === 2 &&
				named.every((room) => room?.odd === 'missing') &&
				Math.abs(idSecond(named[0]) - idSecond(named[1])) > 5;
			if (timedByIds) count('poll: rooms without createdAt, their IDs out of order');
			if (!armed && !this.faulted.has(id) && !outOfTime && !timedByIds) throw failure;
		}
		for (const room of emitted) {
			const key = `${epoch.options.event} ${String(room.id)}`;
			watcher.emitted.set(key, (watcher.emitted.get(key) ?? 0) + 1);
		}
		// A poll that looked up as many rooms as it may leaves the other ends to the next polls.
		const lookups = this.sandbox.requests
			.slice(firstRequest)
			.filter((request) => /^\/vpaas\/rooms\/[^/]+$/.test(request.path)).length;
		if (lookups >= MAX_LOOKUPS_PER_POLL) count('poll: lookups capped');
		const poll: PollRecord = {
			start,
			end: ++this.seq,
			epoch: epochIndex,
			clean: !failure && !armed && !this.faulted.has(id) && lookups < MAX_LOOKUPS_PER_POLL,
			failed: failure !== undefined,
		};
		watcher.polls.push(poll);
		const unsorted = this.sandbox.settings.ignoredSorts!.includes('createdAt');
		if (!failure && (unsorted || unsortedAtStart) && this.setup.budgetMs !== undefined) {
			watcher.partlyReadUnsorted = poll.end;
		}
		if (!failure && !epoch.activation) epoch.activation = { start, end: poll.end };
		this.checkEmitted(name, emitted, epoch);
		this.check(name);
		this.checkReported(name, lookupsFailed, reportedBefore);
		if (!failure) this.checkBounds(name, id, this.sandbox.requests.length - firstRequest);
	}

	/** What one poll emitted: events of its options, from after its activation, in its Output. */
	private checkEmitted(name: WatcherName, emitted: Array<Record<string, unknown>>, epoch: Epoch) {
		const { event, prefix } = epoch.options;
		// What happened and when, then the Output option's default: the Simplified fields (no
		// authorizations, no tokens' IPs) and the room's times in the workflow's timezone.
		const shown = new Set([...SIMPLIFIED_FIELDS, 'event', 'eventAt', 'start', 'expiresAt']);
		for (const item of emitted) {
			const room = this.byId.get(String(item.id));
			const at = room?.happened[event];
			const fine =
				room !== undefined &&
				(prefix === '' || room.matching) &&
				at !== undefined &&
				at >= epoch.activation!.start &&
				item.event === event &&
				!Number.isNaN(Date.parse(String(item.eventAt))) &&
				Object.keys(item).every((key) => shown.has(key));
			if (fine) continue;
			// Checked by hand above (expect is slow in a loop run thousands of times); said here.
			const what = `${name} (${event}, prefix "${prefix}") emitted ${String(item.externalId)}`;
			expect(room, `${what}: a room the account never had`).toBeDefined();
			expect(prefix === '' || room!.matching, `${what}: outside the options`).toBe(true);
			expect(at, `${what}: an event that did not happen`).toBeDefined();
			expect(at!, `${what}: from before its activation`).toBeGreaterThanOrEqual(
				epoch.activation!.start,
			);
			expect(item.event, `${what}: as which event`).toBe(event);
			expect(Number.isNaN(Date.parse(String(item.eventAt))), `${what}: when`).toBe(false);
			expect([...shown]).toEqual(expect.arrayContaining(Object.keys(item)));
		}
	}

	/** Every event at most once; and once by the first clean poll after it (in time). */
	check(name: WatcherName): void {
		const watcher = this.watchers[name];
		for (const [key, times] of watcher.emitted) {
			if (times > 1) expect(times, `${name}: ${key} emitted more than once`).toBeLessThanOrEqual(1);
		}
		// A poll the poll's time may have cut short leaves events to the next: settle() checks them.
		if (this.setup.budgetMs !== undefined) return;
		this.due(name, true, (room, at, epoch) =>
			watcher.polls.some(
				(poll) =>
					poll.epoch === epoch &&
					poll.clean &&
					poll.start > at &&
					poll.end < (room.purgedAt ?? Number.POSITIVE_INFINITY),
			),
		);
	}

	/**
	 * The events of `name`'s current options that must be out: after its activation, of a room
	 * whose creation time Videsk gives (or gives ahead), seen by a poll as `seen` says; checked
	 * (`strict`), or those not out yet counted.
	 */
	private due(
		name: WatcherName,
		strict: boolean,
		seen: (room: ModelRoom, at: number, epoch: number) => boolean,
	): number {
		const watcher = this.watchers[name];
		const epochIndex = watcher.epochs.length - 1;
		const { options, activation } = watcher.epochs[epochIndex];
		if (!activation) return 0;
		let missing = 0;
		for (const room of this.rooms) {
			const at = room.happened[options.event];
			const due =
				at !== undefined &&
				at > activation.end &&
				(options.prefix === '' || room.matching) &&
				(room.odd === undefined || room.odd === 'ahead') &&
				(room.happened.roomCreated ?? 0) > watcher.partlyReadUnsorted &&
				seen(room, at, epochIndex);
			if (!due) continue;
			const key = `${options.event} ${room.id}`;
			const times = watcher.emitted.get(key) ?? 0;
			if (times === 0) missing += 1;
			if (strict && times !== 1) {
				expect(
					times,
					`${name}: ${key} (${room.externalId}, happened at ${at}, activation ${activation.start}–${activation.end}) not emitted in time`,
				).toBe(1);
			}
		}
		return missing;
	}

	/** A room whose lookups failed in LOOKUP_FAILURES_REPORTED polls in a row was reported. */
	private checkReported(name: WatcherName, failed: Set<string>, reportedBefore: number) {
		const watcher = this.watchers[name];
		const reported = watcher.poller.reported().slice(reportedBefore);
		count('errors reported', reported.length);
		for (const [roomId] of watcher.lookupFailures) {
			if (!failed.has(roomId)) watcher.lookupFailures.delete(roomId);
		}
		for (const roomId of failed) {
			const times = (watcher.lookupFailures.get(roomId) ?? 0) + 1;
			watcher.lookupFailures.set(roomId, times);
			if (times === LOOKUP_FAILURES_REPORTED) {
				expect(
					reported.map((error) => error.message).join('\n'),
					`${name}: room ${roomId}'s lookups failed in ${times} polls in a row`,
				).toContain(roomId);
			}
		}
		for (const error of reported) {
			expect(error.message).toMatch(/^Room Ended: looking up rooms? .* failed in \d+ polls/);
		}
	}

	/**
	 * Bounded state: the rooms of about one window (a minute before the newest), those whose
	 * createdAt cannot be placed, and for Room Ended the open rooms and those still to look up.
	 * Requests: a bound that catches a poll reading without end.
	 */
	private checkBounds(name: WatcherName, id: string, requests: number) {
		const watcher = this.watchers[name];
		// The window keeps a room until it is a minute older than the newest the trigger read: a
		// purged room may never have been read, so the newest not purged bounds it from below.
		const placed = this.rooms.filter((room) => room.odd === undefined || room.odd === 'ahead');
		const listed = placed.filter((room) => room.purgedAt === undefined);
		const newest = Math.max(...(listed.length > 0 ? listed : placed).map((room) => room.createdAt));
		// A Date behind the clock is the present the trigger reads: rooms created after it count as
		// created then, so the window holds that much more.
		const behindMs = Math.max(0, ...[this.sandbox.settings.dateSkewMs ?? 0].flat().map((s) => -s));
		const window = this.rooms.filter(
			(room) =>
				room.createdAt >= newest - 3 * LATE_VISIBILITY_MS - behindMs || room.odd !== undefined,
		);
		let characters = SEEN_CHARACTERS * window.length;
		if (watcher.options.event === 'roomEnded') {
			const emitted = (room: ModelRoom) => watcher.emitted.has(`roomEnded ${room.id}`);
			const watched = this.rooms.filter((room) => !room.endedAt || !emitted(room)).length;
			// A room that left the list stays watched, in its place, while it waits for its lookup.
			const waiting = this.rooms.filter(
				(room) => (room.endedAt && !emitted(room)) || room.purgedAt !== undefined,
			).length;
			characters += LOOKUP_CHARACTERS * (watched + waiting);
		}
		const state = JSON.stringify(watcher.poller.staticData()).length;
		expect(state, `state after ${id}`).toBeLessThanOrEqual(STATE_BASE + characters);
		const pages = Math.ceil(this.rooms.length / Math.max(1, this.setup.pageSize - 1)) + 2;
		expect(requests, `requests of ${id}`).toBeLessThanOrEqual(
			6 * pages + MAX_LOOKUPS_PER_POLL + 4 * 20,
		);
	}

	/**
	 * No stall: once nothing fails any more, every due event is out within a few polls (more when
	 * the poll's time is short, or rooms wait for lookups).
	 */
	async settle(): Promise<void> {
		this.settling = true;
		this.midPoll = [];
		this.overlaps = [];
		Object.assign(this.sandbox.settings, { ignoredSorts: [], latencyMs: 0, rateLimit: undefined });
		for (const name of WATCHERS) this.activate(name);
		const notPurged = (room: ModelRoom) => room.purgedAt === undefined;
		const waiting = () => WATCHERS.reduce((sum, name) => sum + this.due(name, false, notPurged), 0);
		// A poll, then one for each MAX_LOOKUPS_PER_POLL rooms to look up (ended or purged); many
		// more when the poll's time is short.
		const lookups = Math.ceil(
			this.rooms.filter((room) => room.endedAt || room.purgedAt !== undefined).length /
				MAX_LOOKUPS_PER_POLL,
		);
		const rounds = (this.setup.budgetMs === undefined ? 2 : 30) + lookups;
		let polls = 0;
		for (let round = 0; round < rounds && (round === 0 || waiting() > 0); round += 1) {
			// n8n polls a minute apart at most often: what the pacer learnt of a rate-limit window
			// (a request's turn in the next second) is over by the next poll.
			this.offsetMs += POLL_INTERVAL_MS;
			for (const name of WATCHERS) await this.poll(name);
			polls += 1;
		}
		count('settling polls', polls);
		for (const name of WATCHERS) this.due(name, true, notPurged);
	}
}

function parametersOf({ event, prefix }: Options) {
	return { event, ...(prefix ? { options: { externalIdPrefix: prefix } } : {}) };
}

/** JSON characters per room of the window in the state: `"<24 hex>":<ms>,`. */
const SEEN_CHARACTERS = 41;
/** Per open room watched (`"<24 hex>",`), and per one to look up (`["<24 hex>",<failures>],`). */
const LOOKUP_CHARACTERS = 32;
/** The rest of the state: what it was built for and when, cursor, position. */
const STATE_BASE = 180;

/** Runs a history and settles it. */
export async function runHistory(sandbox: Sandbox, setup: Setup, steps: Step[]): Promise<World> {
	const world = await World.start(sandbox, setup);
	for (const step of steps) await world.step(step);
	await world.settle();
	return world;
}
