// End to end: the node's AI-tool variant behind n8n's MCP Server Trigger, in a real n8n, called by
// an MCP client. The tools are the example agent's "Book video room" node
// (examples/agent-books-room.json, as it is) and a Get Join Token tool; the workflow is created
// and activated through n8n's REST API, with a workflow timezone. The client is written here: a
// few lines of JSON-RPC over MCP's Streamable HTTP transport (what the trigger serves at
// /mcp/<path>), answers read as JSON or as server-sent events. One n8n for the file.
import type { INodeTypeDescription } from 'n8n-workflow';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { loadPackage, PACKAGE_DIR } from '../support/harness.mjs';
import { type Sandbox, startSandbox, STRICTEST } from '../sandbox/server.mjs';
import { createN8nHome, ensureN8n, startN8nSignedIn, type N8nHome } from './n8n-runtime.mjs';

/** UTC+05:30 all year: a wall-clock time without an offset is 5 h 30 min ahead of UTC. */
const TIMEZONE = 'Asia/Kolkata';
/** The date the node's errors give as an example: next year's 1 May, 09:30. */
const EXAMPLE_DATE = `${new Date().getUTCFullYear() + 1}-05-01T09:30:00`;
const MCP_PATH = 'videsk-rooms';
const EXAMPLE = JSON.parse(
	readFileSync(path.join(PACKAGE_DIR, 'examples', 'agent-books-room.json'), 'utf8'),
);
const BOOK_ROOM = EXAMPLE.nodes.find(
	(node: { type: string }) => node.type === 'n8n-nodes-videsk.videskRoomsTool',
);
const JOIN_TOKEN = {
	id: 'join',
	name: 'Get join token',
	type: 'n8n-nodes-videsk.videskRoomsTool',
	typeVersion: 1,
	position: [200, 200],
	parameters: {
		resource: 'room',
		operation: 'getJoinToken',
		room: {
			__rl: true,
			mode: 'externalId',
			value: "={{ $fromAI('externalId', `The room's External ID`, 'string') }}",
		},
		participant:
			"={{ $fromAI('participant', `Who the token is for, e.g. their email`, 'string') }}",
	},
};
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;

let sandbox: Sandbox;
let home: N8nHome;
let n8n: Awaited<ReturnType<typeof startN8nSignedIn>>;
let mcp: McpClient;
/** The node's tool description for each operation. */
let toolDescriptions: Record<string, string>;

/**
 * A minimal MCP client over Streamable HTTP: JSON-RPC messages POSTed to the server's URL, each
 * answered as JSON or as a stream of server-sent events; the session the server opens at
 * `initialize` is named on every later message.
 */
class McpClient {
	private session: string | undefined;
	private lastId = 0;

	constructor(private readonly url: string) {}

	private post(message: object) {
		return fetch(this.url, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				accept: 'application/json, text/event-stream',
				...(this.session && { 'mcp-session-id': this.session }),
			},
			body: JSON.stringify({ jsonrpc: '2.0', ...message }),
		});
	}

	/** Sends a request; resolves with its result, or throws its JSON-RPC error. */
	async request(method: string, params?: object): Promise<any> {
		const id = ++this.lastId;
		const response = await this.post({ id, method, params });
		if (!response.ok) throw new Error(`${method}: ${response.status} ${await response.text()}`);
		this.session ??= response.headers.get('mcp-session-id') ?? undefined;
		const text = await response.text();
		const messages = response.headers.get('content-type')?.startsWith('text/event-stream')
			? text
					.split(/\r?\n\r?\n/)
					.map((event) =>
						event
							.split(/\r?\n/)
							.filter((line) => line.startsWith('data:'))
							.map((line) => line.slice(5).trim())
							.join('\n'),
					)
					.filter((data) => data !== '')
					.map((data) => JSON.parse(data))
			: [JSON.parse(text)];
		const answer = messages.find((message) => message.id === id);
		if (!answer) throw new Error(`${method}: no answer in ${text}`);
		if (answer.error) throw new Error(`${method}: ${JSON.stringify(answer.error)}`);
		return answer.result;
	}

	async notify(method: string) {
		const response = await this.post({ method });
		expect(response.status, method).toBe(202);
	}
}

