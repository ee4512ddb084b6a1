// End to end: the built package inside a real n8n process (n8n's CLI: import:credentials,
// import:workflow, execute), against the sandbox. The workflows are the JSON files beside this.
import type { IDataObject, IRun } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { PACKAGE_DIR } from '../harness.mjs';
import { startSandbox, type Sandbox } from '../sandbox/server.mjs';
import {
	createN8nHome,
	ensureN8n,
	executeWorkflow,
	importIntoN8n,
	freePort,
	n8n,
	startN8n,
} from './n8n-runtime.mjs';

const PAGE_MAXIMUM = 40;
let sandbox: Sandbox;
let home: Awaited<ReturnType<typeof createN8nHome>>;

beforeAll(async () => {
	ensureN8n();
	sandbox = await startSandbox({ maxPageSize: PAGE_MAXIMUM });
	home = await createN8nHome(PACKAGE_DIR);
	await importIntoN8n(home, sandbox, [
		path.join(PACKAGE_DIR, 'test', 'e2e', 'workflows'),
		path.join(PACKAGE_DIR, 'examples'),
	]);
}, 30 * 60_000);

beforeEach(() => sandbox.reset());
afterAll(async () => sandbox?.close());

function execute(workflowId: string) {
	return executeWorkflow(home, workflowId) as Promise<{
		code: number;
		run: IRun;
		output: (node: string) => IDataObject[];
	}>;
}

