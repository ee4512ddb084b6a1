// Model-based test of the Videsk Rooms Trigger: random histories of an account (creates, several
// in one second and out of visibility order, updates, ends, purges, failing answers, changes
// between the pages of one poll) interleaved with polls of both events, through n8n-core's
// polling path. After every poll, trigger-world.mts checks that each event is emitted once.
// Counterexamples it found are kept, shrunk, in trigger.examples.test.mts.
import fc from 'fast-check';
import { afterAll, beforeAll, test } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/server.mjs';
import {
	EVENTS,
	MAX_LAG_SECONDS,
	World,
	type Answer,
	type Change,
	type Setup,
	type Step,
} from '../support/trigger-world.mjs';

const RUNS = Number(process.env.TRIGGER_MODEL_RUNS ?? 1000);
/** Fixed in CI, so that a run can be repeated; elsewhere fast-check draws one (printed on failure). */
const SEED = process.env.CI === 'true' ? 12_2026 : undefined;

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startSandbox();
});
afterAll(async () => sandbox?.close());

const lag = fc.oneof(
	{ weight: 2, arbitrary: fc.constant(0) },
	{ weight: 1, arbitrary: fc.integer({ min: 1, max: MAX_LAG_SECONDS }) },
);
const pick = fc.oneof(fc.nat(3), fc.nat(40));
const create = fc.record({
	do: fc.constant('create' as const),
	rooms: fc.array(fc.record({ matching: fc.boolean(), lagS: lag }), { minLength: 1, maxLength: 3 }),
});
const advance = fc.record({
	do: fc.constant('advance' as const),
	seconds: fc.constantFrom(0, 1, 20, 45, 61, 150),
});
const update = fc.record({ do: fc.constant('update' as const), pick });
const end = fc.record({ do: fc.constant('end' as const), pick, lagS: lag });
const purge = fc.record({ do: fc.constant('purge' as const), pick });
const change: fc.Arbitrary<Change> = fc.oneof(
	{ weight: 4, arbitrary: create },
	{ weight: 3, arbitrary: advance },
	{ weight: 1, arbitrary: update },
	{ weight: 3, arbitrary: end },
	{ weight: 1, arbitrary: purge },
);
/** Between the pages of a poll, what moves the pages matters most: rooms leaving or arriving. */
const changeDuringPoll: fc.Arbitrary<Change> = fc.oneof(
	{ weight: 2, arbitrary: create },
	{ weight: 1, arbitrary: advance },
	{ weight: 3, arbitrary: end },
	{ weight: 3, arbitrary: purge },
);
const request = fc.integer({ min: 1, max: 8 });
const answers: Answer[] = ['429', '503 html', '200 html', '200 empty', '502 empty', 'reset'];
const step: fc.Arbitrary<Step> = fc.oneof(
	{ weight: 6, arbitrary: change },
	{
		weight: 5,
		arbitrary: fc.record({ do: fc.constant('poll' as const), event: fc.constantFrom(...EVENTS) }),
	},
	{
		weight: 2,
		arbitrary: fc.record({
			do: fc.constant('fault' as const),
			event: fc.constantFrom(...EVENTS),
			// Lookups come after the list's pages: aim at them too, or they would rarely fail.
			request: fc.oneof(request, fc.constant('lookup' as const)),
			answer: fc.constantFrom(...answers),
		}),
	},
	{
		weight: 2,
		arbitrary: fc.record({
			do: fc.constant('midPoll' as const),
			event: fc.constantFrom(...EVENTS),
			request,
			change: changeDuringPoll,
		}),
	},
);
const setup: fc.Arbitrary<Setup> = fc.record({
	pageSize: fc.constantFrom(3, 4, 100),
	updatedAt: fc.boolean(),
	prefixes: fc.record({
		roomCreated: fc.constantFrom('', 'p-'),
		roomEnded: fc.constantFrom('', 'p-'),
	}),
	// Rooms from before the history: the old ones are below any window at once.
	initial: fc.array(
		fc.record({
			matching: fc.boolean(),
			ageS: fc.constantFrom(0, 30, 90, 600),
			ended: fc.boolean(),
		}),
		{ maxLength: 8 },
	),
});

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

test(`${RUNS} random histories: every event exactly once, in time`, async () => {
	await fc.assert(
		fc.asyncProperty(
			setup,
			fc.commands([step.map((s) => new StepCommand(s))], { maxCommands: 30 }),
			async (history, commands) => {
				const world = await World.start(sandbox, history);
				await fc.asyncModelRun(() => ({ model: {}, real: world }), commands);
				await world.settle();
			},
		),
		{ numRuns: RUNS, seed: SEED },
	);
}, 600_000);
