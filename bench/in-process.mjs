// `npm run bench:in-process [-- --quick]`: the node run by n8n's execution engine in-process
// (test/support/harness.mjs), for what a process of its own measures well: the requests each case makes
// and the memory it takes, beside a plain-`fetch` baseline sending the same requests with the
// same concurrency, in the same run. (Time against n8n's HTTP Request node, in a real n8n, is
// `npm run bench`: bench/n8n.mjs.) The sandbox runs here, on 127.0.0.1; each case runs in its own
// Node process. Prints a table and writes bench/in-process-results.json.
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSandbox } from '../test/sandbox/server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const sizes = quick ? { list: 2_000, get: 200 } : { list: 10_000, get: 1_000 };

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
async function measure(name, count = 0) {
	const child = fork(
		path.join(here, 'in-process-case.mjs'),
		[name, sandbox.url, sandbox.token, String(count)],
		{
			execArgv: ['--expose-gc'],
		},
	);
	const result = await new Promise((resolve, reject) => {
		child.on('message', (message) => {
			if (message !== 'ready') return resolve(message);
			sandbox.requests.length = 0; // count only the measured requests
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
		runs: baseline === undefined ? 1 : REPEATS,
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

// 1. Return All over the whole account, against a plain fetch loop of $limit=100 pages. The node's
// pages after the first start with the last room already read (its anchor against a changing
// list, see paginateRooms), so each brings 99 new rooms.
sandbox.seed(sizes.list);
const { result: all, baseline: loop } = await compare('nodeReturnAll', 'fetchLoopList');
const returnAllRequests = 1 + Math.ceil((sizes.list - 100) / 99);
row(
	`Get Many, Return All, ${sizes.list} rooms`,
	all,
	loop.wallMs,
	`${returnAllRequests} requests; RSS growth ≤ 2× JSON`,
	all.requests === returnAllRequests &&
		all.results === sizes.list &&
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

// 3. Get per item, against the same GETs sent all at once with fetch, as the node sends them.
const { result: gets, baseline: getAll } = await compare('nodeGet', 'fetchAllGet', sizes.get);
row(
	`Get, ${sizes.get} input items`,
	gets,
	getAll.wallMs,
	`${sizes.get} requests, 0 failed`,
	gets.requests === sizes.get && gets.results === sizes.get && gets.failed === 0,
);

await sandbox.close();

console.table(rows);
const file = path.join(here, quick ? 'in-process-results.quick.json' : 'in-process-results.json');
writeFileSync(
	file,
	`${JSON.stringify({ date: new Date().toISOString(), node: process.version, quick, rows }, null, 2)}\n`,
);
console.log(`Written to ${path.relative(process.cwd(), file)}.`);
process.exitCode = rows.every((r) => r.pass) ? 0 : 1;
