// A write (Create, Update, End, Get Join Token…) whose connection breaks, or that gets no answer
// in time, may have been made by Videsk all the same; the node does not send it again, and its
// advice says to check the room before running the item again, not to try again (for Create
// without an External ID, that makes a second room). A read's advice still says to try again.
import { expect, test } from 'vitest';
import { useVirtualClock } from '../../support/clock.mjs';
import { room, run, useSandbox } from '../../support/helpers.mjs';

useVirtualClock();
const sandbox = useSandbox();
const seeded = room('externalId', 'seed-1');

async function lostAnswer(
	parameters: Record<string, unknown>,
	method: string,
	kind: 'reset' | 'hang',
) {
	sandbox().reset();
	sandbox().seed(1);
	sandbox().fault({ method, kind, times: 10 });
	const { items } = await run(
		sandbox(),
		{ ...parameters, requestOptions: { timeout: 300 } },
		{ continueOnFail: true },
	);
	expect(items[0].json.error).toMatch(/could not reach Videsk/);
	return String(items[0].error?.description);
}

test.each([['create', 'POST', {}]] as const)(
	'found in review: %s whose connection breaks before the answer says the change may have happened, and does not advise Retry On Fail',
	async (operation, method, parameters) => {
		for (const kind of ['reset', 'hang'] as const) {
			const description = await lostAnswer({ operation, ...parameters }, method, kind);
			expect(description).toMatch(/may have/);
			expect(description).not.toContain('Retry On Fail');
		}
	},
);

test.each([
	['update', 'PATCH', { room: seeded, updateFields: { name: 'Renamed' } }],
	['end', 'PATCH', { room: seeded }],
	['getJoinToken', 'POST', { room: seeded }],
	['createOrGet', 'POST', { externalId: 'new-room' }],
] as const)(
	'%s (%s) with its connection reset or no answer in time: "check the room before running the item again"',
	async (operation, method, parameters) => {
		for (const kind of ['reset', 'hang'] as const) {
			const description = await lostAnswer({ operation, ...parameters }, method, kind);
			expect(description).toContain(
				'Videsk may have made the change: check the room (with Get, or Create or Get with its External ID) before running the item again.',
			);
			expect(description).not.toMatch(/Try again|Retry On Fail/);
		}
	},
);

test('a read (Get) with its connection reset still advises to try again', async () => {
	const description = await lostAnswer({ operation: 'get', room: seeded }, 'GET', 'reset');
	expect(description).toContain('Try again later; "Retry On Fail"');
	expect(description).not.toContain('may have made the change');
});
