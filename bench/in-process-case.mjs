// One in-process benchmark case, in its own process so that its memory is its own. Forked by
// in-process.mjs:
// it warms up (as a running n8n would be), says "ready", measures on "go", and sends the result.
// Arguments: <case> <sandbox URL> <token> [count]
import { runNode } from '../test/support/harness.mjs';

const [name, baseUrl, apiToken, count = '0'] = process.argv.slice(2);
const credentials = { apiToken, baseUrl };
const room = (value) => ({ __rl: true, mode: 'externalId', value });

const cases = {
	/** The floor for Return All: fetch pages of 100 until `total`, as a hand-written client would. */
	async fetchLoopList() {
		const rooms = [];
		let total = Infinity;
		while (rooms.length < total) {
			const response = await fetch(`${baseUrl}/vpaas/rooms?$limit=100&$skip=${rooms.length}`, {
				headers: { Authorization: `Bearer ${apiToken}` },
			});
			const page = await response.json();
			total = page.total;
			if (page.data.length === 0) break;
			rooms.push(...page.data);
		}
		return rooms;
	},
	/** The baseline for per-item Get: the node's requests, all sent at once as n8n sends them. */
	async fetchAllGet() {
		return await Promise.all(
			Array.from({ length: Number(count) }, async (_, index) => {
				const response = await fetch(`${baseUrl}/vpaas/rooms/seed-${index + 1}`, {
					headers: {
						Accept: 'application/json',
						'Content-Type': 'application/json',
						Authorization: `Bearer ${apiToken}`,
					},
				});
				return await response.json();
			}),
		);
	},
	// Raw output: the memory target compares with the JSON Videsk sent, which the node reads whole.
	nodeReturnAll: () => node({ operation: 'getAll', returnAll: true, output: 'raw' }),
	nodeLimit250: () => node({ operation: 'getAll', returnAll: false, limit: 250 }),
	nodeGet: () =>
		node(
			{ operation: 'get', room: room('={{ $json.room }}') },
			Array.from({ length: Number(count) }, (_, index) => ({ room: `seed-${index + 1}` })),
		),
};

async function node(parameters, items) {
	const { items: output, error } = await runNode({
		parameters: { resource: 'room', ...parameters },
		items,
		credentials,
	});
	if (error) throw error;
	const failed = output.filter((item) => item.json.error !== undefined);
	if (failed.length) process.stderr.write(`first failure: ${String(failed[0].json.error)}\n`);
	return output.map((item) => item.json);
}

// Warm up the same code path with one small request, so that module loading is not measured.
if (name.startsWith('node')) await node({ operation: 'getAll', limit: 1 });
else
	await fetch(`${baseUrl}/vpaas/rooms?$limit=1`, {
		headers: { Authorization: `Bearer ${apiToken}` },
	});
process.send('ready');
await new Promise((resolve) => process.once('message', resolve));

global.gc();
const rssBefore = process.memoryUsage().rss;
let rssPeak = rssBefore;
const sampler = setInterval(() => {
	rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
}, 5);
const started = performance.now();
const result = await cases[name]();
const wallMs = performance.now() - started;
clearInterval(sampler);
rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
process.send({
	wallMs,
	results: result.length,
	failed: result.filter((json) => json.error !== undefined).length,
	jsonBytes: Buffer.byteLength(JSON.stringify(result)),
	rssGrowthBytes: rssPeak - rssBefore,
});
