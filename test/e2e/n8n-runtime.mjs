// A real n8n for the end-to-end tests and `npm start`, kept outside the project (n8n needs
// Node 24 and weighs 2.8 GB). Everything comes from the npm registry:
// - Node 24 from the `node-<platform>-<arch>` package (the binary ships inside it);
// - n8n installed with --ignore-scripts (a Kafka native module would download from elsewhere),
//   then its sqlite3 binding compiled from source with node-gyp (N-API, so Node 20 headers do).
// Installed once per machine into a cache folder (install-n8n.mjs), and reused.
// VIDESK_N8N_VERSION picks the n8n: 2 (default) or 1 for the tested 2.x or 1.x, or an exact version.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
	cpSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	renameSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_DIR, isInstalled } from '../support/install.mjs';

/** The n8n versions the package is tested with: the pinned 2.x and the newest 1.x that installs. */
export const TESTED_N8N_VERSIONS = { 2: '2.41.1', 1: '1.123.81' };
const requested = process.env.VIDESK_N8N_VERSION || '2';
export const N8N_VERSION = TESTED_N8N_VERSIONS[requested] ?? requested;
if (!/^\d+\.\d+\.\d+$/.test(N8N_VERSION)) {
	throw new Error(
		`VIDESK_N8N_VERSION must be 1, 2 (the tested 1.x and 2.x) or an exact n8n version, not "${requested}"`,
	);
}
/** The major version: n8n 1 and 2 differ in a few CLI commands (see activateWorkflow). */
export const N8N_MAJOR = Number(N8N_VERSION.split('.')[0]);
export const NODE_VERSION = '24.21.0';

export const nodeDir = path.join(CACHE_DIR, `node-${NODE_VERSION}`);
export const n8nDir = path.join(CACHE_DIR, `n8n-${N8N_VERSION}`);
export const nodePackage = `node-${process.platform}-${process.arch}`;

export const nodeBinDir = path.join(nodeDir, 'node_modules', nodePackage, 'bin');
export const n8nBin = path.join(n8nDir, 'node_modules', 'n8n', 'bin', 'n8n');

const INSTALLER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'install-n8n.mjs');

export const isN8nInstalled = () => isInstalled(nodeDir) && isInstalled(n8nDir);

/**
 * Makes sure Node 24 and n8n are in the cache. Synchronous for its callers: the install runs in
 * a child process (install-n8n.mjs), which prints one progress line per step.
 */
export function ensureN8n() {
	if (isN8nInstalled()) return;
	const { status } = spawnSync(process.execPath, [INSTALLER], { stdio: 'inherit' });
	if (status !== 0) throw new Error(`Installing n8n ${N8N_VERSION} failed: its output is above`);
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

/** A fresh n8n user folder, nothing installed yet, and the environment n8n runs with there. */
async function newN8nHome() {
	const userFolder = mkdtempSync(path.join(tmpdir(), 'videsk-n8n-'));
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	mkdirSync(path.join(nodesDir, 'node_modules'), { recursive: true });
	// Not the test runner's environment: n8n prints nothing under NODE_ENV=test.
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(
			([name]) => name !== 'NODE_ENV' && !name.startsWith('VITEST'),
		),
	);
	return {
		userFolder,
		nodesDir,
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
			// Nothing leaves this machine: no template gallery, no MCP server registry from n8n.io
			// (a module n8n 1 does not have, and would refuse to disable).
			N8N_TEMPLATES_ENABLED: 'false',
			...(N8N_MAJOR >= 2 && { N8N_DISABLED_MODULES: 'mcp-registry' }),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_SECURE_COOKIE: 'false',
			N8N_LOG_LEVEL: 'info',
		},
	};
}

/**
 * A fresh n8n user folder with this package installed as a community package: its dist/ and
 * package.json copied (as npm would), and n8n-workflow resolving to n8n's own copy.
 * (createN8nHomeFromTarball installs the packed package instead, exactly as n8n does.)
 */
export async function createN8nHome(packageDir) {
	const home = await newN8nHome();
	const installed = path.join(home.nodesDir, 'node_modules', 'n8n-nodes-videsk');
	mkdirSync(installed, { recursive: true });
	cpSync(path.join(packageDir, 'dist'), path.join(installed, 'dist'), { recursive: true });
	cpSync(path.join(packageDir, 'package.json'), path.join(installed, 'package.json'));
	symlinkSync(
		path.join(n8nDir, 'node_modules', 'n8n-workflow'),
		path.join(home.nodesDir, 'node_modules', 'n8n-workflow'),
	);
	writeFileSync(
		path.join(home.nodesDir, 'package.json'),
		JSON.stringify({
			name: 'installed-nodes',
			private: true,
			dependencies: { 'n8n-nodes-videsk': '*' },
		}),
	);
	return home;
}

