import { useVirtualClock } from '../../support/clock.mjs';
// A lookup answered 404 by something in front of Videsk (an HTML page from a proxy or gateway,
// e.g. during a deploy) is a failed lookup, tried again at the next poll; only Videsk's own
// NotFound means the room is gone. Found by an adversarial review; the model's lookup faults
// never answer 404.
import { describe, expect, test } from 'vitest';
import { createPoller } from '../../support/harness.mjs';
import { useSandbox } from '../../support/helpers.mjs';

const clock = useVirtualClock();
const sandbox = useSandbox();
const HOUR = 3_600_000;

describe('a lookup answered 404 by something that is not Videsk', () => {
	test('an HTML 404 page for one lookup: the end is emitted by a later poll', async () => {
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
		sandbox().fault({
			path: `/vpaas/rooms/${id}`,
			status: 404,
			body: '<html><body><h1>404 Not Found</h1>nginx</body></html>',
		});
		sandbox().end('old-1');
		const emitted: unknown[] = [];
		for (let poll = 0; poll < 3; poll += 1) {
			emitted.push(...(await trigger.poll()).map((room) => room.externalId));
		}
		expect(emitted).toEqual(['old-1']);
	});
});
