// A real n8n that a test kills with SIGKILL at chosen points and starts again on the same
// database, for the trigger's crash test. One workflow: the Videsk Rooms Trigger three times
// (Room Created; Room Ended on an account without `updatedAt`; Room Ended on one with it), each
// on its own sandbox so that their polls can be told apart, and a Record node (HTTP Request) that
// posts each event, with its execution's ID, to a recorder in the test. Each kill point is made
// deterministic from the outside, never by sleeping:
// - sandbox requests held unanswered: every poll in the middle of its reads;
// - a lock in PostgreSQL on one of the two things n8n writes after a poll emitted: the workflow's
//   row (where it saves static data) or the execution table (where it creates the poll's
//   execution), so that one is written and the other waits;
// - recorder requests held unanswered: the poll's executions running.
// PostgreSQL, not SQLite: SQLite locks the whole file, so the two writes could not be separated.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startSandbox, STRICTEST } from '../sandbox/server.mjs';
import { startPostgres, startProcess, waitFor } from './n8n-cluster.mjs';
import {
	activateWorkflow,
	createN8nHome,
	freePort,
	n8n,
	N8N_MAJOR,
	n8nBin,
	nodeBinDir,
} from './n8n-runtime.mjs';

const n8nRequire = createRequire(n8nBin);
const { Client } = n8nRequire('pg');
const { parse } = n8nRequire('flatted');

/** The environment of each scheduler: n8n's default (in memory) and its durable one. */
export const SCHEDULERS = {
	default: {},
	// These also need N8N_USE_WORKFLOW_PUBLICATION_SERVICE, on by default in n8n 2.41.
	durable: {
		N8N_SCHEDULER_ENABLED: 'true',
		N8N_SCHEDULER_POLL_TRIGGERS_ENABLED: 'true',
		N8N_POLLER_DURABLE_CURSORS_ENABLED: 'true',
	},
};

/** The trigger nodes of the workflow, each with the options of the sandbox it polls. */
export const TRIGGERS = [
	{ id: 'created', name: 'Room Created', event: 'roomCreated', sandbox: {} },
	{ id: 'ended', name: 'Room Ended', event: 'roomEnded', sandbox: {} },
	{
		id: 'endedUpdatedAt',
		name: 'Room Ended (updatedAt)',
		event: 'roomEnded',
		sandbox: { updatedAt: true },
	},
];

const WORKFLOW_ID = 'triggerCrash0001';
/**
 * n8n refuses a poll more often than once a minute (a cron whose seconds field is not a single
 * number), but takes several Poll Times entries: one on every fifth second polls every 5 s.
 */
const POLL_EVERY_SECONDS = 5;
/** Requests further apart than this belong to different polls. */
const POLL_GAP_MS = 2_000;
/** The `application_name` of the rig's own connections to PostgreSQL: the others are n8n's. */
const RIG_CONNECTION = 'videsk-crash-rig';
/** n8n takes 10 to 20 s to start on 2 busy cores, once more than 5 minutes. */
const START_TIMEOUT_MS = 8 * 60_000;

function crashWorkflow(recorderUrl) {
	const pollTimes = {
		item: Array.from({ length: 60 / POLL_EVERY_SECONDS }, (_, index) => ({
			mode: 'custom',
			cronExpression: `${index * POLL_EVERY_SECONDS} * * * * *`,
		})),
	};
	return {
		id: WORKFLOW_ID,
		name: 'E2E: Videsk Rooms Trigger across crashes',
		active: false,
		nodes: [
			...TRIGGERS.map(({ id, name, event }, index) => ({
				id,
				name,
				type: 'n8n-nodes-videsk.videskRoomsTrigger',
				typeVersion: 1,
				position: [0, index * 200],
				parameters: { event, pollTimes, options: {} },
				credentials: { videskApi: { id: credentialId(id), name: `Sandbox of ${name}` } },
			})),
			{
				id: 'record',
				name: 'Record',
				type: 'n8n-nodes-base.httpRequest',
				typeVersion: 4.2,
				position: [300, 200],
				parameters: {
					method: 'POST',
					url: recorderUrl,
					sendBody: true,
					specifyBody: 'json',
					jsonBody:
						'={{ JSON.stringify({ executionId: $execution.id, trigger: $prevNode.name, externalId: $json.externalId }) }}',
					options: {},
				},
			},
		],
		connections: Object.fromEntries(
			TRIGGERS.map(({ name }) => [name, { main: [[{ node: 'Record', type: 'main', index: 0 }]] }]),
		),
		settings: {
			executionOrder: 'v1',
			saveDataSuccessExecution: 'all',
			saveDataErrorExecution: 'all',
		},
	};
}

