import { useVirtualClock } from '../../support/clock.mjs';
// Where Videsk's rooms carry no createdAt (as the docs' room example shows them), the trigger
// reads each room's creation second from its ObjectId; Videsk sorts by its own createdAt, set on
// saving, after the ObjectId is made: two rooms created at once across a second can be listed with
// their ID seconds one apart in reverse. That is no sign of an unsorted list (list.ts
// ID_TIME_SLACK_MS). Found by an adversarial review.
import { describe, expect, test } from 'vitest';
import { createPoller } from '../../support/harness.mjs';
import { useSandbox } from '../../support/helpers.mjs';

const clock = useVirtualClock();
const sandbox = useSandbox();

const hexSecond = (ms: number) =>
	Math.floor(ms / 1000)
		.toString(16)
		.padStart(8, '0');

describe('an account without createdAt: two rooms whose ID seconds are one apart in reverse', () => {
	test('Room Created: the polls after them succeed, and each room is emitted once', async () => {
		sandbox().seed(3, (index) => ({
			externalId: `old-${index + 1}`,
			createdAt: clock.now() - 10_000 + index,
		}));
		const hide = () => {
			for (const room of sandbox().rooms())
				if (room.createdAt !== undefined) sandbox().update(room.id, { createdAt: undefined });
		};
		hide();
		const trigger = await createPoller({
			parameters: { event: 'roomCreated' },
			credentials: { apiToken: sandbox().token, baseUrl: sandbox().url },
		});
		await trigger.poll();
		// Listed in the order Videsk saved them (its hidden createdAt): a, then b; b's ObjectId was
		// made a moment before a's, in the second before.
		sandbox().seed(2, (index) => ({ externalId: ['a', 'b'][index], createdAt: clock.now() }));
		hide();
		const now = clock.now();
		for (const [externalId, second] of [
			['a', now],
			['b', now - 1000],
		] as const) {
			const room = sandbox()
				.rooms()
				.find((each) => each.externalId === externalId)!;
			sandbox().update(room.id, { id: hexSecond(second) + String(room.id).slice(8) });
		}
		const polls = [];
		for (let poll = 0; poll < 3; poll += 1) {
			if (poll === 1) sandbox().seed(1, () => ({ externalId: 'c', createdAt: clock.now() }));
			hide();
			polls.push(
				await trigger.poll().then(
					(rooms) => rooms.map((room) => room.externalId),
					(error: Error) => error.message,
				),
			);
		}
		expect(polls).toEqual([['a', 'b'], ['c'], []]);
	});
});
