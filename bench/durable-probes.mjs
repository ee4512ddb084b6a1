// Two measurements of n8n's durable scheduler behind docs/n8n-polling.md, in the rig of
// the crash test (test/e2e/n8n-crash.mjs). Run after `npm run build`: node bench/durable-probes.mjs
// 1. Activation, under each scheduler: a room created and one ended right after the activation
//    poll; the executions they ran, and the durable cursors just after the activation poll.
// 2. A kill during a poll (durable): the tasks the killed n8n had claimed, when they ran again,
//    and the polls of one trigger in the first seconds after the restart.
import { prepareCrashRig } from '../test/e2e/n8n-crash.mjs';
import { waitFor } from '../test/e2e/n8n-cluster.mjs';
import { ensureN8n } from '../test/e2e/n8n-runtime.mjs';

const PACKAGE_DIR = new URL('..', import.meta.url).pathname;
const seed = (sandbox) =>
	sandbox.seed(3, (index) => ({
		externalId: `old-${index + 1}`,
		createdAt: Date.now() - 3_600_000 + index * 1000,
	}));
const time = (at) => (at ? new Date(at).toISOString().slice(11, 23) : '–');

async function activation(scheduler) {
	const rig = await prepareCrashRig({ packageDir: PACKAGE_DIR, scheduler, seed });
	try {
		await rig.start();
		await waitFor('the activation polls', async () => rig.activated());
		for (const sandbox of Object.values(rig.sandboxes)) {
			sandbox.seed(1, () => ({ externalId: 'right-after-activation', createdAt: Date.now() }));
			sandbox.end('old-1');
		}
		const cursors = JSON.parse(await rig.storedState())[1];
		await rig.settle(3);
		const { counts } = await rig.executionsPerEvent();
		console.log(`activation, ${scheduler} scheduler:`);
		console.log(`  cursors right after the activation poll: ${JSON.stringify(cursors)}`);
		console.log(`  executions per event (3 events made): ${JSON.stringify(counts)}`);
	} finally {
		await rig.stop();
	}
}

async function killDuringPoll() {
	const rig = await prepareCrashRig({ packageDir: PACKAGE_DIR, scheduler: 'durable', seed });
	const claimed = async () =>
		(await rig.db.query(`SELECT id FROM scheduled_task WHERE status = 'running'`)).rows;
	try {
		await rig.start();
		await rig.settle(2);
		const hold = rig.holdSandboxRequests();
		await waitFor('a poll in its reads', async () =>
			Object.values(hold.holding()).every((held) => held > 0),
		);
		const tasks = (await claimed()).map(({ id }) => id);
		const killedAt = Date.now();
		await rig.kill();
		hold.release();
		await new Promise((resolve) => setTimeout(resolve, 20_000));
		await rig.start();
		const readyAt = Date.now();
		await new Promise((resolve) => setTimeout(resolve, 100_000));
		const { rows } = await rig.db.query(
			`SELECT id, status, attempts, "startedAt" FROM scheduled_task WHERE id = ANY($1) ORDER BY id`,
			[tasks],
		);
		const polls = rig.sandboxes['Room Created'].requests
			.map((request) => request.receivedAt)
			.filter((at) => at >= readyAt - 5_000 && at < readyAt + 10_000);
		console.log('kill during a poll, durable scheduler:');
		console.log(`  killed at ${time(killedAt)}, ${tasks.length} claimed task(s) left running`);
		for (const { id, status, attempts, startedAt } of rows) {
			const after = Math.round((new Date(startedAt) - killedAt) / 1000);
			console.log(
				`  task ${id}: ${status}, attempts ${attempts}, ran again ${after} s after the kill`,
			);
		}
		console.log(
			`  down ${Math.round((readyAt - killedAt) / 1000)} s; Room Created requests within 10 s of the restart: ${polls.map(time).join(' ')}`,
		);
	} finally {
		await rig.stop();
	}
}

ensureN8n();
await activation('default');
await activation('durable');
await killDuringPoll();
