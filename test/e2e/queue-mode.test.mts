// End to end in n8n's queue mode (n8n-cluster.mjs): PostgreSQL, Redis, one main instance and
// two workers, the package installed for all of them. Bulk work from several executions at once
// shares one token's rate limit without failing (bulk-scenario.mjs), and the trigger polls on
// main while its executions run on the workers, each event once. Runs alone, after the other
// test files (vitest.config.mts), since it measures time against the rate limit.
import path from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { PACKAGE_DIR } from '../support/harness.mjs';
import { startSandbox, STRICTEST, type Sandbox } from '../sandbox/server.mjs';
import { runBulk, WEBHOOKS, WORKFLOWS } from './bulk-scenario.mjs';
import { logged, startedExecutions, startQueueCluster, type QueueCluster } from './n8n-cluster.mjs';
import { ensureN8n } from './n8n-runtime.mjs';

const TRIGGERS = { created: 'e2eQueueRoomCreated', ended: 'e2eQueueRoomEnded' };
const MINUTE = 60_000;

let sandbox: Sandbox;
/** The trigger's own Videsk account (another token), so that the bulk test does not slow it. */
let triggerSandbox: Sandbox;
let cluster: QueueCluster;

beforeAll(async () => {
	ensureN8n();
	sandbox = await startSandbox(STRICTEST);
	triggerSandbox = await startSandbox({ ...STRICTEST, token: 'trigger-api-token' });
	triggerSandbox.seed(3, (index) => ({ externalId: ['qt-before', 'other-1', 'other-2'][index] }));
	cluster = await startQueueCluster({
		packageDir: PACKAGE_DIR,
		sandbox,
		credentials: [
			{ id: 'videskTrigger01', name: 'Videsk trigger sandbox', sandbox: triggerSandbox },
		],
		workflowDirs: [path.join(PACKAGE_DIR, 'test', 'e2e', 'queue-workflows')],
		publish: [WORKFLOWS.plain, TRIGGERS.created, TRIGGERS.ended],
		webhooks: [WEBHOOKS.plain],
		workers: 2,
		// The 4 bulk executions need both workers; a slot stays free for the trigger's.
		concurrency: 3,
	});
}, 10 * MINUTE);

afterAll(async () => {
	await cluster?.stop();
	await sandbox?.close();
	await triggerSandbox?.close();
}, 2 * MINUTE);

// Concurrent tests take `expect` from their context: the global one belongs to whichever test
// runs last, and once the bulk test ends, the trigger test's expect.poll would find none.
describe('n8n in queue mode: main, Redis, 2 workers', () => {
	test.concurrent(
		'4 executions × 250 Create or Get items at once, one token at 20 requests/s: none fails, one room per External ID, within 1.25× the floor',
		async ({ expect }) => {
			const { payloads, outputs, figures } = await runBulk(cluster, sandbox, 'plain');
			process.stdout.write(`queue-mode bulk figures: ${JSON.stringify(figures)}\n`);

			expect(figures.errorKinds).toEqual({});
			// Every execution answers its own items, in order.
			expect(outputs.map((items) => items.map((item) => item.externalId))).toEqual(
				payloads.map((items) => items.map((item) => item.externalId)),
			);
			const all = payloads.flat().map((item) => item.externalId);
			const unique = [...new Set(all)].sort();
			const items = outputs.flat();
			// Each External ID created exactly once; every repeat found the room instead.
			expect(
				items
					.filter((item) => item.created === true)
					.map((item) => item.externalId)
					.sort(),
			).toEqual(unique);
			expect(items.filter((item) => item.created === false)).toHaveLength(
				all.length - unique.length,
			);
			expect(
				sandbox
					.rooms()
					.map((room) => room.externalId)
					.sort(),
			).toEqual(unique);
			// The executions ran on the workers, on both.
			const perWorker = Object.values(figures.executionsByWorker);
			expect(perWorker.reduce((sum, count) => sum + count, 0)).toBe(4);
			expect(perWorker.every((count) => count >= 1)).toBe(true);
			// Paced: a few 429s where workers meet at a window's edge, not one per request.
			expect(figures.rateLimited).toBeLessThanOrEqual(figures.requestsNeeded * 0.03);
			expect(figures.requestsSent).toBe(figures.requestsNeeded + figures.rateLimited);
			expect(figures.wallMs).toBeLessThanOrEqual(1.25 * figures.floorMs);
		},
		5 * MINUTE,
	);

	test.concurrent(
		'the trigger polls on main, its executions run on the workers, each event exactly once',
		async ({ expect }) => {
			/** Rooms the triggered workflows looked up: Get after Room Created, Get Stats after Room Ended. */
			const lookedUp = (suffix: string) =>
				triggerSandbox.requests
					.filter((r) => r.method === 'GET')
					.map((r) => /^\/vpaas\/rooms\/(qt-[^/]+)(\/stats)?$/.exec(r.path))
					.filter((match) => match !== null && (match[2] ?? '') === suffix)
					.map((match) => match![1])
					.sort();
			const activated = () =>
				logged(cluster.main, 'Activated trigger node')
					.map((entry) => String(entry.workflow?.id))
					.sort();
			const call = (method: string, urlPath: string, body?: object) =>
				fetch(`${triggerSandbox.url}${urlPath}`, {
					method,
					headers: {
						Authorization: `Bearer ${triggerSandbox.token}`,
						'Content-Type': 'application/json',
					},
					body: body && JSON.stringify(body),
				});
			const create = (externalId: string) => call('POST', '/vpaas/rooms', { externalId });
			const end = (externalId: string) =>
				call('PATCH', `/vpaas/rooms/${externalId}`, { ended: true });

			// Main activates the triggers, each after its first poll (which emits nothing old).
			await expect
				.poll(activated, { timeout: MINUTE, interval: 500 })
				.toEqual([TRIGGERS.created, TRIGGERS.ended]);

			// Between two polls: rooms created (one without the prefix), a room from before ended.
			await create('qt-1');
			await create('qt-2');
			await create('other-new');
			await end('qt-before');
			await expect
				.poll(() => [lookedUp(''), lookedUp('/stats')], { timeout: 2 * MINUTE, interval: 1000 })
				.toEqual([['qt-1', 'qt-2'], ['qt-before']]);

			// Then: one created and ended before the next poll, one created earlier ended.
			await create('qt-3');
			await end('qt-1');
			await end('qt-3');
			await expect
				.poll(() => [lookedUp(''), lookedUp('/stats')], { timeout: 2 * MINUTE, interval: 1000 })
				.toEqual([
					['qt-1', 'qt-2', 'qt-3'],
					['qt-1', 'qt-3', 'qt-before'],
				]);

			// One more poll of each (they poll every minute), and its executions: nothing again.
			await new Promise((resolve) => setTimeout(resolve, 80_000));
			expect([lookedUp(''), lookedUp('/stats')]).toEqual([
				['qt-1', 'qt-2', 'qt-3'],
				['qt-1', 'qt-3', 'qt-before'],
			]);

			// The executions of both triggers: enqueued by main, run by the workers.
			const runs = cluster.workers
				.flatMap(startedExecutions)
				.filter(({ workflowId }) => Object.values(TRIGGERS).includes(workflowId));
			expect(new Set(runs.map((run) => run.workflowId))).toEqual(new Set(Object.values(TRIGGERS)));
			const enqueued = logged(cluster.main, 'Enqueued execution').map((entry) =>
				String(entry.executionId),
			);
			for (const run of runs) expect(enqueued).toContain(run.executionId);
		},
		8 * MINUTE,
	);
});
