import { useVirtualClock } from '../../support/clock.mjs';
// What the trigger costs on large accounts, counted (requests, state size, polls), not timed:
// pinned, so that a change in them shows. Accounts hold 100, 1,000 or 10,000 open rooms
// created over the last 70 hours (expired rooms that nobody ended stay open), with rooms that
// carry `updatedAt` or not. Run with --silent=false to see the table.
import type { INodeParameters } from 'n8n-workflow';
import { expect, test } from 'vitest';
import { createPoller } from '../../support/harness.mjs';
import { useSandbox } from '../../support/helpers.mjs';

const clock = useVirtualClock();
const sandbox = useSandbox();
const HOUR = 3_600_000;

async function poller(parameters: INodeParameters) {
	const trigger = await createPoller({
		parameters,
		credentials: { apiToken: sandbox().token, baseUrl: sandbox().url },
	});
	/** One poll: its requests, the state's size afterwards (JSON characters) and what it emitted. */
	const poll = async () => {
		const before = sandbox().requests.length;
		const emitted = await trigger.poll();
		return {
			requests: sandbox().requests.length - before,
			state: JSON.stringify(trigger.staticData()).length,
			emitted: emitted.length,
			writesState: trigger.stateChanged(),
		};
	};
	return { poll };
}

/**
 * `count` open rooms over the 70 hours before two minutes ago: the newest lies out of the window
 * of a room created after them, however long the polls in between take.
 */
function seedOpenRooms(count: number) {
	const start = clock.now() - 2 * 60_000 - 70 * HOUR;
	sandbox().seed(count, (index) => ({
		externalId: `open-${index}`,
		createdAt: start + Math.floor((index * 70 * HOUR) / count),
	}));
}

/** Ends the rooms `open-<from>`… : old rooms, long out of the trigger's one-minute window. */
function endOldRooms(count: number, from = 0) {
	for (let index = from; index < from + count; index += 1) sandbox().end(`open-${index}`);
}

/** Ends `count` more old rooms spread over the `openRooms` (the most costly to find). */
function endSpreadRooms(count: number, openRooms: number) {
	const ended = new Set([Math.floor(openRooms / 2)]);
	for (let i = 0; i < count; i += 1) {
		let index = Math.floor(((i + 0.5) * (openRooms - 10)) / count);
		while (ended.has(index)) index += 1;
		ended.add(index);
		sandbox().end(`open-${index}`);
	}
}

async function measure(openRooms: number, updatedAt: boolean) {
	sandbox().settings.updatedAt = updatedAt;
	seedOpenRooms(openRooms);
	const created = await poller({ event: 'roomCreated' });
	const ended = await poller({ event: 'roomEnded' });
	const activation = { created: await created.poll(), ended: await ended.poll() };
	const quiet = { created: await created.poll(), ended: await ended.poll() };
	sandbox().seed(1, () => ({ externalId: 'new', createdAt: clock.now() }));
	const oneNew = { created: await created.poll(), ended: await ended.poll() };
	// One in the middle of the open list: the most costly one to find.
	sandbox().end(`open-${Math.floor(openRooms / 2)}`);
	const oneOldEnded = await ended.poll();
	// Then 60 at once across the list, as the "end expired rooms" example may: polls until all
	// are out.
	endSpreadRooms(60, openRooms);
	const manyEnded = [await ended.poll(), await ended.poll(), await ended.poll()];
	return {
		'open rooms': openRooms,
		updatedAt,
		'Room Created: state': quiet.created.state,
		'Room Created: requests (activation / quiet / a new room)': [
			activation.created.requests,
			quiet.created.requests,
			oneNew.created.requests,
		],
		'Room Ended: state': quiet.ended.state,
		'Room Ended: requests (activation / quiet / a new room / an old room ended)': [
			activation.ended.requests,
			quiet.ended.requests,
			oneNew.ended.requests,
			oneOldEnded.requests,
		],
		// n8n writes the static data to its database only when a poll changed it.
		'a quiet poll writes the state (Room Created / Room Ended)': [
			quiet.created.writesState,
			quiet.ended.writesState,
		],
		'Room Ended: 60 old rooms ended, emitted per poll': manyEnded.map((poll) => poll.emitted),
		'Room Ended: 60 old rooms ended, requests per poll': manyEnded.map((poll) => poll.requests),
	};
}