function credentialId(nodeId) {
	return `crash-${nodeId}`.padEnd(16, '0').slice(0, 16);
}

/** An event as the test names it: `<trigger>: <externalId>`. */
const eventName = (trigger, externalId) => `${trigger}: ${externalId}`;

/** Records what it receives; `hold()` leaves the requests unanswered until released. */
async function startRecorder() {
	const received = [];
	const waiting = [];
	let holding = false;
	const server = createServer((request, response) => {
		let body = '';
		request.on('data', (chunk) => (body += chunk));
		request.on('end', () => {
			received.push(JSON.parse(body));
			const answer = () => response.end('{}');
			if (holding) waiting.push(answer);
			else answer();
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}/record`,
		/** `{ executionId, trigger, externalId }` of each request, in order. */
		received,
		hold() {
			holding = true;
			return {
				release() {
					holding = false;
					for (const answer of waiting.splice(0)) answer();
				},
			};
		},
		close: () =>
			new Promise((resolve) => {
				server.closeAllConnections();
				server.close(resolve);
			}),
	};
}

/**
 * PostgreSQL, a sandbox per trigger (seeded by `seed(sandbox)`), the recorder, and an n8n user
 * folder with the workflow imported and published, under `scheduler` (a key of SCHEDULERS).
 * n8n is not running: `start()` starts it.
 */
export async function prepareCrashRig({ packageDir, scheduler, seed }) {
	const dir = mkdtempSync(path.join(tmpdir(), 'videsk-crash-'));
	const cleanups = [() => rmSync(dir, { recursive: true, force: true })];
	const rig = {
		sandboxes: {},
		async stop() {
			for (const cleanup of cleanups.reverse()) await cleanup();
			cleanups.length = 0;
		},
	};
	try {
		const postgres = await startPostgres(dir);
		cleanups.push(() => postgres.stop());
		const connect = async () => {
			const client = new Client({
				host: '127.0.0.1',
				port: postgres.port,
				user: 'n8n',
				database: 'postgres',
				application_name: RIG_CONNECTION,
			});
			await client.connect();
			cleanups.push(() => client.end().catch(() => {}));
			return client;
		};
		for (const trigger of TRIGGERS) {
			const sandbox = await startSandbox({ ...STRICTEST, ...trigger.sandbox });
			cleanups.push(() => sandbox.close());
			seed(sandbox);
			rig.sandboxes[trigger.name] = sandbox;
		}
		const recorder = await startRecorder();
		cleanups.push(() => recorder.close());
		const home = await createN8nHome(packageDir);
		cleanups.push(() => rmSync(home.userFolder, { recursive: true, force: true }));
		Object.assign(home.env, postgres.env, SCHEDULERS[scheduler], {
			// n8n's pool has 2 connections by default: two saves waiting on a lock of the test would
			// take both, and nothing else could be written.
			DB_POSTGRESDB_POOL_SIZE: '10',
			N8N_LOG_LEVEL: 'debug',
		});
		await importCrashWorkflow(home, dir, rig.sandboxes, recorder.url);
		const db = await connect();
		Object.assign(rig, {
			recorder,
			db,
			...n8nProcess(home, dir, cleanups, db),
			...sandboxHolds(rig),
			...observations(rig),
			...locks(connect, db),
		});
		return rig;
	} catch (error) {
		await rig.stop();
		throw error;
	}
}

async function importCrashWorkflow(home, dir, sandboxes, recorderUrl) {
	const credentials = TRIGGERS.map(({ id, name }) => ({
		id: credentialId(id),
		name: `Sandbox of ${name}`,
		type: 'videskApi',
		data: { apiToken: sandboxes[name].token, baseUrl: sandboxes[name].url },
	}));
	writeFileSync(path.join(dir, 'credentials.json'), JSON.stringify(credentials));
	writeFileSync(path.join(dir, 'workflow.json'), JSON.stringify(crashWorkflow(recorderUrl)));
	for (const args of [
		['import:credentials', `--input=${path.join(dir, 'credentials.json')}`],
		['import:workflow', `--input=${path.join(dir, 'workflow.json')}`],
	]) {
		const { code, stdout, stderr } = await n8n(home, args);
		if (code !== 0) throw new Error(`n8n ${args[0]} failed:\n${stdout}${stderr}`);
	}
	await activateWorkflow(home, WORKFLOW_ID);
}

/**
 * `start()` runs `n8n start` until it answers; a start that exits before answering is tried
 * again, as a process supervisor would, and kept in `failedStarts` (the last lines n8n printed).
 * `kill()` sends SIGKILL to n8n and its task runner, and ends what n8n had sent to PostgreSQL and
 * not finished: a statement waiting on a lock of the test would otherwise still be carried out
 * once the lock is released, as if n8n had lived on. So a killed n8n's writes are those done
 * before the kill (as with SQLite, which n8n writes in its own process).
 */
function n8nProcess(home, dir, cleanups, db) {
	let main;
	let starts = 0;
	const failedStarts = [];
	cleanups.push(() => main?.stop('SIGKILL'));
	/** Starts n8n; resolves false if it exited before it answered. */
	async function startOnce() {
		starts += 1;
		const port = await freePort();
		main = startProcess(path.join(nodeBinDir, 'node'), [n8nBin, 'start'], {
			cwd: home.userFolder,
			env: {
				...home.env,
				N8N_PORT: String(port),
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			},
			logFile: path.join(dir, `n8n-${starts}.log`),
		});
		const started = main;
		const ready = async () => (await fetch(`http://127.0.0.1:${port}/healthz/readiness`)).ok;
		for (const deadline = Date.now() + START_TIMEOUT_MS; Date.now() < deadline; ) {
			if (started.child.exitCode !== null) {
				await started.stop('SIGKILL'); // its task runner
				failedStarts.push(started.log().split('\n').slice(-15).join('\n'));
				return false;
			}
			if (await ready().catch(() => false)) return true;
			await new Promise((resolve) => setTimeout(resolve, 250));
		}
		throw new Error(
			`n8n did not answer within ${START_TIMEOUT_MS / 1000} s:\n${started.log().slice(-3000)}`,
		);
	}
	return {
		failedStarts,
		async start() {
			if (!(await startOnce()) && !(await startOnce())) {
				throw new Error(`n8n exited twice on start:\n${failedStarts.join('\n')}`);
			}
		},
		/** Whether the running n8n has activated every trigger: it logs so after the activation poll. */
		activated() {
			const log = main?.log() ?? '';
			return N8N_MAJOR === 1
				? log.includes('Added triggers and pollers for workflow')
				: TRIGGERS.every(({ name }) => log.includes(`Activated trigger node "${name}"`));
		},
		async kill() {
			await main.stop('SIGKILL');
			main = undefined;
			await db.query(
				`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
				 WHERE backend_type = 'client backend' AND application_name <> $1`,
				[RIG_CONNECTION],
			);
		},
	};
}

/** Requests to the sandboxes, held unanswered until released: polls stopped in their reads. */
function sandboxHolds(rig) {
	return {
		/** Holds every request to every sandbox from now on; `holding()`: those waiting, by trigger. */
		holdSandboxRequests() {
			let release;
			const released = new Promise((resolve) => (release = resolve));
			const holding = {};
			for (const [name, sandbox] of Object.entries(rig.sandboxes)) {
				holding[name] = 0;
				sandbox.onRequest(() => {
					holding[name] += 1;
					return released;
				});
			}
			return {
				holding: () => holding,
				release() {
					for (const sandbox of Object.values(rig.sandboxes)) sandbox.onRequest(undefined);
					release();
				},
			};
		},
	};
}

/** What the sandboxes, the recorder and n8n's database show. */
function observations(rig) {
	return {
		/** The polls of `trigger` its sandbox has seen start since `since` (ms): bursts of requests. */
		pollsSince(triggerName, since) {
			const times = rig.sandboxes[triggerName].requests.map((request) => request.receivedAt);
			return times.filter(
				(time, index) => time >= since && (index === 0 || time - times[index - 1] > POLL_GAP_MS),
			).length;
		},
		/**
		 * Waits until every trigger has done `count` polls since `since` (the poll after them has
		 * started), and no execution of the workflow is still being created or running.
		 */
		async settle(count, since = Date.now()) {
			await waitFor(
				`${count} polls of each trigger`,
				async () => TRIGGERS.every(({ name }) => rig.pollsSince(name, since) > count),
				{ timeoutMs: 90_000 },
			);
			await waitFor(
				'executions to finish',
				async () => (await rig.executionsInProgress()).length === 0,
				{
					timeoutMs: 60_000,
				},
			);
		},
		/** The workflow's executions, oldest first: ID, status and the events found in its data. */
		async executions() {
			const { rows } = await rig.db.query(
				`SELECT e.id, e.status, d.data FROM execution_entity e
				 JOIN execution_data d ON d."executionId" = e.id
				 WHERE e."workflowId" = $1 ORDER BY e.id`,
				[WORKFLOW_ID],
			);
			return rows.map(({ id, status, data }) => ({
				id: String(id),
				status,
				events: emittedEvents(parse(data)),
			}));
		},
		/** IDs of the executions being created or running. */
		async executionsInProgress() {
			const { rows } = await rig.db.query(
				`SELECT id FROM execution_entity WHERE "workflowId" = $1 AND status IN ('new', 'running')`,
				[WORKFLOW_ID],
			);
			return rows.map(({ id }) => String(id));
		},
		/**
		 * How many executions each event ran, from n8n's database and from the recorder (an
		 * execution that crashed while running has its trigger's items replaced by n8n's recovery;
		 * its Record request still names it). `unreadable`: executions neither tells about.
		 */
		async executionsPerEvent() {
			const byExecution = new Map();
			for (const { id, events } of await rig.executions()) byExecution.set(id, new Set(events));
			for (const { executionId, trigger, externalId } of rig.recorder.received) {
				byExecution.get(String(executionId))?.add(eventName(trigger, externalId));
			}
			const counts = {};
			const unreadable = [];
			for (const [id, events] of byExecution) {
				if (events.size === 0) unreadable.push(id);
				for (const event of events) counts[event] = (counts[event] ?? 0) + 1;
			}
			return { counts, unreadable };
		},
		/** The triggers' state as n8n stores it: the workflow's static data and its poll cursors. */
		async storedState() {
			const workflow = await rig.db.query(
				'SELECT "staticData" FROM workflow_entity WHERE id = $1',
				[WORKFLOW_ID],
			);
			// n8n 1 has no cursor table.
			const cursors =
				N8N_MAJOR === 1
					? { rows: [] }
					: await rig.db.query(
							'SELECT "nodeId", cursor FROM poller_state WHERE "workflowId" = $1 ORDER BY "nodeId"',
							[WORKFLOW_ID],
						);
			return JSON.stringify([workflow.rows[0]?.staticData, cursors.rows]);
		},
	};
}

/**
 * The events of a run: for each trigger, the items it emitted, from its run data or, for an
 * execution that did not run, from the items it was created with. Items without an External ID
 * (n8n's recovery puts placeholders in a crashed execution) are not events.
 */
function emittedEvents(run) {
	const runData = run.resultData?.runData ?? {};
	const stack = run.executionData?.nodeExecutionStack ?? [];
	return TRIGGERS.flatMap(({ name }) => {
		const items =
			runData[name]?.[0]?.data?.main?.[0] ??
			stack.find((entry) => entry.node.name === name)?.data?.main?.[0] ??
			[];
		return items
			.filter((item) => item.json?.externalId !== undefined)
			.map((item) => eventName(name, item.json.externalId));
	});
}

/**
 * Locks in PostgreSQL, each held by its own connection until `release()`: what n8n writes there
 * meanwhile waits. `waiting()`: how many of n8n's queries wait on it.
 */
function locks(connect, db) {
	async function hold(sql, parameters) {
		const client = await connect();
		await client.query('BEGIN');
		await client.query(sql, parameters);
		const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
		return {
			async waiting() {
				const blocked = await db.query(
					'SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
					[rows[0].pid],
				);
				return blocked.rows[0].n;
			},
			release: () => client.query('ROLLBACK'),
		};
	}
	return {
		/**
		 * The workflow's row, so that saving its static data waits. An execution can still be
		 * created: NO KEY UPDATE leaves free the KEY SHARE lock its foreign key takes.
		 */
		holdStaticDataSaves: () =>
			hold('SELECT 1 FROM workflow_entity WHERE id = $1 FOR NO KEY UPDATE', [WORKFLOW_ID]),
		/** The execution table, so that creating an execution waits; reads still go through. */
		holdExecutionInserts: () => hold('LOCK TABLE execution_entity IN SHARE MODE'),
	};
}
