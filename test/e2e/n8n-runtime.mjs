// A real n8n for the end-to-end tests and `npm start`, kept outside the project (n8n needs
// Node 24 and weighs 2.8 GB). Everything comes from the npm registry:
// - Node 24 from the `node-<platform>-<arch>` package (the binary ships inside it);
// - n8n installed with --ignore-scripts (a Kafka native module would download from elsewhere),
//   then its sqlite3 binding compiled from source with node-gyp (N-API, so Node 20 headers do).
// Installed once per machine into a cache folder, and reused.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { cpSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';

export const N8N_VERSION = '2.41.1';
export const NODE_VERSION = '24.21.0';

const cacheDir =
	process.env.VIDESK_N8N_CACHE ??
	path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'n8n-nodes-videsk');
const nodeDir = path.join(cacheDir, `node-${NODE_VERSION}`);
const n8nDir = path.join(cacheDir, `n8n-${N8N_VERSION}`);
const nodePackage = `node-${process.platform}-${process.arch}`;

export const nodeBinDir = path.join(nodeDir, 'node_modules', nodePackage, 'bin');
export const n8nBin = path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');

function run(command, args, cwd, log) {
	log(`  $ ${command} ${args.join(' ')}`);
	const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
	if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}`);
}

function install(dir, packages, extraArgs, log) {
	mkdirSync(dir, { recursive: true });
	writeFileSync(path.join(dir, 'package.json'), '{"private": true}\n');
	run(
		'npm',
		['install', '--no-audit', '--no-fund', '--no-save', ...extraArgs, ...packages],
		dir,
		log,
	);
}

/** Makes sure Node 24 and n8n are in the cache; prints progress while it installs. */
export function ensureN8n(log = (line) => process.stderr.write(`${line}\n`)) {
	if (!existsSync(path.join(nodeDir, '.ready'))) {
		log(`Installing Node ${NODE_VERSION} for n8n into ${nodeDir} (about 30 MB, a few seconds)...`);
		install(nodeDir, [`${nodePackage}@${NODE_VERSION}`], [], log);
		writeFileSync(path.join(nodeDir, '.ready'), '');
	}
	if (!existsSync(path.join(n8nDir, '.ready'))) {
		log(
			`Installing n8n ${N8N_VERSION} into ${n8nDir} (about 2.8 GB; 4 to 6 minutes, once per machine)...`,
		);
		install(n8nDir, [`n8n@${N8N_VERSION}`], ['--omit=dev', '--ignore-scripts'], log);
		log('Compiling sqlite3 for n8n (about 90 seconds)...');
		const sqlite = path.join(n8nDir, 'node_modules', 'sqlite3');
		const nodeGyp = path.join(n8nDir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
		// Headers of the running Node, so that node-gyp downloads nothing.
		const nodeRoot = path.resolve(path.dirname(process.execPath), '..');
		const headers = existsSync(path.join(nodeRoot, 'include', 'node', 'node_api.h'))
			? [`--nodedir=${nodeRoot}`]
			: [];
		run(process.execPath, [nodeGyp, 'rebuild', ...headers], sqlite, log);
		writeFileSync(path.join(n8nDir, '.ready'), '');
		log('n8n is ready.');
	}
}

export function freePort() {
	return new Promise((resolve, reject) => {
		const server = createServer();
		server.on('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address();
			server.close(() => resolve(port));
		});
	});
}

/**
 * A fresh n8n user folder with this package installed as a community package: its dist/ and
 * package.json copied (as npm would), and n8n-workflow resolving to n8n's own copy.
 */
export async function createN8nHome(packageDir) {
	const userFolder = mkdtempSync(path.join(tmpdir(), 'videsk-n8n-'));
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const installed = path.join(nodesDir, 'node_modules', 'n8n-nodes-videsk');
	mkdirSync(installed, { recursive: true });
	cpSync(path.join(packageDir, 'dist'), path.join(installed, 'dist'), { recursive: true });
	cpSync(path.join(packageDir, 'package.json'), path.join(installed, 'package.json'));
	symlinkSync(
		path.join(n8nDir, 'node_modules', 'n8n-workflow'),
		path.join(nodesDir, 'node_modules', 'n8n-workflow'),
	);
	writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({
			name: 'installed-nodes',
			private: true,
			dependencies: { 'n8n-nodes-videsk': '*' },
		}),
	);
	// Not the test runner's environment: n8n prints nothing under NODE_ENV=test.
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(
			([name]) => name !== 'NODE_ENV' && !name.startsWith('VITEST'),
		),
	);
	return {
		userFolder,
		env: {
			...inherited,
			PATH: `${nodeBinDir}${path.delimiter}${process.env.PATH}`,
			N8N_USER_FOLDER: userFolder,
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
			N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			// Nothing leaves this machine: no template gallery, no MCP server registry from n8n.io.
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_DISABLED_MODULES: 'mcp-registry',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_SECURE_COOKIE: 'false',
			N8N_LOG_LEVEL: 'info',
		},
	};
}

/** Runs an n8n CLI command to completion; resolves with its exit code and output. */
export function n8n(home, args) {
	return new Promise((resolve) => {
		const child = spawn(path.join(nodeBinDir, 'node'), [n8nBin, ...args], {
			cwd: home.userFolder,
			env: home.env,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (chunk) => (stdout += chunk));
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('close', (code) => resolve({ code, stdout, stderr }));
	});
}

/** Starts the n8n editor (`n8n start`); returns the child process. */
export function startN8n(home, port, stdio = 'inherit') {
	return spawn(path.join(nodeBinDir, 'node'), [n8nBin, 'start'], {
		cwd: home.userFolder,
		env: { ...home.env, N8N_PORT: String(port), N8N_EDITOR_BASE_URL: `http://127.0.0.1:${port}` },
		stdio,
	});
}

