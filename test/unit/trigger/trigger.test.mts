import { useVirtualClock } from '../../support/clock.mjs';
// The Videsk Rooms Trigger through n8n's polling machinery (n8n-core's TriggersAndPollers and
// PollContext), against the sandbox.
import type { INodeParameters } from 'n8n-workflow';
import { describe, expect, test } from 'vitest';
import { createPoller } from '../../support/harness.mjs';
import { useSandbox } from '../../support/helpers.mjs';

const clock = useVirtualClock();
const sandbox = useSandbox();

function poller(parameters: INodeParameters) {
	return createPoller({
		parameters,
		credentials: { apiToken: sandbox().token, baseUrl: sandbox().url },
		timezone: 'America/New_York',
	});
}

/** Rooms created `at` (now by default), a millisecond apart (seed() backdates its rooms). */
function createRooms(count: number, prefix = 'new', at = clock.now()) {
	sandbox().seed(count, (index) => ({
		externalId: `${prefix}-${index + 1}`,
		createdAt: at + index,
	}));
}

const ids = (rooms: Array<Record<string, unknown>>) => rooms.map((room) => room.externalId);

describe('Room Created', () => {
	test('the first activation emits nothing old; then each new room once, oldest first', async () => {
		sandbox().seed(50);
		const trigger = await poller({ event: 'roomCreated' });
		expect(await trigger.poll()).toEqual([]);
		createRooms(3);
		expect(ids(await trigger.poll())).toEqual(['new-1', 'new-2', 'new-3']);
		expect(await trigger.poll()).toEqual([]);
	});

	test('250 rooms between two polls, across page boundaries: all, once, without reading the account', async () => {
		sandbox().seed(1000);
		const trigger = await poller({ event: 'roomCreated' });
		await trigger.poll();
		createRooms(250);
		sandbox().requests.length = 0;
		const emitted = await trigger.poll();
		expect(ids(emitted)).toEqual(Array.from({ length: 250 }, (_, index) => `new-${index + 1}`));
		// Oldest first from the room before the last poll's window (the seeded rooms of the minute
		// before the newest: 939 of them are older), to the end; pages overlap by 10 rooms.
		expect(sandbox().requests.map((r) => r.query.$skip)).toEqual(['938', '1028', '1118', '1208']);
		// Rooms created in one millisecond are ordered by External ID, the same way on every page.
		expect(sandbox().requests[0].query.$sort).toEqual({ createdAt: '1', externalId: '1' });
	});

	test('the API failing mid-poll: nothing emitted, nothing lost on the next poll', async () => {
		const trigger = await poller({ event: 'roomCreated' });
		await trigger.poll();
		createRooms(150);
		const before = JSON.parse(JSON.stringify(trigger.staticData()));
		// The page and its 3 retries (a read is retried after a 503).
		sandbox().fault({ match: (r) => r.query.$skip === '90', status: 503, body: 'down', times: 4 });
		await expect(trigger.poll()).rejects.toThrow();
		expect(trigger.staticData()).toEqual(before);
		expect(ids(await trigger.poll())).toHaveLength(150);
		expect(await trigger.poll()).toEqual([]);
	});

	test('External ID prefix filter', async () => {
		const trigger = await poller({ event: 'roomCreated', options: { externalIdPrefix: 'crm-' } });
		await trigger.poll();
		createRooms(2, 'crm');
		createRooms(2, 'calendar');
		expect(ids(await trigger.poll())).toEqual(['crm-1', 'crm-2']);
	});

	test('a manual test run shows the newest matching room and leaves the state alone', async () => {
		sandbox().seed(5);
		const trigger = await poller({ event: 'roomCreated' });
		expect(ids(await trigger.poll('manual'))).toEqual(['seed-5']);
		expect(trigger.staticData()).toEqual({});
		expect(await trigger.poll()).toEqual([]);
	});

	test('the state holds the last minute’s rooms, however long the workflow runs', async () => {
		createRooms(1, 'before', clock.now() - 12 * 60_000);
		const trigger = await poller({ event: 'roomCreated' });
		await trigger.poll();
		const sizes: number[] = [];
		for (let round = 0; round < 5; round += 1) {
			// 120 rooms at once, two minutes after the previous ones.
			createRooms(120, `round-${round}`, clock.now() - (5 - round) * 120_000);
			expect(await trigger.poll()).toHaveLength(120);
			// All but the numbers whose digits grow: the window's position, the polls that emitted.
			const { position, generation, ...state } = trigger.staticData();
			expect([position, generation]).toEqual([expect.any(Number), expect.any(Number)]);
			sizes.push(JSON.stringify(state).length);
		}
		// Their 120 IDs with their creation times (41 characters each in JSON), a cursor and which
		// build the state is; older rounds are forgotten.
		expect(Math.max(...sizes)).toBeLessThan(120 * 41 + 180);
		expect(sizes[4]).toBe(sizes[0]);
	});
});

describe('Room Ended', () => {
	test('rooms ended between polls, including one created and ended in between, once each', async () => {
		sandbox().seed(5);
		const trigger = await poller({ event: 'roomEnded' });
		expect(await trigger.poll()).toEqual([]);
		sandbox().end('seed-2');
		sandbox().end('seed-4');
		createRooms(1, 'brief');
		sandbox().end('brief-1');
		expect(ids(await trigger.poll())).toEqual(['seed-2', 'seed-4', 'brief-1']);
		expect(await trigger.poll()).toEqual([]);
		sandbox().end('seed-5');
		const emitted = await trigger.poll();
		expect(emitted).toEqual([expect.objectContaining({ externalId: 'seed-5', ended: true })]);
	});

	test('rooms ended before activation are not emitted; a test run shows the newest ended room', async () => {
		sandbox().seed(3);
		sandbox().end('seed-1');
		sandbox().end('seed-2');
		const trigger = await poller({ event: 'roomEnded' });
		expect(ids(await trigger.poll('manual'))).toEqual(['seed-2']);
		expect(await trigger.poll()).toEqual([]);
		expect(await trigger.poll()).toEqual([]);
	});
});