describe('in a real n8n', () => {
	test('the package loads: the node, its AI-tool form and the trigger', async () => {
		const file = path.join(home.userFolder, 'nodes.json');
		const { code } = await n8n(home, ['export:nodes', `--output=${file}`]);
		expect(code).toBe(0);
		const types = JSON.parse(readFileSync(file, 'utf8')) as Array<{
			name: string;
			polling?: boolean;
		}>;
		const ours = types.filter((type) => type.name.startsWith('n8n-nodes-videsk.'));
		expect(ours.map((type) => type.name).sort()).toEqual([
			'n8n-nodes-videsk.videskRooms',
			'n8n-nodes-videsk.videskRoomsTool',
			'n8n-nodes-videsk.videskRoomsTrigger',
		]);
		expect(ours.find((type) => type.name.endsWith('Trigger'))?.polling).toBe(true);
	});

	test('every operation, chained by expressions', async () => {
		const { output, run } = await execute('e2eEveryOperation');
		expect(run.data.resultData.error).toBeUndefined();
		const [created] = output('Create');
		expect(created).toMatchObject({
			externalId: 'e2e-room',
			name: 'E2E room',
			settings: { maxParticipants: 3 },
		});
		expect(created.accessToken).toBeTruthy();
		expect(output('Create or Get')).toEqual([
			expect.objectContaining({ id: created.id, created: false }),
		]);
		expect(Object.keys(output('Get')[0]).sort()).toEqual([
			'ended',
			'exp',
			'externalId',
			'id',
			'name',
			'nbf',
		]);
		expect(output('Update')[0]).toMatchObject({ name: 'Renamed in n8n' });
		expect(Object.keys(output('Get Join Token')[0])).toEqual(['accessToken']);
		expect(output('End')[0]).toMatchObject({ id: created.id, ended: true });
		expect(output('Get Many').map((room) => room.id)).toEqual([created.id]);
		expect(output('Delete')[0].error).toBe(
			'Delete: Videsk does not allow deleting rooms through its API (room "e2e-room")',
		);
		expect(sandbox.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'POST /vpaas/rooms',
			'POST /vpaas/rooms',
			'GET /vpaas/rooms/e2e-room',
			`GET /vpaas/rooms/${String(created.id)}`,
			'PATCH /vpaas/rooms/e2e-room',
			`POST /vpaas/rooms/${String(created.id)}/join`,
			'PATCH /vpaas/rooms/e2e-room',
			'GET /vpaas/rooms',
			'DELETE /vpaas/rooms/e2e-room',
		]);
		for (const request of sandbox.requests) {
			expect(request.headers.authorization).toBe(`Bearer ${sandbox.token}`);
		}
	});

	test(`Return All with a server page maximum (${PAGE_MAXIMUM}) below the requested 100`, async () => {
		sandbox.seed(95);
		const { output } = await execute('e2eReturnAll');
		expect(output('Get Many').map((room) => room.id)).toEqual(
			sandbox.rooms().map((room) => room.id),
		);
		expect(sandbox.requests.map((r) => [r.query.$limit, r.query.$skip])).toEqual([
			['100', '0'],
			['100', '40'],
			['100', '80'],
		]);
	});

	test('Create or Get run twice with the same External ID: one room, created then found', async () => {
		const first = await execute('e2eCreateOrGet');
		const second = await execute('e2eCreateOrGet');
		expect(first.output('Create or Get')[0]).toMatchObject({
			externalId: 'calendar-event-42',
			created: true,
		});
		expect(second.output('Create or Get')[0]).toMatchObject({
			id: first.output('Create or Get')[0].id,
			created: false,
		});
		expect(sandbox.rooms()).toHaveLength(1);
	});

	test('Continue On Fail: the failing item carries its error, the others their rooms, in order', async () => {
		sandbox.seed(2);
		const { output, run } = await execute('e2eContinueOnFail');
		expect(run.data.resultData.error).toBeUndefined();
		expect(output('Get').map((item) => item.externalId ?? item.error)).toEqual([
			'seed-1',
			'Get: Videsk has no room "no-such-room"',
			'seed-2',
		]);
	});

	test('without Continue On Fail, an error stops the workflow with the node’s message', async () => {
		const { run } = await execute('e2eErrorStops');
		const error = run.data.resultData.error as
			| { message?: string; description?: string }
			| undefined;
		expect(error?.message).toBe('Get: Videsk has no room "no-such-room"');
		expect(error?.description).toContain('Check the "Room" field');
		expect(JSON.stringify(run)).not.toContain(sandbox.token);
	});

	test('example: calendar event → Create or Get → one join token per participant', async () => {
		const { output, run } = await execute('videskExampleCalendar');
		expect(run.data.resultData.error).toBeUndefined();
		const [room] = output('Create or Get room');
		expect(room).toMatchObject({
			externalId: 'cal-evt-2026-standup',
			name: 'Team standup',
			created: true,
		});
		const tokens = output('Get Join Token');
		expect(tokens).toHaveLength(3);
		expect(sandbox.rooms()[0].authorizations).toHaveLength(4);
	});

	test('example: the schedule ends the open rooms past their expiry, and only those', async () => {
		sandbox.seed(2);
		sandbox.seed(2, (index) => ({
			externalId: `expired-${index}`,
			createdAt: Date.now() - 5 * 3_600_000,
			nbf: new Date(Date.now() - 5 * 3_600_000).toISOString(),
			exp: new Date(Date.now() - 3_600_000).toISOString(),
		}));
		const { output } = await execute('videskExampleEndExpired');
		expect(output('End room').map((room) => room.externalId)).toEqual(['expired-0', 'expired-1']);
		expect(
			sandbox
				.rooms()
				.filter((room) => room.ended)
				.map((room) => room.externalId),
		).toEqual(['expired-0', 'expired-1']);
	});

	test('Get Stats', async () => {
		sandbox.seed(1);
		const { output } = await execute('e2eGetStats');
		expect(output('Get Stats')).toEqual([
			expect.objectContaining({ view: 'summary', perPeer: expect.any(Array) }),
		]);
		expect(sandbox.requests.map((r) => `${r.method} ${r.rawPath}?${r.rawQuery}`)).toEqual([
			'GET /vpaas/rooms/seed-1/stats?view=summary',
		]);
	});

	test('activated in a running n8n, the trigger polls at once and emits nothing old', async () => {
		sandbox.seed(3);
		sandbox.end('seed-1');
		const published = await n8n(home, ['publish:workflow', '--id=videskExampleEndedReport']);
		expect(published.code).toBe(0);
		const editor = startN8n(home, await freePort(), 'ignore');
		try {
			await expect
				.poll(
					() => sandbox.requests.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}`),
					{
						timeout: 60_000,
						interval: 250,
					},
				)
				.toEqual([
					// Whether rooms carry updatedAt (these do not), the minute before the newest room,
					// and the open rooms to watch.
					'GET /vpaas/rooms {"$sort":{"createdAt":"-1"},"$limit":"1"}',
					'GET /vpaas/rooms {"$sort":{"createdAt":"-1"},"$limit":"100","$skip":"0"}',
					'GET /vpaas/rooms {"ended":"false","$sort":{"createdAt":"-1"},"$limit":"100","$skip":"0"}',
				]);
		} finally {
			editor.kill();
			await new Promise((resolve) => editor.once('exit', resolve));
		}
		expect(sandbox.requests.some((r) => r.path.endsWith('/stats'))).toBe(false);
		// n8n's start-up counts here: room for the 60 s the poll above may wait.
	}, 90_000);
});
