import { useVirtualClock } from '../../support/clock.mjs';
// Room Ended after more than a thousand watched open rooms end between two polls (a clean-up
// workflow ending old rooms with the node's End): the open list is that much shorter where the
// trigger looks for them, and the read steps back, twice as far each time, until it finds them.
// Found by an adversarial review; the model ends only a few rooms between polls.
import { describe, expect, test } from 'vitest';
import { createPoller } from '../../support/harness.mjs';
import { useSandbox } from '../../support/helpers.mjs';

const clock = useVirtualClock();
const sandbox = useSandbox();
const HOUR = 3_600_000;

describe('more than a thousand watched open rooms ended between two polls', () => {
	test('Room Ended: the polls after them succeed and, in time, emit every end once', async () => {
		const at = clock.now() - 2 * HOUR;
		sandbox().seed(1500, (index) => ({ externalId: `old-${index + 1}`, createdAt: at + index }));
		sandbox().seed(1, () => ({ externalId: 'recent', createdAt: clock.now() - 1000 }));
		const trigger = await createPoller({
			parameters: { event: 'roomEnded' },
			credentials: { apiToken: sandbox().token, baseUrl: sandbox().url },
		});
		expect(await trigger.poll()).toEqual([]);
		for (let i = 1; i <= 1200; i += 1) sandbox().end(`old-${i}`);
		const failures: string[] = [];
		const emitted = new Set<string>();
		// At most 50 lookups a poll: 24 polls for 1,200 ends, and a few more.
		for (let poll = 0; poll < 30; poll += 1) {
			try {
				for (const room of await trigger.poll()) emitted.add(String(room.externalId));
			} catch (error) {
				failures.push((error as Error).message);
			}
		}
		expect(failures.slice(0, 3)).toEqual([]);
		expect(emitted.size).toBe(1200);
	});

	test('Room Ended with a prefix, n8n restarted after 1,200 other rooms ended one poll at a time: the polls go on', async () => {
		// n8n's default scheduler saves the static data only with an emit: polls that emit nothing
		// move the state in memory only, and a restart starts from the last emit's.
		const at = clock.now() - 2 * HOUR;
		sandbox().seed(1, () => ({ externalId: 'crm-1', createdAt: at - 1000 }));
		sandbox().seed(1500, (index) => ({ externalId: `cal-${index + 1}`, createdAt: at + index }));
		sandbox().seed(1, () => ({ externalId: 'recent', createdAt: clock.now() - 1000 }));
		const trigger = await createPoller({
			parameters: { event: 'roomEnded', options: { externalIdPrefix: 'crm-' } },
			credentials: { apiToken: sandbox().token, baseUrl: sandbox().url },
		});
		expect(await trigger.poll()).toEqual([]);
		for (let round = 0; round < 6; round += 1) {
			for (let i = 1; i <= 200; i += 1) sandbox().end(`cal-${round * 200 + i}`);
			expect(await trigger.poll()).toEqual([]);
		}
		trigger.reactivate();
		sandbox().end('crm-1');
		const polls = [];
		for (let poll = 0; poll < 3; poll += 1) {
			polls.push(
				await trigger.poll().then(
					(rooms) => rooms.map((room) => room.externalId),
					(error: Error) => error.message,
				),
			);
		}
		expect(polls).toEqual([['crm-1'], [], []]);
	});
});
