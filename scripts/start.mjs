// `npm start`: the node working in a real n8n, on this machine only.
// Starts the Videsk sandbox with sample rooms, prepares a fresh n8n (the package installed, a
// credential for the sandbox, the example workflows), runs the calendar example once so its
// result shows here, then opens the n8n editor on 127.0.0.1. Ctrl-C stops everything.
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../test/sandbox/server.mjs';
import { NotProvidedError, provide } from '../test/support/provision.mjs';
import {
	DEMO_OWNER as OWNER,
	ensureN8n,
	isN8nInstalled,
	executeWorkflow,
	freePort,
	prepareEditorN8n,
	startN8n,
	waitForN8n,
} from '../test/e2e/n8n-runtime.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const HOUR = 3_600_000;

// Installing n8n compiles its sqlite3, once: g++, make and python3 (from Debian as root or with
// sudo), or one message saying what to install.
if (!isN8nInstalled()) {
	try {
		await provide(['buildTools'], 'Installing n8n for `npm start` needs');
	} catch (error) {
		if (!(error instanceof NotProvidedError)) throw error;
		console.error(`\n${error.message}\n`);
		process.exit(1);
	}
}
ensureN8n();

const sandbox = await startSandbox({ port: Number(process.env.SANDBOX_PORT ?? 0) });
const teams = ['Sales', 'Support', 'Onboarding', 'Design review', 'Standup'];
// 20 open rooms, and 3 created 5 hours ago that are past their expiry (for the clean-up example).
sandbox.seed(20, (index) => ({
	name: `${teams[index % teams.length]} call ${index + 1}`,
	externalId: `demo-${index + 1}`,
}));
sandbox.seed(3, (index) => ({
	name: `Expired call ${index + 1}`,
	externalId: `demo-expired-${index + 1}`,
	createdAt: Date.now() - 5 * HOUR,
	nbf: new Date(Date.now() - 5 * HOUR).toISOString(),
	exp: new Date(Date.now() - 2 * HOUR).toISOString(),
}));

console.log('Preparing n8n: credential and example workflows...');
const home = await prepareEditorN8n(root, sandbox);

console.log('Running the example "calendar event → room → join tokens" once...');
const demo = await executeWorkflow(home, 'videskExampleCalendar');
const [room] = demo.output('Room for the event');
const tokens = demo.output('Token per participant');
console.log(
	demo.code === 0
		? `  ✓ room "${room.name}" (${room.id}) created in the sandbox; join tokens issued for ${tokens.map((token) => token.participant).join(', ')}`
		: `  ✗ it failed: ${demo.run.data.resultData.error?.message}`,
);

const port = Number(process.env.N8N_PORT ?? (await freePort()));
const editor = startN8n({ ...home, env: { ...home.env, N8N_LOG_LEVEL: 'warn' } }, port, [
	'ignore',
	'ignore',
	'inherit',
]);
const url = `http://127.0.0.1:${port}`;
await waitForN8n(url, editor);

const examples = readdirSync(path.join(root, 'examples')).map(
	(file) => `    - ${file.replace(/\.json$/, '')}`,
);
console.log(`
n8n is running with the Videsk Rooms node: ${url}
  Sign in as ${OWNER.email} / ${OWNER.password}
  Workflows (Overview): the examples, ready to run against the sandbox:
${examples.join('\n')}
  Open "Videsk example: calendar event → room → one join token per participant" and click
  "Execute workflow"; add a "Videsk Rooms" node anywhere to try the other operations.
Videsk sandbox: ${sandbox.url} (token ${sandbox.token}, ${sandbox.rooms().length} rooms)
Press Ctrl-C to stop n8n and the sandbox.`);

async function stop() {
	editor.kill('SIGTERM');
	await sandbox.close();
	rmSync(home.userFolder, { recursive: true, force: true });
	process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
editor.on('exit', (code) => {
	console.error(`n8n exited (${code}).`);
	void sandbox.close().then(() => process.exit(code ?? 1));
});
