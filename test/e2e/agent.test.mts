// End to end: an AI agent in a real n8n books a video room through the node's AI-tool variant.
// No language model: the workflow's OpenAI Chat Model talks, through its credential's Base URL,
// to a scripted OpenAI-compatible server (../sandbox/scripted-model.mjs) that calls the tool with
// the arguments a test chooses, then answers with what the tool returned; it keeps every request
// n8n sent, so the tests read what a real model would have been offered and told. The workflow
// is the example examples/agent-books-room.json (AI Agent, OpenAI Chat Model, the Videsk Rooms
// tool with $fromAI for External ID, Name, Start and Expires At), with a workflow timezone set.
// One n8n for the file: credentials and workflows are created through its REST API and run as
// the editor's "Execute workflow" runs them.
import type { INodePropertyOptions, INodeTypeDescription } from 'n8n-workflow';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { loadPackage, PACKAGE_DIR } from '../support/harness.mjs';
import { startScriptedModel, type ScriptedModel } from '../sandbox/scripted-model.mjs';
import { type Sandbox, startSandbox, STRICTEST } from '../sandbox/server.mjs';
import {
	createN8nHome,
	DEMO_OWNER,
	ensureN8n,
	n8nBin,
	startN8nSignedIn,
	type N8nHome,
} from './n8n-runtime.mjs';

/** UTC+05:30 all year: a wall-clock time without an offset is 5 h 30 min ahead of UTC. */
const TIMEZONE = 'Asia/Kolkata';
/** The date the node's errors give as an example: next year's 1 May, 09:30. */
const EXAMPLE_DATE = `${new Date().getUTCFullYear() + 1}-05-01T09:30:00`;
const EXAMPLE = JSON.parse(
	readFileSync(path.join(PACKAGE_DIR, 'examples', 'agent-books-room.json'), 'utf8'),
);
const MANUAL_TRIGGER = EXAMPLE.nodes.find(
	(node: { type: string }) => node.type === 'n8n-nodes-base.manualTrigger',
).name as string;
const SAMPLE_REQUEST = JSON.parse(
	EXAMPLE.nodes.find((node: { name: string }) => node.name === 'Sample request').parameters
		.jsonOutput,
).chatInput as string;
/** A JSON Web Token, such as a room's access token. */
const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

let sandbox: Sandbox;
let model: ScriptedModel;
let home: N8nHome;
let n8n: Awaited<ReturnType<typeof startN8nSignedIn>>;
let credentials: Record<string, { id: string; name: string }>;
let createOrGetDescription: string;
/** The node's operations, as values. */
let operations: string[];

beforeAll(async () => {
	ensureN8n();
	const started = Date.now();
	[sandbox, model] = await Promise.all([startSandbox(STRICTEST), startScriptedModel()]);
	home = await createN8nHome(PACKAGE_DIR);
	n8n = await startN8nSignedIn(home);
	const videskApi = await n8n.rest('POST', '/credentials', {
		name: 'Videsk sandbox',
		type: 'videskApi',
		data: { apiToken: sandbox.token, baseUrl: sandbox.url },
	});
	const openAiApi = await n8n.rest('POST', '/credentials', {
		name: 'Scripted model',
		type: 'openAiApi',
		data: { apiKey: model.apiKey, url: model.url, header: false },
	});
	credentials = { videskApi, openAiApi };
	const node = (await loadPackage()).getNode('videskRooms').type
		.description as INodeTypeDescription;
	createOrGetDescription = node.properties.find(
		(property) =>
			property.name === 'toolDescription' &&
			property.displayOptions?.show?.operation?.includes('createOrGet'),
	)!.default as string;
	operations = (
		node.properties.find((property) => property.name === 'operation')!
			.options as INodePropertyOptions[]
	).map((option) => option.value as string);
	console.log(`agent e2e: n8n ready in ${Math.round((Date.now() - started) / 1000)} s`);
}, 30 * 60_000);

beforeEach(() => {
	sandbox.reset();
	model.reset();
});