describe('Output (as the Videsk Rooms node’s)', () => {
	async function endedRoom(parameters: INodeParameters) {
		sandbox().seed(2, (index) => ({
			externalId: `old-${index + 1}`,
			createdAt: clock.now() - 3_600_000,
		}));
		createRooms(1, 'recent');
		const trigger = await poller({ event: 'roomEnded', ...parameters });
		await trigger.poll();
		sandbox().end('old-1');
		const [emitted] = await trigger.poll();
		const [test] = await trigger.poll('manual');
		return {
			emitted,
			test,
			stored: sandbox()
				.rooms()
				.find((room) => room.externalId === 'old-1')!,
		};
	}

	/** What every item says first: which event, and when it happened (or was found). */
	const event = { event: 'roomEnded', eventAt: expect.any(String) };

	test('Simplified by default: the event, the room’s ID, External ID, name, start, expiry and ended state, its times in the workflow’s timezone; not its authorizations', async () => {
		const { emitted, test, stored } = await endedRoom({});
		const simplified = {
			...event,
			id: stored.id,
			externalId: 'old-1',
			name: stored.name,
			nbf: stored.nbf,
			exp: stored.exp,
			ended: true,
			start: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?-0[45]:00$/),
			expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?-0[45]:00$/),
		};
		expect(emitted).toEqual(simplified);
		expect(test).toEqual(simplified);
		expect(Date.parse(emitted.start as string)).toBe(Date.parse(stored.nbf));
		expect(Date.parse(emitted.expiresAt as string)).toBe(Date.parse(stored.exp));
		expect(Object.keys(emitted)).toEqual([
			'event',
			'eventAt',
			'id',
			'externalId',
			'name',
			'nbf',
			'exp',
			'start',
			'expiresAt',
			'ended',
		]);
	});

	test('Raw: every field Videsk sent', async () => {
		const { emitted, stored } = await endedRoom({ output: 'raw' });
		expect(emitted).toEqual({ ...event, ...stored });
		expect(emitted.authorizations).toEqual(expect.any(Array));
	});

	test('Selected Fields: the ID and those picked', async () => {
		const { emitted, test, stored } = await endedRoom({
			output: 'fields',
			fields: ['createdAt', 'authorizations'],
		});
		const picked = {
			...event,
			id: stored.id,
			createdAt: stored.createdAt,
			authorizations: stored.authorizations,
		};
		expect(emitted).toEqual(picked);
		expect(test).toEqual(picked);
	});
});

describe('n8n’s poll time (getPollBudgetMs)', () => {
	test('a catch-up longer than the poll’s time stops within it; the next polls go on, each room once, oldest first', async () => {
		createRooms(3, 'before', clock.now() - 700_000);
		const trigger = await createPoller({
			parameters: { event: 'roomCreated' },
			credentials: { apiToken: sandbox().token, baseUrl: sandbox().url },
			budgetMs: 300,
		});
		await trigger.poll();
		// Created over the last 10 minutes (while n8n was down, say).
		sandbox().seed(600, (index) => ({
			externalId: `backlog-${index + 1}`,
			createdAt: clock.now() - 600_000 + index * 1000,
		}));
		sandbox().settings.latencyMs = 60;
		const emitted = [];
		const durations = [];
		for (let poll = 0; poll < 10 && emitted.length < 600; poll += 1) {
			const started = clock.now();
			emitted.push(...ids(await trigger.poll()));
			durations.push(clock.now() - started);
		}
		expect(emitted).toEqual(Array.from({ length: 600 }, (_, index) => `backlog-${index + 1}`));
		// Several polls, none past its time by more than a request.
		expect(durations.length).toBeGreaterThan(1);
		for (const duration of durations) expect(duration).toBeLessThan(300 + 250);
	});

	test('n8n 1.x has no getPollBudgetMs: the trigger polls as ever', async () => {
		const trigger = await createPoller({
			parameters: { event: 'roomCreated' },
			credentials: { apiToken: sandbox().token, baseUrl: sandbox().url },
			budgetMs: null,
		});
		await trigger.poll();
		createRooms(2, 'new');
		expect(ids(await trigger.poll())).toEqual(['new-1', 'new-2']);
	});
});

test('more rooms in one minute than a poll can read in its time: the poll fails, saying so', async () => {
	createRooms(3, 'before', clock.now() - 700_000);
	const trigger = await createPoller({
		parameters: { event: 'roomCreated' },
		credentials: { apiToken: sandbox().token, baseUrl: sandbox().url },
		budgetMs: 300,
	});
	await trigger.poll();
	// In the last second: a room created after now is not read before its time comes.
	createRooms(1000, 'burst', clock.now() - 1000);
	sandbox().settings.latencyMs = 60;
	// The first poll emits what it read; the next ones read that minute again and get no further.
	expect((await trigger.poll()).length).toBeGreaterThan(0);
	await expect(trigger.poll()).rejects.toThrow(
		/^Room Created: the rooms of one minute take longer to read than n8n gives a poll$/,
	);
});
