// The Videsk Rooms Trigger where a real database and real networks take it, through n8n-core's
// polling path, each as a review reproduced it: an answer that trickles in, rooms that share a
// createdAt given in another order for each query (MongoDB), a clock and a room ahead, and what
// the trigger's errors advise.
import type { INodeParameters } from 'n8n-workflow';
import { expect, test } from 'vitest';
import { useVirtualClock } from '../../support/clock.mjs';
import { createPoller } from '../../support/harness.mjs';
import { useSandbox } from '../../support/helpers.mjs';

const clock = useVirtualClock();
const sandbox = useSandbox();
const MINUTE = 60_000;

function poller(parameters: INodeParameters, budgetMs?: number) {
	return createPoller({
		parameters,
		credentials: { apiToken: sandbox().token, baseUrl: sandbox().url },
		budgetMs,
	});
}

const ids = (rooms: Array<Record<string, unknown>>) => rooms.map((room) => room.externalId);

test('a list answer whose body trickles in ends with the poll’s time; the next polls read on and emit what came meanwhile', async () => {
	sandbox().seed(3);
	const trigger = await poller({ event: 'roomCreated' }, 3_000);
	await trigger.poll();
	// Headers at once, then a byte every 2 s: the answer would take minutes.
	sandbox().fault({ method: 'GET', kind: 'trickle', intervalMs: 2_000 });
	const started = clock.now();
	await expect(trigger.poll()).rejects.toThrow(/no answer within/);
	expect(clock.now() - started).toBeLessThan(3_000 + 1_500);
	sandbox().seed(2, (index) => ({ externalId: `meanwhile-${index + 1}`, createdAt: clock.now() }));
	// The overlap guard holds no poll behind the one that ran out of time.
	expect(ids(await trigger.poll())).toEqual(['meanwhile-1', 'meanwhile-2']);
}, 20_000);

test('a poll still running past its deadline holds the next one no longer: that one runs, the late one’s result is dropped', async () => {
	sandbox().seed(1);
	const trigger = await poller({ event: 'roomCreated' }, 1_000);
	await trigger.poll();
	// Videsk takes longer than the poll's time to start answering; the attempt is abandoned at
	// the deadline, and the poll after it runs at once.
	sandbox().fault({ method: 'GET', latencyMs: 5_000 });
	const late = trigger.poll().catch((error: Error) => error);
	await clock.sleep(1_200);
	sandbox().seed(1, () => ({ externalId: 'after', createdAt: clock.now() }));
	expect(ids(await trigger.poll())).toEqual(['after']);
	expect(await late).toBeInstanceOf(Error);
}, 20_000);

test('150 rooms with one createdAt across page boundaries, given in another order for each query: every one emitted once', async () => {
	sandbox().settings.ties = 'shuffled';
	sandbox().settings.maxPageSize = 40;
	sandbox().seed(5);
	const created = await poller({ event: 'roomCreated' });
	const ended = await poller({ event: 'roomEnded' });
	await created.poll();
	const at = clock.now();
	sandbox().seed(150, (index) => ({ externalId: `tie-${1000 + index}`, createdAt: at }));
	const emitted = ids(await created.poll());
	expect(emitted).toHaveLength(150);
	expect(new Set(emitted).size).toBe(150);
	// Room Ended, activated on the 150, watches every one of them: each end is emitted.
	await ended.poll();
	for (const room of sandbox()
		.rooms()
		.filter((r) => String(r.externalId).startsWith('tie-'))) {
		sandbox().end(room.id);
	}
	const ends = ids(await ended.poll());
	expect(new Set(ends).size).toBe(150);
	// The sort named a tie-breaker the docs let the list sort by.
	expect(sandbox().requests.at(-1)?.query.$sort).toMatchObject({ externalId: '1' });
}, 60_000);

test('Videsk’s Date header and one room 10 minutes ahead: the rooms created in the next minutes are still emitted', async () => {
	sandbox().seed(2);
	const trigger = await poller({ event: 'roomCreated' });
	await trigger.poll();
	// A proxy or an app server whose clock is 10 min fast, and one room created there.
	sandbox().settings.dateSkewMs = 10 * MINUTE;
	sandbox().seed(1, () => ({ externalId: 'ahead', createdAt: clock.now() + 10 * MINUTE }));
	expect(ids(await trigger.poll())).toEqual(['ahead']);
	sandbox().settings.dateSkewMs = 0;
	// Rooms created with their true createdAt over the next minutes.
	sandbox().seed(3, (index) => ({
		externalId: `true-time-${index + 1}`,
		createdAt: clock.now() + index * MINUTE,
	}));
	expect(ids(await trigger.poll())).toEqual(['true-time-1', 'true-time-2', 'true-time-3']);
});

for (const event of ['roomCreated', 'roomEnded']) {
	test(`${event}: servers whose clocks differ by minutes, the Date going back between an activation’s pages: nothing from before it is emitted`, async () => {
		sandbox().settings.maxPageSize = 4;
		const now = clock.now();
		sandbox().seed(10, (index) => ({
			externalId: `old-${index}`,
			createdAt: now - 1_000_000 + index * 1000,
		}));
		sandbox().seed(8, (index) => ({
			externalId: `recent-${index}`,
			createdAt: now - 45_000 + index * 5000,
		}));
		for (const room of sandbox()
			.rooms()
			.filter((r) => r.externalId!.startsWith('recent-'))) {
			sandbox().end(room.id, { at: now - 1000 });
		}
		// Behind a load balancer: the first answer from a server on time, the others from one 5 min behind.
		sandbox().settings.dateSkewMs = [0, ...Array(20).fill(-5 * MINUTE)];
		const trigger = await poller({ event });
		await trigger.poll();
		sandbox().settings.dateSkewMs = 0;
		expect(ids(await trigger.poll())).toEqual([]);
	});
}

test('a poll’s request that runs out of the poll’s time says so in the trigger’s words, not a node’s Timeout', async () => {
	sandbox().seed(1);
	const trigger = await poller({ event: 'roomCreated' }, 1_000);
	await trigger.poll();
	sandbox().fault({ method: 'GET', kind: 'hang', times: 10 });
	const error = (await trigger.poll().catch((thrown: unknown) => thrown)) as {
		message: string;
		description: string;
	};
	expect(error.message).toMatch(
		/^Room Created: could not reach Videsk for the room list: no answer within/,
	);
	expect(error.description).toContain(
		'Each poll has 1 second (n8n’s budget); the next poll tries again.',
	);
	expect(error.description).not.toContain('Request Options');
}, 20_000);

test('Fetch Test Event (Room Ended) on a server whose query schema refuses to sort by the undocumented updatedAt: the newest ended room', async () => {
	sandbox().settings.querySchema = 'strict';
	sandbox().settings.updatedAt = true;
	sandbox().seed(3);
	sandbox().end('seed-2');
	const trigger = await poller({ event: 'roomEnded' });
	expect(ids(await trigger.poll('manual'))).toEqual(['seed-2']);
	expect(sandbox().requests.some((request) => request.status === 400)).toBe(true);
});