afterAll(async () => {
	await n8n?.stop();
	await Promise.all([sandbox?.close(), model?.close()]);
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

/**
 * The example workflow in n8n, with the sandbox's and the scripted model's credentials, TIMEZONE,
 * and `request` as the sample user message; `change` may alter its nodes.
 */
async function createExample(request: string, change: (node: any) => void = () => {}) {
	const nodes = structuredClone(EXAMPLE.nodes).map((node: any) => {
		for (const type of Object.keys(node.credentials ?? {})) {
			node.credentials[type] = credentials[type];
		}
		if (node.name === 'Sample request') {
			node.parameters.jsonOutput = JSON.stringify({ chatInput: request });
		}
		change(node);
		return node;
	});
	return await n8n.rest('POST', '/workflows', {
		name: `${EXAMPLE.name} (${request})`,
		nodes,
		connections: EXAMPLE.connections,
		settings: { ...EXAMPLE.settings, timezone: TIMEZONE },
	});
}

/** What the model was given as tool results in its last request, in order. */
function toolMessages() {
	return model.requests.at(-1)!.body.messages.filter((message) => message.role === 'tool');
}

/**
 * The example, the model making `calls` for `request`, run from its manual trigger as the
 * editor's "Execute workflow" runs it. Resolves with the saved execution's outcome and the
 * agent's answer.
 */
async function runAgent(calls: Array<Record<string, unknown>>, request = SAMPLE_REQUEST) {
	model.script(request, calls);
	const workflow = await createExample(request);
	const { executionId } = await n8n.rest('POST', `/workflows/${workflow.id}/run`, {
		triggerToStartFrom: { name: MANUAL_TRIGGER },
	});
	const deadline = Date.now() + 60_000;
	let execution;
	for (;;) {
		execution = await n8n.rest('GET', `/executions/${executionId}`);
		if (!['new', 'running'].includes(execution.status)) break;
		if (Date.now() > deadline)
			throw new Error(`execution ${executionId} still ${execution.status}`);
		await new Promise((resolve) => setTimeout(resolve, 200));
	}
	const { parse } = createRequire(n8nBin)('flatted') as { parse(text: string): any };
	const { resultData } = parse(execution.data);
	return {
		status: execution.status as string,
		error: resultData.error,
		answer: resultData.runData['AI Agent']?.at(-1).data.main[0][0].json.output as string,
		requests: model.requests,
		/** The tool results the model was given, parsed, in order. */
		toolResults: () => toolMessages().map((message) => JSON.parse(message.content as string)),
	};
}

test('the agent books a room: created with the values the model chose, its wall-clock times read in the workflow’s timezone; the model gets the Simplified room, no token', async () => {
	const day = tomorrow();
	const call = {
		externalId: `standup-${day}`,
		name: 'Team standup',
		start: `${day}T09:30:00`,
		expiresAt: `${day}T10:00:00`,
	};
	const run = await runAgent([call]);
	expect(run.error).toBeUndefined();
	expect(run.status).toBe('success');

	const rooms = sandbox.rooms();
	expect(rooms).toHaveLength(1);
	expect(rooms[0]).toMatchObject({
		externalId: call.externalId,
		name: call.name,
		nbf: inUtc(call.start),
		exp: inUtc(call.expiresAt),
		ended: false,
	});
	expect(sandbox.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
		'POST /vpaas/rooms',
	]);

	// Two chat requests, not streamed (a manual run): the user's message, then the same with
	// the tool call and its result.
	expect(run.requests.map((request) => request.body.stream)).toEqual([false, false]);
	const [result] = toolMessages();
	expect(result.tool_call_id).toBe('call_1');
	expect(run.toolResults()).toEqual([
		[
			{
				id: rooms[0].id,
				externalId: call.externalId,
				name: call.name,
				nbf: inUtc(call.start),
				exp: inUtc(call.expiresAt),
				// The same times as the model gave them, in the workflow's timezone.
				start: `${call.start}+05:30`,
				expiresAt: `${call.expiresAt}+05:30`,
				ended: false,
				created: true,
			},
		],
	]);
	const sent = JSON.stringify(run.requests);
	expect(sent).not.toContain(sandbox.token);
	expect(sent).not.toMatch(JWT);
	// The scripted model's answer carries the tool's result into the agent's output.
	expect(run.answer).toContain(result.content);
}, 120_000);

test('the tool the model is offered: the node’s Create or Get description, each $fromAI key typed and described; called again with the same External ID, the same room', async () => {
	const day = tomorrow();
	const call = {
		externalId: `retro-${day}`,
		name: 'Retro',
		start: `${day}T16:00:00`,
		expiresAt: `${day}T17:00:00`,
	};
	const run = await runAgent([call, call], 'Book the retro, tomorrow 4 to 5 pm. Book it twice.');
	expect(run.status).toBe('success');

	const offered = run.requests.map((request) => request.body.tools);
	expect(offered[1]).toEqual(offered[0]);
	expect(offered[0]).toHaveLength(1);
	const [{ type, function: tool }] = offered[0]!;
	expect(type).toBe('function');
	expect(tool.name).toBe('Book_video_room');
	expect(tool.description).toBe(createOrGetDescription);
	const { properties, required, additionalProperties } = tool.parameters;
	expect(Object.keys(properties).sort()).toEqual(['expiresAt', 'externalId', 'name', 'start']);
	expect([...required].sort()).toEqual(['expiresAt', 'externalId', 'name', 'start']);
	expect(additionalProperties).toBe(false);
	for (const [key, schema] of Object.entries(properties as Record<string, any>)) {
		expect(Object.keys(schema).sort(), key).toEqual(['description', 'type']);
		expect(schema.type, key).toBe('string');
		expect(schema.description.length, key).toBeGreaterThan(20);
	}
	expect(properties.externalId.description).toMatch(/same room.*safe/);
	for (const key of ['start', 'expiresAt']) {
		expect(properties[key].description).toMatch(/ISO 8601/);
	}
	expect(properties.start.description).toMatch(/timezone/);
	// The description says what the model then gets back.
	const [first, second] = run.toolResults().map(([room]) => room);
	for (const field of Object.keys(first)) expect(tool.description).toContain(field);

	expect(sandbox.rooms()).toHaveLength(1);
	expect(first.created).toBe(true);
	expect(second).toEqual({ ...first, created: false });
}, 120_000);

test('refused inputs come back to the model as errors naming the field and what to give, and the run goes on: a date it cannot read, an empty and a missing External ID', async () => {
	const day = tomorrow();
	const call = {
		externalId: `standup-${day}`,
		name: 'Team standup',
		start: `${day}T09:30:00`,
		expiresAt: `${day}T10:00:00`,
	};
	const { externalId, ...withoutExternalId } = call;
	const run = await runAgent(
		[{ ...call, start: 'tomorrow at 9:30' }, { ...call, externalId: '' }, withoutExternalId, call],
		'Book the standup, and retry until it works.',
	);
	expect(run.error).toBeUndefined();
	expect(run.status).toBe('success');
	const results = run.toolResults();
	expect(results.slice(0, 3)).toEqual([
		[
			{
				// The model's advice, not the builder's (date picker, expressions).
				error: `Start: "tomorrow at 9:30" is not a date-time. Give an ISO 8601 date-time such as ${EXAMPLE_DATE} (read in the workflow’s timezone, ${TIMEZONE}) or ${EXAMPLE_DATE}Z (UTC)`,
			},
		],
		[
			{
				error:
					'External ID: the expression gave "", but it is required to find the room on a rerun',
			},
		],
		[
			{
				error:
					'External ID: the expression gave undefined, but it is required to find the room on a rerun',
			},
		],
	]);
	// Nothing was sent to Videsk for the refused calls; the corrected one created the room.
	expect(sandbox.requests.map((request) => request.method)).toEqual(['POST']);
	expect(results[3]).toEqual([
		expect.objectContaining({ externalId, nbf: inUtc(call.start), created: true }),
	]);
	expect(run.answer).toContain('required to find the room on a rerun');
}, 120_000);

test('behind a public chat with streamed answers (the example’s Chat Trigger, activated): n8n asks the model to stream, the room is created, the answer streams back', async () => {
	const day = tomorrow();
	const call = {
		externalId: `planning-${day}`,
		name: 'Planning',
		start: `${day}T11:00:00`,
		expiresAt: `${day}T12:00:00`,
	};
	const request = 'Book planning tomorrow at 11 for an hour.';
	model.script(request, [call]);
	let webhookId = '';
	const workflow = await createExample(request, (node) => {
		if (node.type !== '@n8n/n8n-nodes-langchain.chatTrigger') return;
		node.parameters = { public: true, mode: 'webhook', options: { responseMode: 'streaming' } };
		webhookId = node.webhookId;
	});
	await n8n.rest('POST', `/workflows/${workflow.id}/activate`, {
		versionId: workflow.versionId,
	});
	// n8n registers the chat's webhook shortly after the activation: until then, 404.
	const deadline = Date.now() + 30_000;
	let response: Response;
	for (;;) {
		response = await fetch(`${n8n.url}/webhook/${webhookId}/chat`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ action: 'sendMessage', sessionId: 'e2e', chatInput: request }),
		});
		if (response.status !== 404 || Date.now() > deadline) break;
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
	expect(response.status).toBe(200);
	const chunks = (await response.text())
		.split('\n')
		.filter((line) => line.trim() !== '')
		.map((line) => JSON.parse(line) as { type: string; content?: string });
	const streamed = chunks
		.filter((chunk) => chunk.type === 'item')
		.map((chunk) => chunk.content)
		.join('');

	expect(model.requests.map((sent) => sent.body.stream)).toEqual([true, true]);
	expect(sandbox.rooms()).toEqual([
		expect.objectContaining({ externalId: call.externalId, nbf: inUtc(call.start) }),
	]);
	expect(streamed).toContain(toolMessages()[0].content);
	expect(streamed).not.toMatch(JWT);
}, 120_000);

test('in the editor, the tool variant shows the node’s Description for each operation, not n8n’s “Tool Description” switch', async () => {
	// The node types as n8n serves them to its editor, Tool variants included, to a signed-in user.
	const login = await fetch(`${n8n.url}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ emailOrLdapLoginId: DEMO_OWNER.email, password: DEMO_OWNER.password }),
	});
	const cookie = login.headers
		.getSetCookie()
		.map((header) => header.split(';')[0])
		.join('; ');
	const response = await fetch(`${n8n.url}/types/nodes.json`, { headers: { cookie } });
	expect(response.status).toBe(200);
	const types = (await response.json()) as INodeTypeDescription[];
	const tool = types.find((type) => type.name === 'n8n-nodes-videsk.videskRoomsTool')!;
	const names = tool.properties.map((property) => property.name);
	expect(names).not.toContain('descriptionType');
	const descriptions = tool.properties.filter((property) => property.name === 'toolDescription');
	expect(
		descriptions.flatMap((property) => property.displayOptions?.show?.operation).sort(),
	).toEqual([...operations].sort());
	expect(
		descriptions.find((property) =>
			property.displayOptions?.show?.operation?.includes('createOrGet'),
		)?.default,
	).toBe(createOrGetDescription);
});
