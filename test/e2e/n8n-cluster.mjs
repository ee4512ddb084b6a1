// n8n in queue mode for the end-to-end tests: a private PostgreSQL and Redis, one main instance
// (editor, webhooks, triggers) and workers (`n8n worker`) that run the executions, all on
// 127.0.0.1 in a temporary folder, all stopped by `stop()`. Main and workers share one n8n user
// folder, so the package is installed once for all of them, as on a shared volume.
//
// Database: PostgreSQL, as n8n requires for queue mode in production. n8n accepts SQLite here
// only with a warning ("not officially supported"): every process would write one SQLite file.
import { spawn, spawnSync } from 'node:child_process';
import {
	chownSync,
	cpSync,
	mkdtempSync,
	openSync,
	readFileSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postgresBinDir, redisServerPath } from '../support/provision.mjs';
import { createN8nHome, freePort, importIntoN8n, n8n, n8nBin, nodeBinDir } from './n8n-runtime.mjs';

/**
 * PostgreSQL refuses to run as root: as root, its processes run as `nobody`, from a copy of its
 * installation when `nobody` cannot reach the original (e.g. under /root).
 */
function postgresRunner(root) {
	const bin = postgresBinDir();
	if (process.getuid?.() !== 0) return { bin, user: {} };
	const id = (flag) => Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout);
	const user = { uid: id('-u'), gid: id('-g') };
	if (spawnSync(path.join(bin, 'postgres'), ['--version'], user).status === 0) return { bin, user };
	const copy = path.join(root, 'postgres');
	cpSync(path.dirname(bin), copy, { recursive: true, verbatimSymlinks: true });
	return { bin: path.join(copy, path.basename(bin)), user };
}

/** Tracks what this module started, so that nothing outlives the test process. */
const running = new Set();
process.once('exit', () => {
	for (const child of running) killGroup(child, 'SIGKILL');
});

function killGroup(child, signal) {
	try {
		process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
}

/** Starts `command` in its own process group, its output appended to `logFile`. */
export function startProcess(command, args, { env, cwd, logFile, user = {} }) {
	const out = openSync(logFile, 'a');
	const child = spawn(command, args, {
		cwd,
		env,
		detached: true,
		stdio: ['ignore', out, out],
		...user,
	});
	running.add(child);
	const exited = new Promise((resolve) => child.once('exit', resolve));
	return {
		child,
		logFile,
		log: () => readFileSync(logFile, 'utf8'),
		/** SIGTERM to the whole group (n8n's task runners included), SIGKILL after `graceMs`. */
		async stop(signal = 'SIGTERM', graceMs = 10_000) {
			if (child.exitCode === null && child.signalCode === null) {
				killGroup(child, signal);
				const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
				await exited;
				clearTimeout(timer);
			}
			killGroup(child, 'SIGKILL'); // children the leader left behind
			running.delete(child);
		},
		exited,
	};
}

/** Waits until `check()` resolves truthy; fails early when `process` (from startProcess) exits. */
export async function waitFor(what, check, { timeoutMs = 120_000, process: started } = {}) {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		if (await check().catch(() => false)) return;
		if (started && started.child.exitCode !== null) {
			throw new Error(`${what}: the process exited (${started.child.exitCode}):\n${started.log()}`);
		}
		if (Date.now() > deadline) {
			throw new Error(
				`${what}: not ready after ${timeoutMs / 1000} s${started ? `:\n${started.log()}` : ''}`,
			);
		}
		await new Promise((resolve) => setTimeout(resolve, 250));
	}
}

async function httpOk(url) {
	const response = await fetch(url);
	return response.ok;
}

