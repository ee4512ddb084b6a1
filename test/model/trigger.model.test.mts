// Model-based test of the Videsk Rooms Trigger: random histories of what Videsk and n8n do to two
// triggers watching one account (trigger-world.mts says what, and checks after every poll that
// each event is emitted once, none for rooms outside the trigger's options, state bounded,
// failures visible, and, once nothing fails, every event out within a few polls). Polls run
// through n8n-core's polling path. Counterexamples it found are kept, shrunk, in
// trigger.examples.test.mts. Prints the number of runs and the kinds of steps and outcomes.
import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/server.mjs';
import { useVirtualClock } from '../support/clock.mjs';
import { fc, numRuns, PROPERTY_TIMEOUT_MS, test } from '../support/properties.mjs';
import {
	EVENTS,
	MAX_LAG_SECONDS,
	SERVER_NAMES,
	tally,
	tallyLines,
	World,
	WATCHERS,
	type Answer,
	type Change,
	type Options,
	type Setup,
	type Step,
} from '../support/trigger-world.mjs';

const RUNS = numRuns(400);

useVirtualClock();
let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => {
	await sandbox?.close();
	process.stdout.write(
		`\ntrigger model: ${tally.get('runs') ?? 0} runs\n${tallyLines()
			.map((line) => `  ${line}`)
			.join('\n')}\n`,
	);
});

const lag = fc.oneof(
	{ weight: 2, arbitrary: fc.constant(0) },
	{ weight: 1, arbitrary: fc.integer({ min: 1, max: MAX_LAG_SECONDS }) },
);
/** Mostly the newest rooms, sometimes any (the old ones of a large account too). */
const pick = fc.oneof(fc.nat(3), fc.nat(40), fc.nat(5000));
const create = fc.record({
	do: fc.constant('create' as const),
	rooms: fc.array(
		fc.record(
			{
				matching: fc.boolean(),
				lagS: lag,
				createdAt: fc.constantFrom('missing' as const, 'unreadable' as const, 'ahead' as const),
			},
			{ requiredKeys: ['matching', 'lagS'] },
		),
		{ minLength: 1, maxLength: 3 },
	),
});
const advance = fc.record({
	do: fc.constant('advance' as const),
	seconds: fc.constantFrom(0, 1, 20, 45, 61, 150),
});
const update = fc.record({ do: fc.constant('update' as const), pick });
const end = fc.record({ do: fc.constant('end' as const), pick, lagS: lag });
const purge = fc.record({ do: fc.constant('purge' as const), pick });
const cleanUp = fc.record({
	do: fc.constant('cleanUp' as const),
	share: fc.constantFrom(0.3, 0.6, 0.9),
	purge: fc.boolean(),
});
/**
 * Rooms sharing one createdAt, more than a page's overlap holds, across page boundaries: up to 12
 * on pages of 3 or 4 (each poll reads the last minute's rooms again, a page at a time), up to 150
 * on pages of 100.
 */
const createTie = (pageSize: number) =>
	fc.record({
		do: fc.constant('createTie' as const),
		count: pageSize < 100 ? fc.integer({ min: 2, max: 12 }) : fc.integer({ min: 2, max: 150 }),
		matching: fc.boolean(),
	});
const roomOf = (pageSize: number): fc.Arbitrary<Change> =>
	fc.oneof(
		{ weight: 4, arbitrary: create },
		{ weight: 1, arbitrary: createTie(pageSize) },
		{ weight: 3, arbitrary: advance },
		{ weight: 1, arbitrary: update },
		{ weight: 4, arbitrary: end },
		{ weight: 1, arbitrary: purge },
		{ weight: 1, arbitrary: cleanUp },
	);