beforeAll(async () => {
	ensureN8n();
	const started = Date.now();
	sandbox = await startSandbox(STRICTEST);
	home = await createN8nHome(PACKAGE_DIR);
	n8n = await startN8nSignedIn(home);
	const credential = await n8n.rest('POST', '/credentials', {
		name: 'Videsk sandbox',
		type: 'videskApi',
		data: { apiToken: sandbox.token, baseUrl: sandbox.url },
	});
	const tools = [BOOK_ROOM, JOIN_TOKEN].map((node) => ({
		...node,
		credentials: { videskApi: { id: credential.id, name: credential.name } },
	}));
	const workflow = await n8n.rest('POST', '/workflows', {
		name: 'Videsk Rooms over MCP',
		nodes: [
			{
				id: 'mcp',
				name: 'MCP Server Trigger',
				type: '@n8n/n8n-nodes-langchain.mcpTrigger',
				typeVersion: 2.1,
				position: [0, 0],
				parameters: { path: MCP_PATH },
				webhookId: '0d6c1f6e-2a43-4f7e-9b1a-3c5d7e9f1a2b',
			},
			...tools,
		],
		connections: Object.fromEntries(
			tools.map((tool) => [
				tool.name,
				{ ai_tool: [[{ node: 'MCP Server Trigger', type: 'ai_tool', index: 0 }]] },
			]),
		),
		settings: { executionOrder: 'v1', timezone: TIMEZONE },
	});
	await n8n.rest('POST', `/workflows/${workflow.id}/activate`, {
		versionId: workflow.versionId,
	});

	const node = (await loadPackage()).getNode('videskRooms').type
		.description as INodeTypeDescription;
	toolDescriptions = Object.fromEntries(
		node.properties
			.filter((property) => property.name === 'toolDescription')
			.map((property) => [property.displayOptions!.show!.operation![0], property.default]),
	);

	// n8n registers the trigger's webhook shortly after the activation: until then, 404.
	const deadline = Date.now() + 30_000;
	for (;;) {
		mcp = new McpClient(`${n8n.url}/mcp/${MCP_PATH}`);
		try {
			await mcp.request('initialize', {
				protocolVersion: '2025-06-18',
				capabilities: {},
				clientInfo: { name: 'n8n-nodes-videsk e2e', version: '1' },
			});
			break;
		} catch (error) {
			if (!String(error).includes(' 404 ') || Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
	}
	await mcp.notify('notifications/initialized');
	console.log(`mcp e2e: n8n ready in ${Math.round((Date.now() - started) / 1000)} s`);
}, 30 * 60_000);

beforeEach(() => sandbox.reset());

afterAll(async () => {
	await n8n?.stop();
	await sandbox?.close();
	if (home) rmSync(home.userFolder, { recursive: true, force: true });
});

/** Tomorrow's date in TIMEZONE, as YYYY-MM-DD. */
function tomorrow(): string {
	return new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE }).format(
		Date.now() + 24 * 3_600_000,
	);
}

/** A wall-clock time in TIMEZONE ("2026-05-01T09:30:00") as the UTC instant Videsk stores. */
const inUtc = (wallClock: string) => new Date(`${wallClock}+05:30`).toISOString();

const call = (name: string, args: object) =>
	mcp.request('tools/call', { name, arguments: args }) as Promise<{
		content: Array<{ type: string; text: string }>;
		isError?: boolean;
	}>;

