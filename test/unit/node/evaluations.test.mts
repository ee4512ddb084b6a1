// How many expressions n8n's routing evaluates per item (README: Performance). In n8n 2.x each
// evaluation runs in an isolated VM, about half a millisecond, so this count is most of the
// node's cost per item. Counted in n8n's own routing engine (n8n-core, test/support/harness.mjs) by
// wrapping n8n-workflow's Expression.resolveSimpleParameterValue, which every "=…" value goes
// through.
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { createRequire } from 'node:module';
import { expect, test } from 'vitest';
import { inHours, room, run, useSandbox } from '../../support/helpers.mjs';

// The CommonJS copy n8n-core uses, as in harness.mjs.
const { Expression } = createRequire(import.meta.url)('n8n-workflow') as {
	Expression: { prototype: { resolveSimpleParameterValue: (...args: unknown[]) => unknown } };
};

const sandbox = useSandbox();
const ITEMS = 10;

/** Evaluations per item of each expression, over a run of ITEMS items. */
async function evaluationsPerItem(
	parameters: INodeParameters,
	item: (index: number) => object = (index) => ({ key: `evt-${index}` }),
) {
	const { prototype } = Expression;
	const original = prototype.resolveSimpleParameterValue;
	const counts: Record<string, number> = {};
	prototype.resolveSimpleParameterValue = function (this: unknown, value, ...rest) {
		if (typeof value === 'string') counts[value] = (counts[value] ?? 0) + 1;
		return original.call(this, value, ...rest);
	};
	try {
		const items = Array.from({ length: ITEMS }, (_, index) => item(index)) as IDataObject[];
		const { error } = await run(sandbox(), parameters, { items });
		expect(error).toBeUndefined();
	} finally {
		prototype.resolveSimpleParameterValue = original;
	}
	return Object.fromEntries(Object.entries(counts).map(([value, count]) => [value, count / ITEMS]));
}

const KEY = '={{ $json.key }}';
const BASE_URL = '={{$credentials.baseUrl}}';

test.each([
	{ operation: 'get' },
	{ operation: 'update', updateFields: { name: 'Renamed' } },
	{ operation: 'end' },
	{ operation: 'getJoinToken' },
	{ operation: 'getStats' },
])('$operation: Room evaluated 3 times per item, the base URL twice', async (parameters) => {
	sandbox().seed(ITEMS, (index) => ({ externalId: `evt-${index}`, nbf: inHours(-1) }));
	expect(await evaluationsPerItem({ ...parameters, room: room('externalId', KEY) })).toEqual({
		[KEY]: 3,
		[BASE_URL]: 2,
	});
});

// Create has its own External ID field (optional there): a workflow holds only the one shown.
test.each([
	['create', 'createExternalId'],
	['createOrGet', 'externalId'],
	['createOrUpdate', 'externalId'],
])('%s: External ID evaluated 3 times per item, the base URL twice', async (operation, field) => {
	expect(await evaluationsPerItem({ operation, [field]: KEY })).toEqual({
		[KEY]: 3,
		[BASE_URL]: 2,
	});
});

// Every other field: n8n's two passes, and the contract's one read (fields/contract.ts). A
// field with routing `send` was read once more in each pass.
test.each<[string, INodeParameters, (index: number) => object]>([
	['create: Name', { operation: 'create', name: KEY }, (index) => ({ key: `name-${index}` })],
	[
		'create: Max Participants',
		{ operation: 'create', additionalFields: { maxParticipants: KEY } },
		() => ({ key: 4 }),
	],
	[
		'create: Expires At',
		{ operation: 'create', additionalFields: { exp: KEY } },
		() => ({ key: inHours(2) }),
	],
	[
		'update: Update Fields → Name',
		{ operation: 'update', room: room('externalId', 'seed-1'), updateFields: { name: KEY } },
		(index) => ({ key: `name-${index}` }),
	],
	[
		'getJoinToken: Participant Label',
		{ operation: 'getJoinToken', room: room('externalId', 'seed-1'), participant: KEY },
		(index) => ({ key: `p-${index}` }),
	],
	[
		'getAll: Filters → External ID',
		{ operation: 'getAll', returnAll: true, filters: { externalId: KEY } },
		() => ({ key: 'seed-1' }),
	],
	[
		'getStats: View',
		{ operation: 'getStats', room: room('externalId', 'seed-1'), view: KEY },
		() => ({ key: 'summary' }),
	],
])('%s: evaluated 3 times per item', async (_, parameters, item) => {
	sandbox().seed(1);
	expect(await evaluationsPerItem(parameters, item)).toEqual({ [KEY]: 3, [BASE_URL]: 2 });
});
