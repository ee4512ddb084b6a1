// End to end: the Videsk Rooms Trigger firing in a running n8n (`n8n start`, polling Every
// Minute). One workflow with two triggers, Room Created and Room Ended, each against its own
// sandbox so that their polls can be told apart, created and activated through n8n's REST API
// as the editor does. Rooms are created and ended in both sandboxes, and n8n's saved executions
// must hold each event once. It waits on n8n's schedule: about two minutes, mostly idle.
import type { ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PACKAGE_DIR } from '../support/harness.mjs';
import { type Sandbox, startSandbox, STRICTEST } from '../sandbox/server.mjs';
import {
	createN8nHome,
	ensureN8n,
	freePort,
	n8nBin,
	startN8n,
	type N8nHome,
} from './n8n-runtime.mjs';

type Event = 'roomCreated' | 'roomEnded';
const TRIGGER_NODES: Record<Event, string> = {
	roomCreated: 'Room Created',
	roomEnded: 'Room Ended',
};
const OWNER = { email: 'trigger-e2e@example.com', password: 'Trigger-e2e-1' };
const BROWSER_ID = 'trigger-e2e';
const POLL_GAP_MS = 15_000;

const sandboxes = {} as Record<Event, Sandbox>;
/** When each sandbox was asked something: a poll is a burst of requests, a minute apart. */
const requestTimes: Record<Event, number[]> = { roomCreated: [], roomEnded: [] };
let home: N8nHome;
let editor: ChildProcess | undefined;
let url: string;
let cookie = '';
let workflowId: string;
/** The end of n8n's output, shown when its API refuses a request. */
let n8nLog = '';

const n8nRequire = createRequire(n8nBin);

beforeAll(async () => {
	ensureN8n();
	for (const event of ['roomCreated', 'roomEnded'] as const) {
		const sandbox = await startSandbox(STRICTEST);
		// Rooms from an hour ago, one of them ended: what the account held before activation.
		sandbox.seed(4, (index) => ({
			externalId: `old-${index + 1}`,
			createdAt: Date.now() - 3_600_000 + index * 1000,
		}));
		sandbox.end('old-4');
		sandbox.onRequest(() => void requestTimes[event].push(Date.now()));
		sandboxes[event] = sandbox;
	}
	home = await createN8nHome(PACKAGE_DIR);
	const bcrypt = n8nRequire('bcryptjs') as { hashSync(text: string, rounds: number): string };
	Object.assign(home.env, {
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: OWNER.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: 'Trigger',
		N8N_INSTANCE_OWNER_LAST_NAME: 'Test',
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(OWNER.password, 10),
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
	});
	const port = await freePort();
	url = `http://127.0.0.1:${port}`;
	editor = startN8n(home, port, ['ignore', 'pipe', 'pipe']);
	for (const stream of [editor.stdout, editor.stderr]) {
		stream!.on('data', (chunk: Buffer) => (n8nLog = (n8nLog + chunk.toString()).slice(-4000)));
	}
	await until(
		async () => (await fetch(`${url}/healthz/readiness`).catch(() => undefined))?.ok === true,
	);
	await logIn();

	// As the editor would: a credential per sandbox, the workflow, then its activation.
	const workflow = JSON.parse(
		readFileSync(path.join(PACKAGE_DIR, 'test', 'e2e', 'trigger-workflow.json'), 'utf8'),
	);
	for (const node of workflow.nodes) {
		const event = node.parameters.event as Event | undefined;
		if (!event) continue;
		const credential = await rest('/credentials', {
			name: `Videsk sandbox (${event})`,
			type: 'videskApi',
			data: { apiToken: sandboxes[event].token, baseUrl: sandboxes[event].url },
		});
		node.credentials = { videskApi: { id: credential.id, name: credential.name } };
	}
	const { name, nodes, connections, settings } = workflow;
	const created = await rest('/workflows', { name, nodes, connections, settings });
	workflowId = created.id;
	await rest(`/workflows/${workflowId}/activate`, { versionId: created.versionId });
}, 30 * 60_000);