/** Runs a command quietly; throws with its output if it fails. */
function runQuietly(command, args, cwd) {
	const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
	if (result.status !== 0) {
		throw new Error(
			`${command} ${args.join(' ')} failed in ${cwd}:\n${result.stdout}${result.stderr}`,
		);
	}
	return result.stdout;
}

/** `npm pack` of the package into `destination` (what `npm publish` uploads); the .tgz path. */
export function packPackage(packageDir, destination) {
	const [packed] = JSON.parse(
		runQuietly(
			'npm',
			['pack', '--json', '--ignore-scripts', '--pack-destination', destination],
			packageDir,
		),
	);
	return path.join(destination, packed.filename);
}

/**
 * A fresh n8n user folder with a packed package (`npm pack`'s .tgz) installed the way n8n's
 * Community Nodes installer does it (CommunityPackagesService.downloadPackage, the same in n8n
 * 2.41.1 and 1.123.81): the tarball in ~/.n8n/nodes, unpacked with `tar --strip-components=1`
 * into nodes/node_modules/<name>, its dev, peer and optional dependencies dropped from its
 * package.json, `npm install` with n8n's flags run inside it (it has no dependencies to fetch),
 * and its version recorded in nodes/package.json. Only the download differs: n8n gets the
 * tarball with `npm pack <name>@<version>` from the registry. n8n-workflow is not installed:
 * n8n resolves it to its own copy (it puts its node_modules on NODE_PATH).
 */
export async function createN8nHomeFromTarball(tarball) {
	const home = await newN8nHome();
	const download = path.join(home.nodesDir, path.basename(tarball));
	cpSync(tarball, download);
	const unpacked = path.join(home.nodesDir, 'node_modules', 'unpacked');
	mkdirSync(unpacked);
	runQuietly('tar', ['-xzf', download, '-C', unpacked, '--strip-components=1'], home.nodesDir);
	const manifestFile = path.join(unpacked, 'package.json');
	const { devDependencies, peerDependencies, optionalDependencies, ...manifest } = JSON.parse(
		readFileSync(manifestFile, 'utf8'),
	);
	const packageDir = path.join(home.nodesDir, 'node_modules', manifest.name);
	renameSync(unpacked, packageDir);
	writeFileSync(path.join(packageDir, 'package.json'), JSON.stringify(manifest, null, 2));
	runQuietly(
		'npm',
		[
			'install',
			'--audit=false',
			'--fund=false',
			'--bin-links=false',
			'--install-strategy=shallow',
			'--ignore-scripts=true',
			'--package-lock=false',
		],
		packageDir,
	);
	writeFileSync(
		path.join(home.nodesDir, 'package.json'),
		JSON.stringify(
			{
				name: 'installed-nodes',
				private: true,
				dependencies: { [manifest.name]: manifest.version },
			},
			null,
			2,
		),
	);
	rmSync(download);
	return { ...home, packageDir };
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

/** Activates a workflow (before `n8n start`): `publish:workflow` in n8n 2, `update:workflow` in 1. */
export async function activateWorkflow(home, workflowId) {
	const args =
		N8N_MAJOR === 1
			? ['update:workflow', `--id=${workflowId}`, '--active=true']
			: ['publish:workflow', `--id=${workflowId}`];
	const { code, stdout, stderr } = await n8n(home, args);
	if (code !== 0) throw new Error(`n8n ${args[0]} failed:\n${stdout}${stderr}`);
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
 * Waits until the n8n started with startN8n serves its editor and REST API on `url` (at most two
 * minutes): /healthz answers early, so this waits for the REST API's JSON.
 */
export async function waitForN8n(url, child) {
	for (let attempt = 0; ; attempt += 1) {
		try {
			// Until then, every path answers 200 with an HTML "n8n is starting up" page.
			const settings = await fetch(`${url}/rest/settings`);
			if (settings.ok && settings.headers.get('content-type')?.includes('json')) return;
		} catch {
			// not listening yet
		}
		if (attempt > 240 || child.exitCode !== null) throw new Error('n8n did not start');
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}
