// The node as an AI agent's tool, in n8n's routing engine: what its Simplified output hands the
// agent (no room access token, except from Get Join Token), and the tool description it gives
// each operation. The same in a real n8n with an agent and over MCP: test/e2e/agent.test.mts and
// test/e2e/mcp.test.mts.
import type {
	INodeParameters,
	INodeProperties,
	INodePropertyOptions,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadPackage } from '../../support/harness.mjs';
import { inHours, room, run, useSandbox } from '../../support/helpers.mjs';

// The CommonJS copy n8n-core uses, as in harness.mjs.
const { NodeHelpers } = createRequire(import.meta.url)(
	'n8n-workflow',
) as typeof import('n8n-workflow');

const sandbox = useSandbox();
let node: INodeType;
/**
 * The node typed as n8n types its AI-tool variant: the same node under its name + "Tool" (n8n's
 * convertNodeToAiTool also swaps its connections for an ai_tool output and adds the tool
 * parameters; the end-to-end tests run the real variant).
 */
let tool: INodeType;
let operations: string[];

beforeAll(async () => {
	node = (await loadPackage()).getNode('videskRooms').type as INodeType;
	tool = Object.create(node, {
		description: { value: { ...node.description, name: `${node.description.name}Tool` } },
	});
	operations = (
		node.description.properties.find((p) => p.name === 'operation')!
			.options as INodePropertyOptions[]
	).map((option) => option.value as string);
});

/**
 * The operations that hand out a room's access token, and how to make each send one. (Create or
 * Get and Create or Update never do: test/unit/operations/createOrGet.test.mts.)
 */
const TOKEN_SENDING: Record<string, () => INodeParameters> = {
	create: () => ({ operation: 'create', externalId: 'standup' }),
	update: () => {
		sandbox().seed(1, () => ({ externalId: 'standup' }));
		return {
			operation: 'update',
			room: room('externalId', 'standup'),
			updateFields: { exp: inHours(2), generateToken: true },
		};
	},
};

describe('as an AI agent’s tool, Simplified leaves out the room’s access token', () => {
	test.each(Object.keys(TOKEN_SENDING))(
		'%s: the node gives the token, its tool form the same room without it',
		async (operation) => {
			const asNode = await run(sandbox(), TOKEN_SENDING[operation]());
			expect(asNode.error).toBeUndefined();
			expect(asNode.items[0].json.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
			const fields = Object.keys(asNode.items[0].json);

			sandbox().reset();
			const asTool = await run(sandbox(), TOKEN_SENDING[operation](), { nodeType: tool });
			expect(asTool.error).toBeUndefined();
			expect(asTool.items).toHaveLength(1);
			expect(Object.keys(asTool.items[0].json)).toEqual(
				fields.filter((field) => field !== 'accessToken'),
			);
		},
	);

	test.each(['raw', 'fields'])(
		'with Output %s and the token picked, the tool returns it',
		async (output) => {
			const { items, error } = await run(
				sandbox(),
				{ ...TOKEN_SENDING.create(), output, fields: ['accessToken'] },
				{ nodeType: tool },
			);
			expect(error).toBeUndefined();
			expect(items[0].json.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
		},
	);

	test('Get Join Token, whose output is the token, returns it to the agent', async () => {
		sandbox().seed(1, () => ({ externalId: 'standup' }));
		const { items, error } = await run(
			sandbox(),
			{ operation: 'getJoinToken', room: room('externalId', 'standup'), participant: 'ana' },
			{ nodeType: tool },
		);
		expect(error).toBeUndefined();
		expect(Object.keys(items[0].json)).toEqual(['participant', 'externalId', 'accessToken']);
	});
});

describe('the tool description', () => {
	/** The node's parameters n8n shows (and so evaluates) for these values, in `type`. */
	function shown(type: INodeType, parameters: INodeParameters): INodeProperties[] {
		const description = type.description as INodeTypeDescription;
		const node = { name: 'Rooms', type: description.name, typeVersion: 1, parameters };
		return description.properties.filter((property) =>
			NodeHelpers.displayParameter(parameters, property, node as never, description),
		);
	}

	test('each operation has its own in the tool form, and the node itself shows none', () => {
		const texts = new Set<string>();
		for (const operation of operations) {
			const parameters = { resource: 'room', operation };
			const [own, ...others] = shown(tool, parameters).filter(
				(property) => property.name === 'toolDescription',
			);
			expect(others, operation).toEqual([]);
			expect(own, operation).toMatchObject({ type: 'string', required: true });
			texts.add(own.default as string);
			expect(shown(node, parameters).map((property) => property.name)).not.toContain(
				'toolDescription',
			);
		}
		expect(texts.size).toBe(operations.length);
	});

	test('within what OpenAI’s function calling accepts (at most 1,024 characters)', () => {
		for (const property of tool.description.properties) {
			if (property.name !== 'toolDescription') continue;
			expect((property.default as string).length).toBeLessThanOrEqual(1024);
		}
	});
});