afterAll(async () => {
	if (editor) {
		const exited = new Promise((resolve) => editor!.once('exit', resolve));
		editor.kill();
		await exited;
	}
	for (const sandbox of Object.values(sandboxes)) await sandbox.close();
	if (home) rmSync(home.userFolder, { recursive: true, force: true });
});

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 150_000) {
	const deadline = Date.now() + timeoutMs;
	while (!(await condition())) {
		if (Date.now() > deadline) throw new Error(`gave up waiting after ${timeoutMs} ms`);
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
}

/** Polls each sandbox has seen so far: bursts of requests separated by more than 15 s. */
function polls(event: Event): number {
	const times = requestTimes[event];
	return times.filter((time, index) => index === 0 || time - times[index - 1] > POLL_GAP_MS).length;
}

/** Signs in as the owner; n8n may still be finishing its start-up (then it says so: retry). */
async function logIn() {
	let login: Response | undefined;
	await until(async () => {
		login = await fetch(`${url}/rest/login`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'browser-id': BROWSER_ID },
			body: JSON.stringify({ emailOrLdapLoginId: OWNER.email, password: OWNER.password }),
		}).catch(() => undefined);
		return login?.status === 200;
	}, 60_000);
	const auth = login!.headers.getSetCookie().find((value) => value.startsWith('n8n-auth='));
	cookie = auth!.split(';')[0];
}

/** A call to n8n's REST API (a POST when there is a body); resolves with its `data`. */
async function rest(route: string, body?: object): Promise<any> {
	const send = () =>
		fetch(`${url}/rest${route}`, {
			method: body ? 'POST' : 'GET',
			headers: { cookie, 'browser-id': BROWSER_ID, 'content-type': 'application/json' },
			body: body && JSON.stringify(body),
		});
	let response = await send();
	if (response.status === 401) {
		// Seen once under heavy load: the session from start-up refused later. Sign in again.
		await logIn();
		response = await send();
	}
	expect(response.status, `${route}: ${await response.clone().text()}\n${n8nLog}`).toBe(200);
	return ((await response.json()) as { data: any }).data;
}

/** The saved executions one trigger started, oldest first: their status and the rooms emitted. */
async function executions(event: Event) {
	const filter = encodeURIComponent(JSON.stringify({ workflowId }));
	const list = (await rest(`/executions?filter=${filter}&limit=100`)) as {
		results: Array<{ id: string }>;
	};
	const { parse } = n8nRequire('flatted') as { parse(text: string): any };
	const runs = [];
	for (const { id } of [...list.results].sort((a, b) => Number(a.id) - Number(b.id))) {
		const execution = await rest(`/executions/${id}`);
		const { runData } = parse(execution.data).resultData;
		const trigger = runData[TRIGGER_NODES[event]]?.[0];
		if (!trigger) continue;
		runs.push({
			mode: execution.mode as string,
			status: execution.status as string,
			rooms: (trigger.data.main[0] as Array<{ json: any }>).map(
				(item) => item.json.externalId as string,
			),
			received: runData.Received?.[0].data.main[0].length as number,
		});
	}
	return runs;
}

test(
	'activated in a running n8n, each room created and each end runs the workflow once',
	async () => {
		// Activation: both triggers poll at once, and emit nothing old.
		await until(() => polls('roomCreated') >= 1 && polls('roomEnded') >= 1, 120_000);
		const started = Date.now();
		for (const sandbox of Object.values(sandboxes)) {
			sandbox.seed(2, (index) => ({
				externalId: `new-${index + 1}`,
				createdAt: Date.now() + index,
			}));
			sandbox.end('old-1'); // open since long before the activation
			sandbox.seed(1, () => ({ externalId: 'brief', createdAt: Date.now() + 2 }));
			sandbox.end('brief'); // created and ended between two polls
		}

		await Promise.all([
			// Room Ended: the next poll runs the workflow; then new-1 ends, and the poll after runs it.
			(async () => {
				await until(async () => (await executions('roomEnded')).length >= 1);
				sandboxes.roomEnded.end('new-1');
				await until(async () => (await executions('roomEnded')).length >= 2);
			})(),
			// Room Created: one run for the three rooms, and nothing more at the poll after it.
			(async () => {
				await until(async () => (await executions('roomCreated')).length >= 1);
				const createdPolls = polls('roomCreated');
				await until(() => polls('roomCreated') > createdPolls);
				await new Promise((resolve) => setTimeout(resolve, 5_000));
			})(),
		]);

		const run = (rooms: string[]) => ({
			mode: 'trigger',
			status: 'success',
			rooms,
			received: rooms.length,
		});
		expect(await executions('roomCreated')).toEqual([run(['new-1', 'new-2', 'brief'])]);
		expect(await executions('roomEnded')).toEqual([run(['old-1', 'brief']), run(['new-1'])]);
		console.log(
			`trigger e2e: events out ${Math.round((Date.now() - started) / 1000)} s after the changes`,
		);
	},
	10 * 60_000,
);