/** A throw-away PostgreSQL cluster on a free port; user `n8n`, no password, database `postgres`. */
export async function startPostgres(dir) {
	// Its own folder, which the user it runs as must own: the data and the Unix socket.
	const root = mkdtempSync(path.join(tmpdir(), 'videsk-pg-'));
	const { bin, user } = postgresRunner(root);
	if (user.uid !== undefined) chownSync(root, user.uid, user.gid);
	const dataDir = path.join(root, 'data');
	const initdb = spawnSync(
		path.join(bin, 'initdb'),
		['-D', dataDir, '-U', 'n8n', '--auth=trust', '--no-sync', '--encoding=UTF8', '--locale=C'],
		{ encoding: 'utf8', ...user },
	);
	if (initdb.status !== 0) throw new Error(`initdb failed:\n${initdb.stdout}${initdb.stderr}`);
	const port = await freePort();
	// Durability off: the cluster lives for one test run.
	const settings = {
		listen_addresses: '127.0.0.1',
		unix_socket_directories: root,
		fsync: 'off',
		synchronous_commit: 'off',
		full_page_writes: 'off',
	};
	const args = ['-D', dataDir, '-p', String(port)];
	for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
	const server = startProcess(path.join(bin, 'postgres'), args, {
		cwd: root,
		env: { PATH: process.env.PATH, LANG: 'C' },
		logFile: path.join(dir, 'postgres.log'),
		user,
	});
	// The server writes "ready" into its pid file's status line once it accepts connections.
	const pidFile = path.join(dataDir, 'postmaster.pid');
	await waitFor(
		'PostgreSQL',
		async () => readFileSync(pidFile, 'utf8').split('\n')[7]?.trim() === 'ready',
		{ process: server, timeoutMs: 60_000 },
	);
	return {
		port,
		env: {
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(port),
			DB_POSTGRESDB_DATABASE: 'postgres',
			DB_POSTGRESDB_USER: 'n8n',
			DB_POSTGRESDB_PASSWORD: '',
		},
		log: server.log,
		async stop() {
			await server.stop('SIGINT'); // PostgreSQL's "fast" shutdown
			rmSync(root, { recursive: true, force: true });
		},
	};
}

/** A throw-away Redis on a free port, nothing saved to disk. */
export async function startRedis(dir) {
	const port = await freePort();
	const server = startProcess(
		redisServerPath(),
		[
			'--bind',
			'127.0.0.1',
			'--port',
			String(port),
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
		],
		{ cwd: dir, env: { PATH: process.env.PATH }, logFile: path.join(dir, 'redis.log') },
	);
	await waitFor('Redis', () => redisPing(port), { process: server, timeoutMs: 30_000 });
	return {
		port,
		env: { QUEUE_BULL_REDIS_HOST: '127.0.0.1', QUEUE_BULL_REDIS_PORT: String(port) },
		log: server.log,
		stop: () => server.stop(),
	};
}

function redisPing(port) {
	return new Promise((resolve) => {
		const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
		socket.once('data', (data) => {
			socket.destroy();
			resolve(data.toString().startsWith('+PONG'));
		});
		socket.once('error', () => resolve(false));
	});
}

/**
 * n8n in queue mode: PostgreSQL, Redis, the package installed in a shared user folder, the
 * "Videsk sandbox" credential (and `credentials`: more `{ id, name, sandbox }`) and the
 * workflows of `workflowDirs` imported, `publish` workflows activated, then one main instance
 * and `workers` workers (`n8n worker --concurrency`); ready once the POST `webhooks` (paths)
 * answer. Every process logs JSON lines to a file in the cluster's folder (see
 * `startedExecutions`); `stop()` ends them all.
 */
