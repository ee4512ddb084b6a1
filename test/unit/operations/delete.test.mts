// Delete is not an operation: Videsk's API refuses every delete. A workflow saved with it (by an
// older version of this node) is refused before any request, pointing at End.
import { expect, test } from 'vitest';
import { room, run, useSandbox } from '../../support/helpers.mjs';

const sandbox = useSandbox();

test('a saved Delete is refused before any request, with the End advice', async () => {
	sandbox().seed(1);
	const { error } = await run(sandbox(), {
		operation: 'delete',
		room: room('externalId', 'seed-1'),
	});
	expect(error?.message).toBe('Operation "delete" is not available');
	expect(error?.description).toBe(
		'Videsk does not allow deleting rooms through its API. Use the "End" operation to close the room. Nothing was sent to Videsk.',
	);
	expect(sandbox().requests).toEqual([]);
});

test('with Continue On Fail, every item of a saved Delete carries that error, paired', async () => {
	const { items } = await run(
		sandbox(),
		{ operation: 'delete', room: room('externalId', 'seed-1') },
		{ items: [{}, {}], continueOnFail: true },
	);
	expect(items.map((item) => [item.json.error, item.pairedItem])).toEqual([
		['Operation "delete" is not available', { item: 0 }],
		['Operation "delete" is not available', { item: 1 }],
	]);
	expect(sandbox().requests).toEqual([]);
});