// The table. Room Ended watches the open rooms by ID (27 characters each in the state),
// with or without `updatedAt`; it counts them near the window, reads the list's first rooms (a
// room without createdAt is listed there) and, when some left, compares only where the counts
// differ; lookups are capped at 50 a poll.
const expected = [
	[100, false, 182, [1, 1, 1], 2835, [2, 3, 3, 5], [false, false], [50, 10, 0], [54, 13, 3]],
	[100, true, 182, [1, 1, 1], 2835, [2, 3, 3, 5], [false, false], [50, 10, 0], [54, 13, 3]],
	[1000, false, 183, [1, 1, 1], 27136, [12, 3, 3, 7], [false, false], [50, 10, 0], [70, 13, 3]],
	[1000, true, 183, [1, 1, 1], 27136, [12, 3, 3, 7], [false, false], [50, 10, 0], [70, 13, 3]],
	[10000, false, 266, [1, 1, 1], 270083, [112, 3, 3, 7], [false, false], [50, 10, 0], [140, 13, 3]],
	[10000, true, 266, [1, 1, 1], 270083, [112, 3, 3, 7], [false, false], [50, 10, 0], [140, 13, 3]],
];

test('state size and requests per poll at 100, 1,000 and 10,000 open rooms', async () => {
	const rows = [];
	for (const openRooms of [100, 1000, 10_000]) {
		for (const updatedAt of [false, true]) {
			sandbox().reset();
			rows.push(await measure(openRooms, updatedAt));
		}
	}
	console.table(rows);
	expect(rows.map((row) => Object.values(row))).toEqual(expected);
}, 300_000);

test('after failures, every pending event is out at the first poll that meets none', async () => {
	for (const updatedAt of [false, true]) {
		sandbox().reset();
		sandbox().settings.updatedAt = updatedAt;
		seedOpenRooms(1000);
		const ended = await poller({ event: 'roomEnded' });
		await ended.poll();
		endOldRooms(10);
		// Three polls in a row fail, every request each time, differently.
		for (const fault of [
			{ status: 503, body: '<html>down</html>' },
			{ status: 200, body: '<html>proxy</html>' },
			{ kind: 'reset' as const },
		]) {
			let failing = true;
			sandbox().fault({ ...fault, match: () => failing, times: Number.POSITIVE_INFINITY });
			await expect(ended.poll()).rejects.toThrow();
			failing = false;
		}
		expect((await ended.poll()).emitted).toBe(10);
		expect((await ended.poll()).emitted).toBe(0);
	}
}, 120_000);

test('10,000 open rooms under Videsk’s rate limit (20 requests a second): the reads pace themselves by the RateLimit headers', async () => {
	/** Activation, then 60 ends across the list: requests and events of the second poll. */
	const history = async (rateLimit?: { perSecond: number }) => {
		sandbox().reset();
		sandbox().settings.rateLimit = rateLimit;
		seedOpenRooms(10_000);
		const ended = await poller({ event: 'roomEnded' });
		const activation = await ended.poll();
		endSpreadRooms(60, 10_000);
		const found = await ended.poll();
		const refused = sandbox().requests.filter((request) => request.status === 429).length;
		return {
			requests: activation.requests + found.requests - refused,
			emitted: found.emitted,
			refused,
		};
	};
	const unlimited = await history();
	const limited = await history({ perSecond: 20 });
	// The same reads as without a limit, plus the few answered 429 (sent again) before the pacer
	// has read the window.
	expect(limited).toEqual({ ...unlimited, refused: limited.refused });
	expect(limited.emitted).toBe(50);
	expect(limited.refused).toBeLessThanOrEqual(1);
}, 120_000);
