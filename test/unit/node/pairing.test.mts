// Every output item is paired with its input item (pairedItem), under every "On Error" setting
// of n8n, for every operation: "Continue (using error output)", "Continue" and stop. Through
// n8n's real engine (WorkflowExecute), which routes an error item to the error output by its
// `error` and pairs items itself only in a few cases (n8n-core workflow-execute.js,
// assignPairedItems: never once the node has an error output).
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { describe, expect, test } from 'vitest';
import { room, run, useSandbox } from '../../support/helpers.mjs';

const sandbox = useSandbox();
const byKey = room('externalId', '={{ $json.key }}');

/**
 * Each operation with three input items: the first succeeds, the second is refused by the
 * node before any request, the third fails at Videsk (which answers 400 or 404 for "fail-2").
 */
const operations: Record<string, { parameters: INodeParameters; keys: unknown[] }> = {
	create: {
		parameters: { operation: 'create', createExternalId: '={{ $json.key }}' },
		keys: ['new-0', { $ne: 'x' }, 'fail-2'],
	},
	createOrGet: {
		parameters: { operation: 'createOrGet', externalId: '={{ $json.key }}' },
		keys: ['new-0', null, 'fail-2'],
	},
	createOrUpdate: {
		parameters: { operation: 'createOrUpdate', externalId: '={{ $json.key }}', name: 'x' },
		keys: ['seed-1', '', 'fail-2'],
	},
	get: { parameters: { operation: 'get', room: byKey }, keys: ['seed-1', '.', 'fail-2'] },
	getAll: {
		parameters: {
			operation: 'getAll',
			returnAll: true,
			filters: { externalId: '={{ $json.key }}' },
		},
		keys: ['seed-1', { $in: ['seed-1'] }, 'fail-2'],
	},
	update: {
		parameters: { operation: 'update', room: byKey, updateFields: { name: 'Renamed' } },
		keys: ['seed-1', ['seed-1'], 'fail-2'],
	},
	end: { parameters: { operation: 'end', room: byKey }, keys: ['seed-1', true, 'fail-2'] },
	getJoinToken: {
		parameters: { operation: 'getJoinToken', room: byKey },
		keys: ['seed-1', '  ', 'fail-2'],
	},
	getStats: { parameters: { operation: 'getStats', room: byKey }, keys: ['seed-1', 3.5, 'fail-2'] },
};

/** Where Videsk fails the third item: the list filtered on it, or the room created with it. */
function failThirdItem() {
	sandbox().fault({
		match: (request) =>
			request.query.externalId === 'fail-2' || request.body?.externalId === 'fail-2',
		status: 400,
		body: { name: 'BadRequest', message: 'Refused for the test', code: 400 },
		times: 10,
	});
}

const errorOf = (item: INodeExecutionData) =>
	(item.json.error as string | undefined) ?? item.error?.message;
const pairs = (items: INodeExecutionData[]) =>
	items.map((item) => (item.pairedItem as { item: number } | undefined)?.item);

describe.each(Object.entries(operations))('%s', (operation, { parameters, keys }) => {
	const items: IDataObject[] = keys.map((key) => ({ key }) as IDataObject);
	const failing = [1, 2];

	test('Continue (using error output): successes on the main output, errors on the error output, each paired', async () => {
		sandbox().seed(1);
		failThirdItem();
		const {
			items: main,
			errorItems,
			error,
		} = await run(sandbox(), parameters, {
			items,
			onError: 'continueErrorOutput',
		});
		expect(error).toBeUndefined();
		expect(pairs(main)).toEqual([0]);
		expect(main.every((item) => errorOf(item) === undefined)).toBe(true);
		expect(pairs(errorItems)).toEqual(failing);
		expect(errorItems.every((item) => errorOf(item) !== undefined)).toBe(true);
	});

	test('Continue: every item in order, each paired, the failed ones with their error', async () => {
		sandbox().seed(1);
		failThirdItem();
		const { items: output, error } = await run(sandbox(), parameters, {
			items,
			onError: 'continueRegularOutput',
		});
		expect(error).toBeUndefined();
		expect(pairs(output)).toEqual([0, 1, 2]);
		expect(output.map((item) => errorOf(item) !== undefined)).toEqual(
			[0, 1, 2].map((index) => failing.includes(index)),
		);
	});

	test('stop: the first failing item stops the node, named by its index', async () => {
		sandbox().seed(1);
		failThirdItem();
		const { error } = await run(sandbox(), parameters, { items, onError: 'stopWorkflow' });
		expect(error).toBeDefined();
		expect((error as { context?: IDataObject }).context?.itemIndex).toBe(failing[0]);
	});
});

describe('Get Many under Continue (using error output)', () => {
	test('every room of an item is paired with it; a failing item’s error too', async () => {
		sandbox().seed(3);
		const { items, errorItems } = await run(
			sandbox(),
			{ operation: 'getAll', returnAll: true },
			{ items: [{}, {}], onError: 'continueErrorOutput' },
		);
		expect(pairs(items)).toEqual([0, 0, 0, 1, 1, 1]);
		expect(errorItems).toEqual([]);
	});
});
