// Installs Node 24 and n8n into the cache (n8n-runtime.mjs says which and where); run by
// ensureN8n as a child process, so that its progress lines can tick while ensureN8n waits.
// Each install happens once, under a lock, into a temporary folder renamed into place at the end.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CACHE_DIR, formatDuration, installOnce, isInstalled, step } from '../support/install.mjs';
import { NotProvidedError, provide } from '../support/provision.mjs';
import {
	N8N_MAJOR,
	N8N_VERSION,
	n8nDir,
	NODE_VERSION,
	nodeDir,
	nodePackage,
} from './n8n-runtime.mjs';

// n8n 1.x's n8n-nodes-base takes xlsx from a tarball on SheetJS's CDN, outside the npm
// registry; the registry's last xlsx stands in for it (only the Spreadsheet File node uses it).
const N8N_OVERRIDES = N8N_MAJOR === 1 ? { xlsx: '0.18.5' } : undefined;

const logs = path.join(CACHE_DIR, 'logs');
const started = Date.now();

function npmInstall(exec, dir, packages, extraArgs, overrides) {
	writeFileSync(
		path.join(dir, 'package.json'),
		`${JSON.stringify({ private: true, overrides })}\n`,
	);
	return exec(
		'npm',
		['install', '--no-audit', '--no-fund', '--no-save', '--no-progress', ...extraArgs, ...packages],
		{ cwd: dir },
	);
}

/**
 * How far npm is in `dir`: it first resolves the tree, then makes every package's folder at
 * once and fills them; a folder holds package.json once its package is unpacked.
 */
function unpacked(dir) {
	const count = { all: 0, unpacked: 0 };
	const visitModules = (modules) => {
		if (!existsSync(modules)) return;
		for (const name of readdirSync(modules)) {
			if (name.startsWith('.')) continue;
			const full = path.join(modules, name);
			if (name.startsWith('@'))
				readdirSync(full).forEach((scoped) => visitPackage(path.join(full, scoped)));
			else visitPackage(full);
		}
	};
	const visitPackage = (packageDir) => {
		count.all += 1;
		if (existsSync(path.join(packageDir, 'package.json'))) count.unpacked += 1;
		visitModules(path.join(packageDir, 'node_modules'));
	};
	visitModules(path.join(dir, 'node_modules'));
	return count.all === 0
		? 'resolving the dependencies'
		: `${count.unpacked} of ${count.all} packages unpacked`;
}

if (!isInstalled(nodeDir) || !isInstalled(n8nDir)) {
	process.stderr.write(
		`First run: n8n ${N8N_VERSION} and the Node ${NODE_VERSION} it runs on go to ${CACHE_DIR}, once per machine (logs in ${logs}).\n`,
	);
}
if (!isInstalled(n8nDir)) {
	try {
		await provide(['buildTools'], `Installing n8n ${N8N_VERSION} needs`);
	} catch (error) {
		if (!(error instanceof NotProvidedError)) throw error;
		process.stderr.write(`\n${error.message}\n\n`);
		process.exit(1);
	}
}

await installOnce(nodeDir, `installing Node ${NODE_VERSION}`, (dir) =>
	step(
		`Installing Node ${NODE_VERSION} for n8n (about 190 MB)`,
		(exec) => npmInstall(exec, dir, [`${nodePackage}@${NODE_VERSION}`], []),
		{ logFile: path.join(logs, `node-${NODE_VERSION}.log`) },
	),
);

await installOnce(n8nDir, `installing n8n ${N8N_VERSION}`, async (dir) => {
	await step(
		`Installing n8n ${N8N_VERSION} (about 2.8 GB, 4 to 6 min)`,
		(exec) =>
			npmInstall(
				exec,
				dir,
				[`n8n@${N8N_VERSION}`],
				['--omit=dev', '--ignore-scripts'],
				N8N_OVERRIDES,
			),
		{ logFile: path.join(logs, `n8n-${N8N_VERSION}.log`), progress: () => unpacked(dir) },
	);
	await step(
		'Compiling sqlite3 for n8n (about 90 s)',
		(exec) => {
			const nodeGyp = path.join(dir, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
			// Headers of the running Node, so that node-gyp downloads nothing.
			const nodeRoot = path.resolve(path.dirname(process.execPath), '..');
			const headers = existsSync(path.join(nodeRoot, 'include', 'node', 'node_api.h'))
				? [`--nodedir=${nodeRoot}`]
				: [];
			return exec(process.execPath, [nodeGyp, 'rebuild', ...headers], {
				cwd: path.join(dir, 'node_modules', 'sqlite3'),
			});
		},
		{ logFile: path.join(logs, `n8n-${N8N_VERSION}-sqlite3.log`) },
	);
	process.stderr.write(`n8n ${N8N_VERSION} is ready (${formatDuration(Date.now() - started)}).\n`);
});
