// Under n8n's default On Error ("Stop Workflow"), an item the node refuses before any request
// stops the node with nothing sent, for any item: every item's parameters are read before any
// item's request. n8n's routing starts every item at once, so without that the other items were
// sent all the same, their rooms created and their access tokens seen by nobody. Under Continue
// the other items run (node/pairing.test.mts).
import { expect, test } from 'vitest';
import { room, run, useSandbox } from '../../support/helpers.mjs';

const sandbox = useSandbox();
const create = { operation: 'create', name: '={{ $json.name }}' };
const names = (refused: number) =>
	Array.from({ length: 10 }, (_, index) => ({
		name: index === refused ? 'x'.repeat(501) : `room-${index}`,
	}));

test('found in review: under Stop, 10 Creates with the 2nd item’s Name too long: the node fails naming Name, no room is created', async () => {
	const { error, items } = await run(sandbox(), create, { items: names(1) });
	expect(error?.message).toBe('Name: 501 characters, Videsk allows at most 500');
	expect(items).toEqual([]);
	expect(sandbox().requests).toHaveLength(0);
});

test.each([0, 9])(
	'under Stop, item %i of 10 refused before any request: nothing is sent for any item',
	async (refused) => {
		const { error } = await run(sandbox(), create, { items: names(refused) });
		expect(error?.message).toMatch(/^Name: /);
		expect(error?.context?.itemIndex).toBe(refused);
		expect(sandbox().requests).toHaveLength(0);
	},
);

test('under Continue, the valid items of the same run are still sent', async () => {
	const { items } = await run(sandbox(), create, { items: names(1), continueOnFail: true });
	expect(items.map((item) => item.json.error !== undefined)).toEqual(
		names(1).map((_, index) => index === 1),
	);
	expect(sandbox().rooms()).toHaveLength(9);
});

test('under Stop, with every item valid, every item is sent', async () => {
	const { error, items } = await run(sandbox(), create, { items: names(-1) });
	expect(error).toBeUndefined();
	expect(items).toHaveLength(10);
	expect(sandbox().rooms()).toHaveLength(10);
});

test('under Stop with Execute Once, the one item n8n runs is sent (the others are not waited for)', async () => {
	sandbox().seed(1);
	const { error, items } = await run(
		sandbox(),
		{ operation: 'get', room: room('externalId', 'seed-1') },
		{ items: [{}, {}, {}], settings: { executeOnce: true } },
	);
	expect(error).toBeUndefined();
	expect(items).toHaveLength(1);
});

test('under Stop with Retry On Fail, a retry reads every item again: refused again, nothing sent', async () => {
	const { error } = await run(sandbox(), create, {
		items: names(1),
		settings: { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 },
	});
	expect(error?.message).toMatch(/^Name: /);
	expect(sandbox().requests).toHaveLength(0);
});
