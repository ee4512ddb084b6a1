// Histories that broke the trigger's first version, shrunk, kept as named examples of the
// model (trigger-world.mts checks every event once after every poll). Each runs on an account
// as the docs describe it and on one whose rooms carry `updatedAt`.
import { describe, test } from 'vitest';
import { useSandbox } from '../support/helpers.mjs';
import { runHistory, type Setup, type Step } from '../support/trigger-world.mjs';

const sandbox = useSandbox();

/** One trigger watches Room Created, the other Room Ended. */
const CREATED = 'first';
const ENDED = 'second';

/** Steps, or steps on an account that already holds rooms. */
type Example = Step[] | { initial: Setup['initial']; steps: Step[] };

const examples: Record<string, Example> = {
	// Found by the model.
	'Room Created: two rooms created in the same second before activation; the second is not emitted later':
		[
			{
				do: 'create',
				rooms: [
					{ matching: false, lagS: 0 },
					{ matching: false, lagS: 0 },
				],
			},
		],
	'Room Created: a room that becomes visible after a newer one (older createdAt) is emitted': [
		{ do: 'create', rooms: [{ matching: false, lagS: 0 }] },
		{ do: 'poll', watcher: CREATED },
		{ do: 'create', rooms: [{ matching: false, lagS: 1 }] },
		{ do: 'poll', watcher: CREATED },
	],
	'Room Ended: a room created between the two list reads of a poll and ended before the next is emitted once':
		[
			{
				do: 'midPoll',
				watcher: ENDED,
				request: 2,
				change: { do: 'create', rooms: [{ matching: false, lagS: 0 }] },
			},
			{ do: 'poll', watcher: ENDED },
			{ do: 'end', pick: 0, lagS: 0 },
		],
	'Room Ended: a room created after a poll and ended while the next poll reads its pages is emitted':
		[
			{ do: 'poll', watcher: ENDED },
			{ do: 'create', rooms: [{ matching: false, lagS: 0 }] },
			{ do: 'midPoll', watcher: ENDED, request: 2, change: { do: 'end', pick: 0, lagS: 0 } },
			{ do: 'poll', watcher: ENDED },
		],
	'Room Ended: a purged room (404) does not block the ends of the others': [
		{ do: 'create', rooms: [{ matching: false, lagS: 0 }] },
		{ do: 'poll', watcher: ENDED },
		{ do: 'purge', pick: 0 },
		{ do: 'create', rooms: [{ matching: false, lagS: 0 }] },
		{ do: 'end', pick: 0, lagS: 0 },
	],
	// Written from the issue, in the model's terms: five open rooms read three per page; the
	// newest ends between the pages, so q-2 moves to the first page and the second page skips it.
	'Room Ended: a room skipped because another ended between the pages keeps being watched': [
		...[1, 2, 3, 4, 5].flatMap((): Step[] => [
			{ do: 'advance', seconds: 1 },
			{ do: 'create', rooms: [{ matching: false, lagS: 0 }] },
		]),
		{ do: 'poll', watcher: ENDED },
		{ do: 'midPoll', watcher: ENDED, request: 3, change: { do: 'end', pick: 0, lagS: 0 } },
		{ do: 'poll', watcher: ENDED },
		{ do: 'end', pick: 2, lagS: 0 },
		{ do: 'poll', watcher: ENDED },
	],
	// Found by the model in its own bound: rooms looked up count before the poll, not after.
	'Room Ended: two old rooms end as two new ones appear: looked up within the stated requests': {
		initial: [0, 0, 90, 600].map((ageS) => ({ matching: false, ageS, ended: false })),
		steps: [
			{ do: 'poll', watcher: ENDED },
			{ do: 'end', pick: 2, lagS: 0 },
			{
				do: 'create',
				rooms: [
					{ matching: false, lagS: 1 },
					{ matching: false, lagS: 0 },
				],
			},
			{ do: 'end', pick: 39, lagS: 0 },
		],
	},
	// Written for the redesign: a lookup that fails is tried again on the next poll.
	'Room Ended: a room whose lookup fails is looked up again on the next poll': [
		{ do: 'create', rooms: [{ matching: false, lagS: 0 }] },
		{ do: 'poll', watcher: ENDED },
		{ do: 'advance', seconds: 150 },
		{ do: 'create', rooms: [{ matching: false, lagS: 0 }] },
		{ do: 'poll', watcher: ENDED },
		{ do: 'failLookup', pick: 1, answer: '503 html', polls: 1 },
		{ do: 'end', pick: 1, lagS: 0 },
		{ do: 'poll', watcher: ENDED },
		{ do: 'poll', watcher: ENDED },
	],
};

for (const updatedAt of [false, true]) {
	describe(updatedAt ? 'rooms with updatedAt' : 'rooms as documented', () => {
		const setup: Setup = {
			pageSize: 3,
			updatedAt,
			options: {
				[CREATED]: { event: 'roomCreated', prefix: '' },
				[ENDED]: { event: 'roomEnded', prefix: '' },
			},
			initial: [],
			bulk: 0,
			scheduler: 'default',
		};
		for (const [name, example] of Object.entries(examples)) {
			test(name, async () => {
				if (Array.isArray(example)) await runHistory(sandbox(), setup, example);
				else await runHistory(sandbox(), { ...setup, initial: example.initial }, example.steps);
			});
		}
	});
}
