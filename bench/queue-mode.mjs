// `npm run bench:queue [-- --cases=plain,batched --headers=seconds,fractional,epoch,none]`:
// n8n in queue mode (PostgreSQL, Redis, main + 2 workers, concurrency 2 each) runs 4 executions
// × 250 Create or Get items at once against the sandbox limiting the token to 20 requests a
// second (test/e2e/bulk-scenario.mjs), for each workflow case and header variant.
// Prints one row per run: 429s, failed items, time against the floor.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBulk, WEBHOOKS, WORKFLOWS } from '../test/e2e/bulk-scenario.mjs';
import { startQueueCluster } from '../test/e2e/n8n-cluster.mjs';
import { ensureN8n } from '../test/e2e/n8n-runtime.mjs';
import { startSandbox } from '../test/sandbox/server.mjs';

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const option = (name, fallback) =>
	(process.argv.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1] ?? fallback).split(',');

const HEADERS = {
	seconds: {},
	fractional: { reset: 'fractional' },
	epoch: { reset: 'epoch' },
	none: { headers: false },
};

ensureN8n();
const sandbox = await startSandbox();
const cluster = await startQueueCluster({
	packageDir,
	sandbox,
	workflowDirs: [path.join(packageDir, 'test', 'e2e', 'queue-workflows')],
	publish: Object.values(WORKFLOWS),
	webhooks: Object.values(WEBHOOKS),
});
const rows = [];
try {
	for (const headers of option('headers', 'seconds')) {
		for (const name of option('cases', 'plain')) {
			const { figures } = await runBulk(cluster, sandbox, name, HEADERS[headers]);
			const { errorKinds, executionsByWorker, ...row } = figures;
			rows.push({ case: name, headers, ...row });
			console.log(JSON.stringify({ case: name, headers, ...figures }));
		}
	}
} finally {
	await cluster.stop();
	await sandbox.close();
}
console.table(rows);
