// The credential test as the n8n editor runs it when a credential is saved: in a real n8n,
// signed in as its owner, through n8n's REST API (POST /rest/credentials, then
// POST /rest/credentials/test, which runs n8n's CredentialsTester).
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { PACKAGE_DIR } from '../support/harness.mjs';
import { type Sandbox, startSandbox, STRICTEST } from '../sandbox/server.mjs';
import { createN8nHome, ensureN8n, startN8nSignedIn, type N8nHome } from './n8n-runtime.mjs';

let sandbox: Sandbox;
let home: N8nHome;
let n8n: Awaited<ReturnType<typeof startN8nSignedIn>>;

beforeAll(async () => {
	ensureN8n();
	sandbox = await startSandbox(STRICTEST);
	home = await createN8nHome(PACKAGE_DIR);
	n8n = await startN8nSignedIn(home);
}, 30 * 60_000);

afterAll(async () => {
	await n8n?.stop();
	await sandbox?.close();
	if (home) rmSync(home.userFolder, { recursive: true, force: true });
});

/** Saves a Videsk API credential in n8n, then tests it as the editor does. */
async function saveAndTest(data: { apiToken: string; baseUrl: string }) {
	const saved = await n8n.rest('POST', '/credentials', {
		name: `Videsk ${data.baseUrl}`,
		type: 'videskApi',
		data,
	});
	return (await n8n.rest('POST', '/credentials/test', {
		credentials: { id: saved.id, name: saved.name, type: 'videskApi', data },
	})) as { status: string; message: string };
}

test('the right token passes, with one list request to the sandbox', async () => {
	sandbox.reset();
	expect(await saveAndTest({ apiToken: sandbox.token, baseUrl: sandbox.url })).toEqual({
		status: 'OK',
		message: 'Connection successful: Videsk accepted the token.',
	});
	expect(sandbox.requests.map((r) => `${r.method} ${r.path} ${r.headers.authorization}`)).toEqual([
		`GET /vpaas/rooms Bearer ${sandbox.token}`,
	]);
});

test('a wrong token gets what to check (the token’s type, expiry, addresses), and is not shown', async () => {
	const result = await saveAndTest({ apiToken: 'not-the-token', baseUrl: sandbox.url });
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(
		/^Check the API token: Videsk did not accept it\. .*api-token.*expired.*IP addresses/,
	);
	expect(result.message).not.toContain('not-the-token');
});

test('an unreachable Base URL is named, with what is wrong (not a bare ECONNREFUSED)', async () => {
	expect(await saveAndTest({ apiToken: sandbox.token, baseUrl: 'http://127.0.0.1:9' })).toEqual({
		status: 'Error',
		message:
			'Check the Base URL: n8n could not reach http://127.0.0.1:9; nothing answered there (connection refused). Check its host and port, and that the server runs.',
	});
});