test('tools/list: each tool named after its node, with the node’s description for its operation and the $fromAI schema', async () => {
	const { tools } = await mcp.request('tools/list');
	const byName = Object.fromEntries(tools.map((tool: { name: string }) => [tool.name, tool]));
	expect(Object.keys(byName).sort()).toEqual(['Book_video_room', 'Get_join_token']);
	const { Book_video_room: book, Get_join_token: join } = byName;
	expect(book.description).toBe(toolDescriptions.createOrGet);
	expect(join.description).toBe(toolDescriptions.getJoinToken);
	expect(Object.keys(book.inputSchema.properties).sort()).toEqual([
		'expiresAt',
		'externalId',
		'name',
		'start',
	]);
	expect([...book.inputSchema.required].sort()).toEqual(
		Object.keys(book.inputSchema.properties).sort(),
	);
	for (const [key, schema] of Object.entries(book.inputSchema.properties as Record<string, any>)) {
		expect(schema.type, key).toBe('string');
		expect(schema.description, key).toMatch(/\w{4,}/);
	}
	expect(join.inputSchema).toMatchObject({
		type: 'object',
		properties: {
			externalId: { type: 'string', description: "The room's External ID" },
			participant: { type: 'string', description: 'Who the token is for, e.g. their email' },
		},
		required: ['externalId', 'participant'],
	});
});

test('tools/call: the room created with the values given, wall-clock times read in the workflow’s timezone; the Simplified room returned, no token', async () => {
	const day = tomorrow();
	const args = {
		externalId: `mcp-standup-${day}`,
		name: 'Standup over MCP',
		start: `${day}T09:30:00`,
		expiresAt: `${day}T10:00:00`,
	};
	const result = await call('Book_video_room', args);
	expect(result.isError).toBeUndefined();
	const [room] = sandbox.rooms();
	expect(sandbox.rooms()).toHaveLength(1);
	expect(room).toMatchObject({
		externalId: args.externalId,
		name: args.name,
		nbf: inUtc(args.start),
		exp: inUtc(args.expiresAt),
	});
	expect(result.content).toEqual([{ type: 'text', text: expect.any(String) }]);
	expect(JSON.parse(result.content[0].text)).toEqual([
		{
			id: room.id,
			externalId: args.externalId,
			name: args.name,
			nbf: inUtc(args.start),
			exp: inUtc(args.expiresAt),
			// The same times as given, in the workflow's timezone.
			start: `${args.start}+05:30`,
			expiresAt: `${args.expiresAt}+05:30`,
			ended: false,
			created: true,
		},
	]);
	expect(result.content[0].text).not.toContain(sandbox.token);
});

test('tools/call Get join token: the participant’s token, the one operation that hands it out', async () => {
	sandbox.seed(1, () => ({ externalId: 'mcp-retro' }));
	const issued = sandbox.rooms()[0].authorizations.length;
	const result = await call('Get_join_token', {
		externalId: 'mcp-retro',
		participant: 'ana@example.com',
	});
	expect(result.isError).toBeUndefined();
	const [answer] = JSON.parse(result.content[0].text);
	expect(answer).toEqual({
		participant: 'ana@example.com',
		externalId: 'mcp-retro',
		accessToken: expect.stringMatching(JWT),
	});
	expect(sandbox.rooms()[0].authorizations).toHaveLength(issued + 1);
});

test('a refused input comes back as an error result naming the field; nothing reaches Videsk', async () => {
	const day = tomorrow();
	const result = await call('Book_video_room', {
		externalId: `mcp-soon-${day}`,
		name: 'Soon',
		start: 'soon',
		expiresAt: `${day}T10:00:00`,
	});
	expect(result).toEqual({
		isError: true,
		content: [
			{
				type: 'text',
				text: `NodeOperationError: Start: "soon" is not a date-time. Give an ISO 8601 date-time such as ${EXAMPLE_DATE} (read in the workflow’s timezone, ${TIMEZONE}) or ${EXAMPLE_DATE}Z (UTC)\n\nDetails: Fix the "Start" field of this item; nothing was sent to Videsk.`,
			},
		],
	});
	expect(sandbox.requests).toEqual([]);
});
