import { useVirtualClock } from '../../support/clock.mjs';
// A lookup answered 200 with a JSON object that is no room ({}: no "id") is a failed lookup,
// reported after 5 polls in a row like any other, as the node's Get treats it. Found by an
// adversarial review.
import { describe, expect, test } from 'vitest';
import { createPoller } from '../../support/harness.mjs';
import { useSandbox } from '../../support/helpers.mjs';

const clock = useVirtualClock();
const sandbox = useSandbox();
const HOUR = 3_600_000;

describe('lookups answered with something that is no room', () => {
	test('a room whose lookups answer 200 {} in 5 polls in a row is reported', async () => {
		sandbox().seed(2, (index) => ({
			externalId: `old-${index + 1}`,
			createdAt: clock.now() - HOUR + index,
		}));
		sandbox().seed(1, () => ({ externalId: 'recent', createdAt: clock.now() }));
		const trigger = await createPoller({
			parameters: { event: 'roomEnded' },
			credentials: { apiToken: sandbox().token, baseUrl: sandbox().url },
		});
		await trigger.poll();
		const id = sandbox()
			.rooms()
			.find((room) => room.externalId === 'old-1')!.id as string;
		sandbox().fault({ path: `/vpaas/rooms/${id}`, status: 200, body: {}, times: Infinity });
		sandbox().end('old-1');
		for (let poll = 0; poll < 6; poll += 1) await trigger.poll();
		const lookups = sandbox().requests.filter((request) => request.path === `/vpaas/rooms/${id}`);
		expect(lookups.length).toBeGreaterThanOrEqual(5);
		expect(
			trigger
				.reported()
				.map((error) => error.message)
				.join('\n'),
		).toContain(id);
	});
});
