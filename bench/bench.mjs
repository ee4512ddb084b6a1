// `npm run bench [-- --quick]`: how close the node comes to what the API allows, each case beside
// a baseline measured in the same run. The sandbox runs here, on 127.0.0.1; each case runs in its
// own Node process. Prints a table and writes bench/results.json.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../test/sandbox/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const sizes = quick
	? { list: 2_000, get: 200, create: 200, rate: 20 }
	: { list: 10_000, get: 1_000, create: 1_000, rate: 20 };

// Timed cases run this many times, alternating with their baseline; the median counts.
const REPEATS = quick ? 1 : 5;

const sandbox = await startSandbox();

/** Median-wall-time result of `REPEATS` runs each of a case and its baseline, interleaved. */
async function compare(name, baselineName, count = 0) {
	const runs = { case: [], baseline: [] };
	for (let index = 0; index < REPEATS; index += 1) {
		runs.baseline.push(await measure(baselineName, count));
		runs.case.push(await measure(name, count));
	}
	const median = (list) =>
		[...list].sort((a, b) => a.wallMs - b.wallMs)[Math.floor(list.length / 2)];
	return { result: median(runs.case), baseline: median(runs.baseline) };
}

/** Runs a case in a child process (which keeps the sandbox here free to answer). */
async function measure(name, count = 0, beforeMeasuring = () => {}) {
	const child = fork(
		path.join(here, 'case.mjs'),
		[name, sandbox.url, sandbox.token, String(count)],
		{
			execArgv: ['--expose-gc'],
		},
	);
	const result = await new Promise((resolve, reject) => {
		child.on('message', (message) => {
			if (message !== 'ready') return resolve(message);
			sandbox.requests.length = 0; // count only the measured requests
			beforeMeasuring();
			child.send('go');
		});
		child.on('exit', (code) => reject(new Error(`case ${name} exited with ${code}`)));
	});
	child.kill();
	return { ...result, requests: sandbox.requests.length };
}

const rows = [];
function row(label, result, baseline, target, pass) {
	rows.push({
		case: label,
		runs: baseline === undefined || label.startsWith('Create') ? 1 : REPEATS,
		requests: result.requests,
		results: result.results,
		failed: result.failed,
		wallMs: Math.round(result.wallMs),
		baselineMs: baseline === undefined ? null : Math.round(baseline),
		ratio: baseline === undefined ? null : Number((result.wallMs / baseline).toFixed(2)),
		rssGrowthMB: Number((result.rssGrowthBytes / 2 ** 20).toFixed(1)),
		jsonMB: Number((result.jsonBytes / 2 ** 20).toFixed(1)),
		target,
		pass,
	});
}

// 1. Return All over the whole account, against a plain fetch loop of $limit=100 pages.
sandbox.seed(sizes.list);
const { result: all, baseline: loop } = await compare('nodeReturnAll', 'fetchLoopList');
row(
	`Get Many, Return All, ${sizes.list} rooms`,
	all,
	loop.wallMs,
	`${sizes.list / 100} requests; ≤ 1.2× loop; RSS growth ≤ 2× JSON`,
	all.requests === sizes.list / 100 &&
		all.results === sizes.list &&
		all.wallMs <= 1.2 * loop.wallMs &&
		all.rssGrowthBytes <= 2 * all.jsonBytes,
);

// 2. Limit 250: exactly 3 requests.
const limited = await measure('nodeLimit250');
row(
	'Get Many, Limit 250',
	limited,
	undefined,
	'3 requests, 250 rooms',
	limited.requests === 3 && limited.results === 250,
);

// 3. Get per item, against a plain sequential fetch loop.
const { result: gets, baseline: getLoop } = await compare('nodeGet', 'fetchLoopGet', sizes.get);
row(
	`Get, ${sizes.get} input items`,
	gets,
	getLoop.wallMs,
	'≤ 1.5× loop',
	gets.results === sizes.get && gets.failed === 0 && gets.wallMs <= 1.5 * getLoop.wallMs,
);

// 4. Bulk create under Videsk's rate limit (429 + Retry-After past 20 requests a second).
sandbox.reset();
const floorMs = (sizes.create / sizes.rate) * 1000;
const created = await measure('nodeCreateBatched', sizes.create, () => {
	sandbox.settings.rateLimit = { perSecond: sizes.rate };
});
row(
	`Create, ${sizes.create} items, ${sizes.rate} req/s limit (Batching 20 / 1000 ms)`,
	created,
	floorMs,
	'0 failed; ≤ 1.15× the floor (items / rate)',
	created.failed === 0 && created.results === sizes.create && created.wallMs <= 1.15 * floorMs,
);

await sandbox.close();

console.table(rows);
const file = path.join(here, quick ? 'results.quick.json' : 'results.json');
writeFileSync(
	file,
	`${JSON.stringify({ date: new Date().toISOString(), node: process.version, quick, rows }, null, 2)}\n`,
);
console.log(`Written to ${path.relative(process.cwd(), file)}.`);
process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
