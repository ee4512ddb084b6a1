// End to end with the published artifact: the package packed by `npm pack` (what `npm publish`
// uploads) and installed into a fresh n8n user folder the way n8n's Community Nodes installer
// installs it (see createN8nHomeFromTarball), not the development folder's dist/. Then n8n loads
// it, runs a workflow with its node and credential, and, started, runs the example workflow that
// chains the trigger and the node.
import type { IDataObject, IRun } from 'n8n-workflow';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { PACKAGE_DIR } from '../support/harness.mjs';
import { type Sandbox, startSandbox, STRICTEST } from '../sandbox/server.mjs';
import {
	activateWorkflow,
	createN8nHomeFromTarball,
	ensureN8n,
	executeWorkflow,
	freePort,
	importIntoN8n,
	n8n,
	N8N_VERSION,
	packPackage,
	startN8n,
} from './n8n-runtime.mjs';

const packDir = mkdtempSync(path.join(tmpdir(), 'videsk-pack-'));
let tarball: string;
let sandbox: Sandbox;
let home: Awaited<ReturnType<typeof createN8nHomeFromTarball>>;

beforeAll(async () => {
	ensureN8n();
	tarball = packPackage(PACKAGE_DIR, packDir);
	home = await createN8nHomeFromTarball(tarball);
	sandbox = await startSandbox(STRICTEST);
	await importIntoN8n(home, sandbox, [
		path.join(PACKAGE_DIR, 'test', 'e2e', 'workflows'),
		path.join(PACKAGE_DIR, 'examples'),
	]);
}, 30 * 60_000);

beforeEach(() => sandbox.reset());
afterAll(async () => {
	await sandbox?.close();
	rmSync(packDir, { recursive: true, force: true });
});

describe(
	`the packed package, installed as n8n ${N8N_VERSION} installs a community package`,
	{ timeout: 120_000 },
	() => {
		test('lands in ~/.n8n/nodes with what the tarball holds and nothing else', () => {
			expect(path.relative(home.userFolder, home.packageDir)).toBe(
				path.join('.n8n', 'nodes', 'node_modules', 'n8n-nodes-videsk'),
			);
			const manifest = JSON.parse(readFileSync(path.join(home.packageDir, 'package.json'), 'utf8'));
			expect(manifest.devDependencies).toBeUndefined();
			expect(manifest.peerDependencies).toBeUndefined();
			expect(manifest.dependencies).toBeUndefined();
			expect(readdirSync(home.packageDir).sort()).toEqual([
				'LICENSE',
				'README.md',
				'dist',
				'package.json',
			]);
			// n8n-workflow comes from n8n itself, not from the package or the nodes folder.
			expect(existsSync(path.join(home.nodesDir, 'node_modules', 'n8n-workflow'))).toBe(false);
			const installed = JSON.parse(readFileSync(path.join(home.nodesDir, 'package.json'), 'utf8'));
			expect(installed.dependencies).toEqual({ 'n8n-nodes-videsk': manifest.version });
		});

		test('n8n loads the node, its AI-tool form and the trigger', async () => {
			const nodesFile = path.join(home.userFolder, 'nodes.json');
			expect((await n8n(home, ['export:nodes', `--output=${nodesFile}`])).code).toBe(0);
			const types = JSON.parse(readFileSync(nodesFile, 'utf8')) as Array<{ name: string }>;
			expect(
				types
					.map((type) => type.name)
					.filter((name) => name.startsWith('n8n-nodes-videsk.'))
					.sort(),
			).toEqual([
				'n8n-nodes-videsk.videskRooms',
				'n8n-nodes-videsk.videskRoomsTool',
				'n8n-nodes-videsk.videskRoomsTrigger',
			]);
		});

		test('every operation runs, with the credential', async () => {
			const { run, output } = (await executeWorkflow(home, 'e2eEveryOperation')) as {
				run: IRun;
				output: (node: string) => IDataObject[];
			};
			expect(run.data.resultData.error).toBeUndefined();
			expect(output('Create')[0]).toMatchObject({ externalId: 'e2e-room' });
			expect(output('End')[0]).toMatchObject({ externalId: 'e2e-room', ended: true });
			// One request per operation, two for Create or Get's lookup and Get Join Token's room;
			// none for the Delete an older version saved.
			const { id } = output('Create')[0];
			expect(sandbox.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
				'POST /vpaas/rooms',
				'POST /vpaas/rooms',
				'GET /vpaas/rooms/e2e-room',
				`GET /vpaas/rooms/${String(id)}`,
				'PATCH /vpaas/rooms/e2e-room',
				`GET /vpaas/rooms/${String(id)}`,
				`POST /vpaas/rooms/${String(id)}/join`,
				'PATCH /vpaas/rooms/e2e-room',
				'GET /vpaas/rooms',
			]);
			for (const request of sandbox.requests) {
				expect(request.headers.authorization).toBe(`Bearer ${sandbox.token}`);
			}
		});

		test('activated, the example "room ended → quality report" runs the trigger, then the node', async () => {
			sandbox.seed(3);
			await activateWorkflow(home, 'videskExampleEndedReport');
			const editor = startN8n(home, await freePort(), 'ignore');
			try {
				// Activation polls once and emits nothing old.
				await expect
					.poll(() => sandbox.requests.length, { timeout: 60_000, interval: 250 })
					.toBeGreaterThanOrEqual(2);
				expect(sandbox.requests.some((r) => r.path.endsWith('/stats'))).toBe(false);
				// The next poll (within a minute) sees the room end; the workflow fetches its report.
				const [, ended] = sandbox.rooms();
				sandbox.end(ended.id);
				await expect
					.poll(
						() =>
							sandbox.requests
								.filter((r) => r.path.endsWith('/stats'))
								.map((r) => `${r.method} ${r.rawPath}?${r.rawQuery} ${r.headers.authorization}`),
						{ timeout: 90_000, interval: 500 },
					)
					.toEqual([`GET /vpaas/rooms/${ended.id}/stats?view=report Bearer ${sandbox.token}`]);
			} finally {
				editor.kill();
				await new Promise((resolve) => editor.once('exit', resolve));
			}
		}, 180_000);
	},
);