/** What Videsk's service does: fields, sorting, speed. */
const service: fc.Arbitrary<Change> = fc.oneof(
	fc.record({ do: fc.constant('updatedAt' as const), sent: fc.boolean() }),
	fc.record({
		do: fc.constant('sort' as const),
		ignored: fc.constantFrom<Array<'createdAt' | 'updatedAt'>>(
			[],
			['updatedAt'],
			['createdAt'],
			['createdAt', 'updatedAt'],
		),
	}),
	fc.record({ do: fc.constant('latency' as const), ms: fc.constantFrom(0, 2, 8) }),
	fc.record({ do: fc.constant('rateLimit' as const), perSecond: fc.constantFrom(null, 60) }),
);
/** Between the pages of a poll, what moves the pages matters most: rooms leaving or arriving. */
const changeDuringPoll: fc.Arbitrary<Change> = fc.oneof(
	{ weight: 2, arbitrary: create },
	{ weight: 1, arbitrary: advance },
	{ weight: 3, arbitrary: end },
	{ weight: 3, arbitrary: purge },
);
const watcher = fc.constantFrom(...WATCHERS);
const options: fc.Arbitrary<Options> = fc.record({
	event: fc.constantFrom(...EVENTS),
	prefix: fc.constantFrom('' as const, 'p-' as const),
});
const request = fc.integer({ min: 1, max: 8 });
const answers: Answer[] = ['429', '503 html', '200 html', '200 empty', '502 empty', 'reset'];
/** Answers that only the poll's deadline ends (generated where n8n gives a poll a short time). */
const slowAnswers: Answer[] = ['hang', 'trickle'];
const polls = fc.oneof({ weight: 3, arbitrary: fc.constant(1) }, fc.integer({ min: 2, max: 7 }));
/** A step of a history on `setup`'s account and server. */
const stepOf = (setup: Setup): fc.Arbitrary<Step> => {
	const faultAnswers = setup.budgetMs === undefined ? answers : [...answers, ...slowAnswers];
	return fc.oneof(
		{ weight: 8, arbitrary: roomOf(setup.pageSize) },
		{ weight: 1, arbitrary: service },
		{ weight: 7, arbitrary: fc.record({ do: fc.constant('poll' as const), watcher }) },
		{ weight: 1, arbitrary: fc.record({ do: fc.constant('manual' as const), watcher }) },
		{
			weight: 1,
			arbitrary: fc.record({ do: fc.constant('overlap' as const), watcher, request }),
		},
		{ weight: 1, arbitrary: fc.record({ do: fc.constant('beforeCommit' as const), watcher }) },
		{ weight: 1, arbitrary: fc.record({ do: fc.constant('options' as const), watcher, options }) },
		{
			weight: 1,
			arbitrary: fc.record({
				do: fc.constantFrom('deactivate' as const, 'activate' as const),
				watcher,
			}),
		},
		{
			weight: 2,
			arbitrary: fc.record({
				do: fc.constant('fault' as const),
				watcher,
				request,
				answer: fc.constantFrom(...faultAnswers),
				polls,
			}),
		},
		{
			weight: 1,
			arbitrary: fc.record({
				do: fc.constant('failLookup' as const),
				pick,
				answer: fc.constantFrom(...faultAnswers),
				polls: fc.integer({ min: 1, max: 10 }),
			}),
		},
		{
			weight: 2,
			arbitrary: fc.record({
				do: fc.constant('midPoll' as const),
				watcher,
				request,
				change: changeDuringPoll,
			}),
		},
	);
};
const initial = fc.array(
	fc.record({
		matching: fc.boolean(),
		ageS: fc.constantFrom(0, 30, 90, 600),
		ended: fc.boolean(),
	}),
	{ maxLength: 8 },
);
const small = fc.record({
	pageSize: fc.constantFrom(3, 4, 100),
	updatedAt: fc.boolean(),
	options: fc.record({ first: options, second: options }),
	initial,
	bulk: fc.constant(0),
	scheduler: fc.constantFrom('default' as const, 'durable' as const),
	budgetMs: fc.constantFrom(undefined, 400, 1000),
	// The server Videsk runs: one the docs allow, drawn like any other input.
	server: fc.constantFrom(...SERVER_NAMES),
	seed: fc.integer(),
	phaseMs: fc.integer({ min: 0, max: 999 }),
});
/** Accounts of thousands of rooms, read 100 at a time. */
const large = small.chain((setup) =>
	fc
		.integer({ min: 1500, max: 4000 })
		.map((bulk): Setup => ({ ...setup, pageSize: 100, bulk, budgetMs: undefined })),
);
const setup: fc.Arbitrary<Setup> = fc.oneof({ weight: 9, arbitrary: small }, large);

/** One step as a fast-check command; printed as the JSON a kept example replays. */
class StepCommand implements fc.AsyncCommand<object, World> {
	constructor(readonly step: Step) {}
	check() {
		return true;
	}
	async run(_model: object, world: World) {
		await world.step(this.step);
	}
	toString() {
		return JSON.stringify(this.step);
	}
}

test(
	`${RUNS} random histories: every event once, none outside the options, bounded state, no stall, failures visible`,
	async () => {
		await fc.assert(
			fc.asyncProperty(
				setup.chain((history) =>
					fc.tuple(
						fc.constant(history),
						fc.commands([stepOf(history).map((s) => new StepCommand(s))], {
							maxCommands: 40,
							size: 'max',
						}),
					),
				),
				async ([history, commands]) => {
					tally.set('runs', (tally.get('runs') ?? 0) + 1);
					const world = await World.start(sandbox, history);
					await fc.asyncModelRun(() => ({ model: {}, real: world }), commands);
					await world.settle();
				},
			),
			{ numRuns: RUNS },
		);
	},
	PROPERTY_TIMEOUT_MS * 4,
);