/**
 * Starts the n8n editor with the owner account set from the environment (setOwner), waits until
 * it answers and signs in through its REST API. Resolves with the editor process, its URL,
 * `rest(method, path, body)` for n8n's REST API as that owner (resolves with the answer's `data`,
 * throws on an error status), and `stop()`.
 */
export async function startN8nSignedIn(home, owner = DEMO_OWNER) {
	setOwner(home, owner);
	const port = await freePort();
	const editor = startN8n({ ...home, env: { ...home.env, N8N_LOG_LEVEL: 'warn' } }, port, 'ignore');
	const stop = async () => {
		if (editor.exitCode !== null) return;
		editor.kill();
		await new Promise((resolve) => editor.once('exit', resolve));
	};
	const url = `http://127.0.0.1:${port}`;
	try {
		await waitForN8n(url, editor);
		const login = await fetch(`${url}/rest/login`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
		});
		if (!login.ok) throw new Error(`n8n sign-in failed: ${login.status} ${await login.text()}`);
		const cookie = login.headers
			.getSetCookie()
			.map((header) => header.split(';')[0])
			.join('; ');
		const rest = async (method, path, body) => {
			const response = await fetch(`${url}/rest${path}`, {
				method,
				headers: { 'Content-Type': 'application/json', cookie },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
			const text = await response.text();
			if (!response.ok) throw new Error(`${method} /rest${path}: ${response.status} ${text}`);
			return JSON.parse(text).data;
		};
		return { editor, url, rest, stop };
	} catch (error) {
		await stop();
		throw error;
	}
}

/**
 * `n8n execute --id`: resolves with the run n8n recorded (its JSON is printed after a "===="
 * line, and followed by a stack when the run failed) and a helper for one node's output.
 */
export async function executeWorkflow(home, workflowId) {
	const { code, stdout, stderr } = await n8n(home, ['execute', `--id=${workflowId}`]);
	const start = stdout.indexOf('\n{', stdout.indexOf('===='));
	let run;
	try {
		run = JSON.parse(stdout.slice(start, stdout.indexOf('\n}', start) + 2));
	} catch {
		throw new Error(`n8n execute printed no run (exit ${code}):\n${stdout}\n${stderr}`);
	}
	const output = (node) =>
		(run.data.resultData.runData[node]?.[0]?.data?.main[0] ?? []).map((item) => item.json);
	return { code, run, output };
}

/**
 * Imports the "Videsk sandbox" credential (the ID the example workflows use), pointing at
 * `sandbox`, and every workflow in `workflowDirs`.
 */
export async function importIntoN8n(home, sandbox, workflowDirs) {
	const credentials = path.join(home.userFolder, 'credentials.json');
	writeFileSync(
		credentials,
		JSON.stringify([
			{
				id: 'videskSandbox01',
				name: 'Videsk sandbox',
				type: 'videskApi',
				data: { apiToken: sandbox.token, baseUrl: sandbox.url },
			},
		]),
	);
	const commands = [
		['import:credentials', `--input=${credentials}`],
		...workflowDirs.map((dir) => ['import:workflow', '--separate', `--input=${dir}`]),
	];
	for (const args of commands) {
		const { code, stdout, stderr } = await n8n(home, args);
		if (code !== 0) throw new Error(`n8n ${args[0]} failed:\n${stdout}${stderr}`);
	}
}

/** The owner account of the editor in `npm start` and in the e2e tests that sign in. */
export const DEMO_OWNER = { email: 'demo@example.com', password: 'Videsk-demo-1' };

/** Sets the owner account from the environment, so that n8n shows no sign-up form. */
export function setOwner(home, owner = DEMO_OWNER) {
	// bcrypt comes with n8n.
	const bcrypt = createRequire(n8nBin)('bcryptjs');
	Object.assign(home.env, {
		N8N_INSTANCE_OWNER_MANAGED_BY_ENV: 'true',
		N8N_INSTANCE_OWNER_EMAIL: owner.email,
		N8N_INSTANCE_OWNER_FIRST_NAME: 'Demo',
		N8N_INSTANCE_OWNER_LAST_NAME: 'User',
		N8N_INSTANCE_OWNER_PASSWORD_HASH: bcrypt.hashSync(owner.password, 10),
	});
}

/**
 * The n8n of `npm start` and of the editor test: a fresh user folder with the package, the owner
 * account, the sandbox credential and the example workflows imported.
 */
export async function prepareEditorN8n(packageDir, sandbox, owner = DEMO_OWNER) {
	const home = await createN8nHome(packageDir);
	setOwner(home, owner);
	await importIntoN8n(home, sandbox, [path.join(packageDir, 'examples')]);
	return home;
}

/**
 * Waits until the n8n started with startN8n serves its editor on `url` (at most two minutes):
 * /healthz answers before the editor's pages are mounted, so this asks for the sign-in page.
 */
export async function waitForN8n(url, child) {
	for (let attempt = 0; ; attempt += 1) {
		try {
			if ((await fetch(`${url}/signin`)).ok) return;
		} catch {
			// not listening yet
		}
		if (attempt > 240 || child.exitCode !== null) throw new Error('n8n did not start');
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}
