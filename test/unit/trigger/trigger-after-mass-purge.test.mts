import { useVirtualClock } from '../../support/clock.mjs';
// More than a thousand older rooms leaving the list between two polls (purged, e.g. by a
// retention policy, or while n8n was down): the window's place in the list moves up that much,
// and the read steps back, twice as far each time, until it finds it again. Found by an
// adversarial review; the model purges only a few rooms between polls.
import { describe, expect, test } from 'vitest';
import { createPoller } from '../../support/harness.mjs';
import { useSandbox } from '../../support/helpers.mjs';

const clock = useVirtualClock();
const sandbox = useSandbox();
const HOUR = 3_600_000;

async function triggerAfterPurge(event: 'roomCreated' | 'roomEnded') {
	const at = clock.now() - 2 * HOUR;
	sandbox().seed(1500, (index) => ({ externalId: `old-${index + 1}`, createdAt: at + index }));
	sandbox().seed(1, () => ({ externalId: 'recent', createdAt: clock.now() - 1000 }));
	const trigger = await createPoller({
		parameters: { event },
		credentials: { apiToken: sandbox().token, baseUrl: sandbox().url },
	});
	expect(await trigger.poll()).toEqual([]);
	for (let i = 1; i <= 1200; i += 1) sandbox().purge(`old-${i}`);
	return trigger;
}

describe('more than a thousand old rooms purged between two polls', () => {
	test('Room Created: the room created next is emitted by the next poll', async () => {
		const trigger = await triggerAfterPurge('roomCreated');
		sandbox().seed(1, () => ({ externalId: 'new', createdAt: clock.now() }));
		const polls = [];
		for (let poll = 0; poll < 3; poll += 1) {
			polls.push(
				await trigger.poll().then(
					(rooms) => rooms.map((room) => room.externalId),
					(error: Error) => error.message,
				),
			);
		}
		expect(polls).toEqual([['new'], [], []]);
	});

	test('Room Ended: the room ended next is emitted by the next poll', async () => {
		const trigger = await triggerAfterPurge('roomEnded');
		sandbox().end('old-1400');
		const polls = [];
		for (let poll = 0; poll < 3; poll += 1) {
			polls.push(
				await trigger.poll().then(
					(rooms) => rooms.map((room) => room.externalId),
					(error: Error) => error.message,
				),
			);
		}
		expect(polls).toEqual([['old-1400'], [], []]);
	});
});
