// n8n external hook (EXTERNAL_HOOK_FILES), loaded only into the benchmark's n8n: after each
// execution it appends n8n's own per-node figures (executionTime, items out, failed items) to
// the file named by VIDESK_BENCH_TIMINGS, one JSON line per execution. It runs after the nodes,
// so it costs the measured nodes nothing.
const { appendFileSync } = require('node:fs');

function summarize(runData) {
	const nodes = {};
	for (const [name, runs] of Object.entries(runData)) {
		const [run] = runs;
		const items = run.data?.main?.[0] ?? [];
		nodes[name] = {
			startTime: run.startTime,
			executionTime: run.executionTime,
			items: items.length,
			failed: items.filter((item) => item.error !== undefined || item.json?.error !== undefined)
				.length,
			error: run.error?.message,
		};
	}
	return nodes;
}

module.exports = {
	workflow: {
		postExecute: [
			async function (run, workflowData, executionId) {
				const line = {
					workflowId: workflowData.id,
					executionId,
					status: run.status,
					error: run.data.resultData.error?.message,
					nodes: summarize(run.data.resultData.runData),
				};
				appendFileSync(process.env.VIDESK_BENCH_TIMINGS, `${JSON.stringify(line)}\n`);
			},
		],
	},
};
