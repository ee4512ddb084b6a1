// The queue-mode bulk case, shared by its end-to-end test and `npm run bench:queue`: EXECUTIONS
// webhook calls at once, each ITEMS Create or Get items, in one External ID space. Execution e
// takes IDs q-(STRIDE·e) … q-(STRIDE·e + ITEMS - 1), so neighbouring executions share
// ITEMS - STRIDE IDs: one of them creates each shared room, the other finds it (409, then GET).
import { startedExecutions } from './n8n-cluster.mjs';

export const EXECUTIONS = 4;
export const ITEMS = 250;
export const STRIDE = 230;
export const RATE_PER_SECOND = 20;
/** The bulk workflows: the node's defaults, and Batching 20 items / 1 s. */
export const WORKFLOWS = { plain: 'e2eQueueBulk', batched: 'e2eQueueBulkBatched' };
export const WEBHOOKS = { plain: 'videsk-queue-bulk', batched: 'videsk-queue-bulk-batched' };

export function bulkPayloads() {
	return Array.from({ length: EXECUTIONS }, (_, execution) =>
		Array.from({ length: ITEMS }, (_, index) => ({
			externalId: `q-${STRIDE * execution + index}`,
		})),
	);
}

/** What the work needs: one POST per External ID, and a 409 plus a GET for every repeat. */
export function requestsNeeded(payloads) {
	const all = payloads.flat().map((item) => item.externalId);
	const unique = new Set(all).size;
	return unique + 2 * (all.length - unique);
}

/** How many executions of `workflowId` each worker has started, by worker name. */
export function executionsByWorker(cluster, workflowId) {
	return Object.fromEntries(
		cluster.workers.map((worker) => [
			worker.name,
			startedExecutions(worker).filter((execution) => execution.workflowId === workflowId).length,
		]),
	);
}

/**
 * Posts the payloads at once to the webhook of `workflow` (a key of WORKFLOWS), which the
 * workers run, and reports the figures.
 * The sandbox is reset first and limits its token to RATE_PER_SECOND, with `rateLimit` options.
 */
export async function runBulk(cluster, sandbox, workflow = 'plain', rateLimit = {}) {
	sandbox.reset();
	sandbox.settings.rateLimit = { perSecond: RATE_PER_SECOND, ...rateLimit };
	const payloads = bulkPayloads();
	const before = executionsByWorker(cluster, WORKFLOWS[workflow]);
	const startedAt = Date.now();
	const started = performance.now();
	const outputs = await Promise.all(
		payloads.map(async (items) => {
			const response = await fetch(`${cluster.main.url}/webhook/${WEBHOOKS[workflow]}`, {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ items }),
			});
			const text = await response.text();
			if (!response.ok) throw new Error(`webhook answered ${response.status}: ${text}`);
			return JSON.parse(text);
		}),
	);
	const wallMs = performance.now() - started;
	const after = executionsByWorker(cluster, WORKFLOWS[workflow]);
	const needed = requestsNeeded(payloads);
	const floorMs = (needed / RATE_PER_SECOND) * 1000;
	const rooms = sandbox.rooms();
	const items = outputs.flat();
	const errors = items.filter((item) => item.error !== undefined);
	return {
		payloads,
		outputs,
		figures: {
			workers: cluster.workers.length,
			executions: payloads.length,
			items: items.length,
			failedItems: errors.length,
			errorKinds: countBy(errors.map((item) => String(item.error).replace(/"[^"]*"/g, '"…"'))),
			requestsNeeded: needed,
			requestsSent: sandbox.requests.length,
			rateLimited: sandbox.requests.filter((request) => request.status === 429).length,
			rooms: rooms.length,
			externalIds: new Set(rooms.map((room) => room.externalId)).size,
			wallMs: Math.round(wallMs),
			// How the time splits: n8n starting the executions, the requests, n8n finishing them.
			firstRequestMs: (sandbox.requests[0]?.receivedAt ?? startedAt) - startedAt,
			lastRequestMs: (sandbox.requests.at(-1)?.receivedAt ?? startedAt) - startedAt,
			floorMs,
			ratio: Number((wallMs / floorMs).toFixed(3)),
			executionsByWorker: Object.fromEntries(
				Object.entries(after).map(([name, count]) => [name, count - before[name]]),
			),
		},
	};
}

function countBy(values) {
	const counts = {};
	for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
	return counts;
}
