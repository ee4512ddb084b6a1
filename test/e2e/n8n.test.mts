// End to end: the built package inside a real n8n process (n8n's CLI: import:credentials,
// import:workflow, execute), against the sandbox. The workflows are the JSON files beside this.
import type { IDataObject, IRun } from 'n8n-workflow';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, onTestFinished, test } from 'vitest';
import { PACKAGE_DIR } from '../support/harness.mjs';
import { type Sandbox, startSandbox, STRICTEST } from '../sandbox/server.mjs';
import {
	activateWorkflow,
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
	sandbox = await startSandbox({ ...STRICTEST, maxPageSize: PAGE_MAXIMUM });
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

// Each n8n CLI run starts n8n afresh (about 5 s, 15 s on a loaded machine); the trigger test
// waits up to a minute for its poll.
describe('in a real n8n', { timeout: 120_000 }, () => {
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
			'expiresAt',
			'externalId',
			'id',
			'name',
			'nbf',
			'start',
		]);
		expect(output('Update')[0]).toMatchObject({ name: 'Renamed in n8n' });
		expect(Object.keys(output('Get Join Token')[0])).toEqual(['roomId', 'accessToken']);
		expect(output('End')[0]).toMatchObject({ id: created.id, ended: true });
		expect(output('Get Many').map((room) => room.id)).toEqual([created.id]);
		// A Delete saved by an older version: refused, nothing sent (Videsk refuses every delete).
		expect(output('Delete')[0].error).toBe('Operation "delete" is not available');
		expect(sandbox.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
			'POST /vpaas/rooms',
			'POST /vpaas/rooms',
			'GET /vpaas/rooms/e2e-room',
			`GET /vpaas/rooms/${String(created.id)}`,
			'PATCH /vpaas/rooms/e2e-room',
			// A join token's answer does not name its room: the room is read first, to be sure the
			// ID names it.
			`GET /vpaas/rooms/${String(created.id)}`,
			`POST /vpaas/rooms/${String(created.id)}/join`,
			'PATCH /vpaas/rooms/e2e-room',
			'GET /vpaas/rooms',
		]);
		for (const request of sandbox.requests) {
			expect(request.headers.authorization).toBe(`Bearer ${sandbox.token}`);
		}
	});

	test(`Return All with a server page maximum (${PAGE_MAXIMUM}) below the requested 100`, async () => {
		const seeded = sandbox.seed(95);
		const { output } = await execute('e2eReturnAll');
		// Newest first: the list's default sort.
		expect(output('Get Many').map((room) => room.id)).toEqual([...seeded].reverse());
		// Each page after the first starts with the last room of the one before (its anchor).
		expect(sandbox.requests.map((r) => [r.query.$limit, r.query.$skip])).toEqual([
			['100', '0'],
			['100', '39'],
			['100', '78'],
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

	test('Continue (using error output): each item reaches its output paired, so `$(…).item` finds its input', async () => {
		sandbox.seed(2);
		const { output, run } = await execute('e2eContinueErrorOutput');
		expect(run.data.resultData.error).toBeUndefined();
		expect(output('Found').map((item) => [item.asked, item.externalId])).toEqual([
			['seed-1', 'seed-1'],
			['seed-2', 'seed-2'],
		]);
		expect(output('Failed').map((item) => [item.asked, item.error])).toEqual([
			['no-such-room', 'Get: Videsk has no room "no-such-room"'],
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

	test('example: calendar event → Create or Update → one labelled join token per participant; rerun (rescheduled) updates the room', async () => {
		const { output, run } = await execute('videskExampleCalendar');
		expect(run.data.resultData.error).toBeUndefined();
		const [room] = output('Room for the event');
		expect(room).toMatchObject({
			externalId: 'cal-evt-2026-standup',
			name: 'Team standup',
			created: true,
			updated: false,
		});
		const tokens = output('Token per participant');
		expect(tokens.map((token) => token.participant)).toEqual([
			'ana@example.com',
			'bo@example.com',
			'cy@example.com',
		]);
		expect(new Set(tokens.map((token) => token.accessToken)).size).toBe(3);
		expect(sandbox.rooms()[0].authorizations).toHaveLength(4);

		// The sample event's times follow $now: a second run is the same event, rescheduled.
		const rerun = await execute('videskExampleCalendar');
		const [updated] = rerun.output('Room for the event');
		expect(updated).toMatchObject({ id: room.id, created: false, updated: true });
		expect(Date.parse(String(updated.nbf))).toBeGreaterThan(Date.parse(String(room.nbf)));
		expect(sandbox.rooms()).toHaveLength(1);
		expect(
			sandbox.requests.filter((r) => r.method === 'PATCH').map((r) => Object.keys(r.body)),
		).toEqual([['nbf', 'exp']]);
	}, 60_000); // two runs of the workflow

	test('example: the schedule ends the open rooms past their expiry, and only those', async () => {
		sandbox.seed(2);
		// Both created in the same millisecond: listed newest first, then by External ID.
		const now = Date.now();
		sandbox.seed(2, (index) => ({
			externalId: `expired-${index}`,
			createdAt: now - 5 * 3_600_000,
			nbf: new Date(now - 5 * 3_600_000).toISOString(),
			exp: new Date(now - 3_600_000).toISOString(),
		}));
		const { output } = await execute('videskExampleEndExpired');
		expect(output('End each one').map((room) => room.externalId)).toEqual([
			'expired-0',
			'expired-1',
		]);
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
		await activateWorkflow(home, 'videskExampleEndedReport');
		const editor = startN8n(home, await freePort(), 'ignore');
		// Also when the test times out (its finally may never run): no n8n left behind.
		onTestFinished(() => {
			editor.kill();
		});
		try {
			// The activation poll: the minute before the newest room, then the open rooms to watch,
			// oldest first (the next scheduled poll, within a minute, may follow).
			const requests = () =>
				sandbox.requests.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.query)}`);
			await expect
				.poll(() => requests().length, { timeout: 60_000, interval: 250 })
				.toBeGreaterThanOrEqual(2);
			expect(requests().slice(0, 2)).toEqual([
				'GET /vpaas/rooms {"$sort":{"createdAt":"-1","externalId":"1"},"$skip":"0","$limit":"100"}',
				'GET /vpaas/rooms {"ended":"false","$sort":{"createdAt":"1","externalId":"1"},"$skip":"0","$limit":"100"}',
			]);
			// An emit would have run the workflow's Get Stats by now.
			await new Promise((resolve) => setTimeout(resolve, 5000));
		} finally {
			editor.kill();
			await new Promise((resolve) => editor.once('exit', resolve));
		}
		expect(sandbox.requests.some((r) => r.path.endsWith('/stats'))).toBe(false);
	}, 90_000); // n8n's start plus its 60-second poll above
});