export async function startQueueCluster({
	packageDir,
	sandbox,
	workflowDirs,
	publish = [],
	webhooks = [],
	credentials = [],
	workers = 2,
	concurrency = 2,
}) {
	const home = await createN8nHome(packageDir);
	const dir = mkdtempSync(path.join(tmpdir(), 'videsk-queue-'));
	const started = [];
	const cluster = {
		dir,
		home,
		main: undefined,
		workers: [],
		async stop() {
			// n8n first (it holds connections to both), then Redis and PostgreSQL.
			for (const part of started.reverse()) await part.stop();
			started.length = 0;
			rmSync(dir, { recursive: true, force: true });
			rmSync(home.userFolder, { recursive: true, force: true });
		},
	};
	try {
		const postgres = await startPostgres(dir);
		started.push(postgres);
		const redis = await startRedis(dir);
		started.push(redis);
		home.env = {
			...home.env,
			...postgres.env,
			...redis.env,
			EXECUTIONS_MODE: 'queue',
			N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '5',
			N8N_LOG_FORMAT: 'json',
		};
		await importIntoN8n(home, sandbox, workflowDirs);
		if (credentials.length > 0) {
			const file = path.join(dir, 'credentials.json');
			writeFileSync(
				file,
				JSON.stringify(
					credentials.map(({ id, name, sandbox: target }) => ({
						id,
						name,
						type: 'videskApi',
						data: { apiToken: target.token, baseUrl: target.url },
					})),
				),
			);
			const { code, stdout, stderr } = await n8n(home, ['import:credentials', `--input=${file}`]);
			if (code !== 0) throw new Error(`n8n import:credentials failed:\n${stdout}${stderr}`);
		}
		for (const id of publish) {
			const { code, stdout, stderr } = await n8n(home, ['publish:workflow', `--id=${id}`]);
			if (code !== 0) throw new Error(`n8n publish:workflow ${id} failed:\n${stdout}${stderr}`);
		}

		const port = await freePort();
		const main = await startN8nProcess(home, dir, 'main', ['start'], {
			// Main's debug lines say when each trigger is active (after its first poll).
			N8N_LOG_LEVEL: 'debug',
			N8N_PORT: String(port),
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}`,
			WEBHOOK_URL: `http://127.0.0.1:${port}/`,
		});
		started.push(main);
		cluster.main = { ...main, url: `http://127.0.0.1:${port}` };
		for (let index = 1; index <= workers; index += 1) {
			const healthPort = await freePort();
			const worker = await startN8nProcess(
				home,
				dir,
				`worker-${index}`,
				['worker', `--concurrency=${concurrency}`],
				{
					QUEUE_HEALTH_CHECK_ACTIVE: 'true',
					QUEUE_HEALTH_CHECK_PORT: String(healthPort),
					N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
				},
			);
			started.push(worker);
			cluster.workers.push({
				...worker,
				name: `worker-${index}`,
				healthUrl: `http://127.0.0.1:${healthPort}`,
			});
		}
		await Promise.all([
			waitFor('n8n main', () => httpOk(`${cluster.main.url}/healthz/readiness`), { process: main }),
			...cluster.workers.map((worker) =>
				waitFor(worker.name, () => httpOk(`${worker.healthUrl}/healthz/readiness`), {
					process: worker,
				}),
			),
		]);
		// Main registers the webhooks of published workflows a moment after it is ready. A GET to a
		// POST webhook tells whether it is there without running anything.
		for (const webhook of webhooks) {
			await waitFor(
				`webhook ${webhook}`,
				async () =>
					(await (await fetch(`${cluster.main.url}/webhook/${webhook}`)).text()).includes(
						'Did you mean to make a POST request',
					),
				{ process: main },
			);
		}
		return cluster;
	} catch (error) {
		await cluster.stop();
		throw error;
	}
}

/** An n8n process of the cluster, with its own task-runner port; logs to `<dir>/<name>.log`. */
async function startN8nProcess(home, dir, name, args, env) {
	return startProcess(path.join(nodeBinDir, 'node'), [n8nBin, ...args], {
		cwd: home.userFolder,
		env: { ...home.env, N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...env },
		logFile: path.join(dir, `${name}.log`),
	});
}

/** The metadata of the JSON log lines of `process` whose message starts with `message`. */
export function logged(process, message) {
	const entries = [];
	for (const line of process.log().split('\n')) {
		if (!line.includes(message)) continue;
		try {
			const entry = JSON.parse(line);
			if (String(entry.message).startsWith(message)) entries.push(entry.metadata ?? {});
		} catch {
			// not one of n8n's JSON lines
		}
	}
	return entries;
}

/** The executions a worker's log says it started: `{ executionId, workflowId }`, in order. */
export function startedExecutions(worker) {
	return logged(worker, 'Worker started execution').map(({ executionId, workflowId }) => ({
		executionId: String(executionId),
		workflowId,
	}));
}
