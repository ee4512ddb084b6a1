// `npm run bench`: the package's node against n8n's HTTP Request node (the peer) and a minimal
// declarative node (the floor, bench/floor), in a real n8n (the one the e2e tests use). One
// long-running `n8n start`; each case is one workflow with a webhook per contender; rounds
// interleave the contenders (rotating who goes first) after a warm-up round. The figure is n8n's
// own per-node `executionTime` from the run data (reported by bench/n8n-hooks.cjs), so the
// webhook, the Split Out that makes the items and the saving of the execution stay out of it
// (shown apart as "harness"); n8n's CPU time per round is recorded beside it. The rate-limited
// case with latency is timed as users feel it instead: each contender once, against the floor
// the rate limit sets, with a 1-item execution started during the node's bulk one.
// Writes bench/results.json and, for a full run, the tables of docs/performance.md. Options:
//   --quick              200 items, 3 rounds (bench/results.quick.json)
//   --cases=get,update   only these cases          --rounds=N   measured rounds (default 5)
//   --profile            n8n under --cpu-prof: CPU per item by package and function, per
//                        contender (the Get case unless --cases), into bench/profile.json
//   --prototype=<dir>    another build of the package (<dir>/dist) as a fourth contender
//   --docs               only rewrite docs/performance.md's tables from the results files
import { spawn } from 'node:child_process';
import {
	cpSync,
	existsSync,
	mkdirSync,
	readFileSync,
	readdirSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGE_DIR } from '../test/support/harness.mjs';
import { startSandbox } from '../test/sandbox/server.mjs';
import {
	createN8nHome,
	ensureN8n,
	freePort,
	importIntoN8n,
	n8n,
	n8nBin,
	N8N_VERSION,
	nodeBinDir,
} from '../test/e2e/n8n-runtime.mjs';
import {
	benchCases,
	caseWorkflow,
	contenderNodeNames,
	PROTOTYPE_PACKAGE,
	webhookPath,
} from './cases.mjs';
import { summarizeProfile } from './profile.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const profiling = args.includes('--profile');
const option = (name) =>
	args.find((arg) => arg.startsWith(`--${name}=`))?.slice(`--${name}=`.length);
const only = option('cases')?.split(',');
/** A folder holding another build of this package (its dist/), run as a fourth contender. */
const prototypeDir = option('prototype');
const sizes = quick
	? { perItem: 200, list: 2_000, rateLimited: 100, rate: 20, latencyMs: 80 }
	: { perItem: 1_000, list: 10_000, rateLimited: 1_000, rate: 20, latencyMs: 80 };
/** When the 1-item execution starts, after the node's bulk one (rate-limited case with latency). */
const SMALL_AFTER_MS = 10_000;
const docsFile = path.join(PACKAGE_DIR, 'docs', 'performance.md');
const latencyResultsFile = path.join(here, 'rate-limited-results.json');
/** Measured rounds per contender, after one warm-up round (the rate-limited case: 1, no warm-up). */
const ROUNDS = Number(option('rounds') ?? (quick ? 3 : 5));

const log = (line) => process.stderr.write(`${line}\n`);
const load = () => loadavg().map((value) => Number(value.toFixed(2)));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

if (args.includes('--docs')) {
	// Only rewrites docs/performance.md's tables from the results files.
	updateDocs(JSON.parse(readFileSync(path.join(here, 'results.json'), 'utf8')));
	if (existsSync(latencyResultsFile)) {
		updateLatencyDocs(JSON.parse(readFileSync(latencyResultsFile, 'utf8')));
	}
	process.exit(0);
}

ensureN8n();
const loadBefore = load();
const sandbox = await startSandbox();
const cases = benchCases(sizes, sandbox.url, { prototype: !!prototypeDir }).filter(
	(benchCase) => (only ?? (profiling ? ['get'] : undefined))?.includes(benchCase.id) ?? true,
);

// A fresh n8n user folder: the package, the floor package, the credential, one workflow a case.
const work = path.join(PACKAGE_DIR, '.bench');
rmSync(work, { recursive: true, force: true });
mkdirSync(path.join(work, 'workflows'), { recursive: true });
const home = await createN8nHome(PACKAGE_DIR);
installPackage(home, path.join(here, 'floor'), 'n8n-nodes-videsk-bench-floor');
if (prototypeDir) installPrototype(home, path.resolve(prototypeDir));
for (const benchCase of cases) {
	const workflow = caseWorkflow(benchCase);
	writeFileSync(path.join(work, 'workflows', `${workflow.id}.json`), JSON.stringify(workflow));
}
log(`Preparing n8n ${N8N_VERSION} (${home.userFolder})...`);
await importIntoN8n(home, sandbox, [path.join(work, 'workflows')]);
for (const benchCase of cases) {
	const { code, stdout, stderr } = await n8n(home, [
		'publish:workflow',
		`--id=${caseWorkflow(benchCase).id}`,
	]);
	if (code !== 0) throw new Error(`n8n publish:workflow failed:\n${stdout}${stderr}`);
}

const timingsFile = path.join(work, 'timings.jsonl');
writeFileSync(timingsFile, '');
/** Lines of the timings file already taken by nextTiming. */
const timingsTaken = new Set();
const profileDir = path.join(work, 'profile');
const server = await startBenchN8n();
await waitForWebhooks(
	cases.flatMap((benchCase) =>
		Object.keys(benchCase.contenders).map((contender) => webhookPath(benchCase.id, contender)),
	),
);

const rows = [];
const latencyRows = [];
/** When each case's contenders ran (measured rounds), for --profile: case → contender → windows. */
const windows = {};
try {
	for (const benchCase of cases) {
		if (benchCase.latency) latencyRows.push(await runLatencyCase(benchCase));
		else rows.push(await runCase(benchCase));
	}
} finally {
	await server.stop();
	await sandbox.close();
	rmSync(home.userFolder, { recursive: true, force: true });
}
const loadAfter = load();

if (profiling) {
	const profileFile = readdirSync(profileDir).find((file) => file.endsWith('.cpuprofile'));
	const profile = JSON.parse(readFileSync(path.join(profileDir, profileFile), 'utf8'));
	const summary = {};
	for (const benchCase of cases.filter((each) => !each.latency)) {
		const items = (benchCase.rateLimited ? 1 : ROUNDS) * expectedItems(benchCase);
		summary[benchCase.id] = {};
		for (const [contender, list] of Object.entries(windows[benchCase.id])) {
			const result = summarizeProfile(profile, list, items);
			summary[benchCase.id][contender] = result;
			console.log(
				`\n${benchCase.label}, ${contender}: ${result.totalMsPerItem} ms of CPU per item`,
			);
			console.table(result.byPackage.slice(0, 8));
			console.table(result.byFunction.slice(0, 15));
		}
	}
	writeFileSync(
		path.join(here, 'profile.json'),
		`${JSON.stringify({ date: new Date().toISOString(), n8n: N8N_VERSION, load: [loadBefore, loadAfter], summary }, null, 2)}\n`,
	);
	log('Written to bench/profile.json.');
}

if (rows.length > 0) {
	console.table(
		rows.map(
			({
				label,
				node,
				peer,
				floor,
				ratio,
				floorRatio,
				cpuRatio,
				harnessMs,
				failed,
				pass,
				...row
			}) => ({
				case: label,
				...(prototypeDir
					? {
							'prototype ms': row.prototype,
							'proto ratio': row.prototypeRatio,
							'proto CPU ratio': row.prototypeCpuRatio,
						}
					: {}),
				'node ms': node,
				'peer ms': peer,
				ratio,
				'floor ms': floor,
				'node/floor': floorRatio,
				'CPU ratio': cpuRatio,
				failed,
				'harness ms': harnessMs,
				pass,
			}),
		),
	);
}
for (const row of latencyRows) {
	console.log(`\n${row.label} (floor: ${row.floorMs.toLocaleString('en-US')} ms)`);
	console.table(
		row.contenders.map((each) => ({
			contender: each.name,
			'time ms': each.ms,
			'÷ floor': each.floorRatio,
			'failed items': each.failed,
			'429s': each.refused,
			requests: each.requests,
			'first request at ms': each.firstRequestMs,
			'last request at ms': each.lastRequestMs,
		})),
	);
	console.log(
		`1-item execution started ${SMALL_AFTER_MS / 1000} s into the node's: ${row.small.wallMs} ms from its webhook call to its answer (its node: ${row.small.ms} ms), ${row.small.failed} failed. ${row.pass ? 'Targets met' : 'Targets missed'}: ${row.target}.`,
	);
}
log(`Load average (1, 5, 15 min) before: ${loadBefore.join(', ')}; after: ${loadAfter.join(', ')}`);
const results = {
	date: new Date().toISOString(),
	n8n: N8N_VERSION,
	cpus: cpus().length,
	loadBefore,
	loadAfter,
	quick,
	rounds: ROUNDS,
	rows,
};
if (!profiling) {
	const complete = !quick && !only && !prototypeDir && ROUNDS >= 5;
	if (rows.length > 0) {
		const file = path.join(here, complete ? 'results.json' : 'results.quick.json');
		writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
		log(`Written to ${path.relative(process.cwd(), file)}.`);
		if (complete) updateDocs(results);
	}
	if (latencyRows.length > 0 && !quick && !prototypeDir) {
		const latencyResults = { ...results, rounds: 1, rows: latencyRows };
		writeFileSync(latencyResultsFile, `${JSON.stringify(latencyResults, null, 2)}\n`);
		log(`Written to ${path.relative(process.cwd(), latencyResultsFile)}.`);
		updateLatencyDocs(latencyResults);
	}
}
process.exitCode = [...rows, ...latencyRows].every((row) => row.pass) ? 0 : 1;

/** Copies a package folder into the n8n user folder as another community package. */
function installPackage({ userFolder }, source, name) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	cpSync(source, path.join(nodesDir, 'node_modules', name), { recursive: true });
	const manifest = JSON.parse(readFileSync(path.join(nodesDir, 'package.json'), 'utf8'));
	manifest.dependencies[name] = '*';
	writeFileSync(path.join(nodesDir, 'package.json'), JSON.stringify(manifest));
}

/** The prototype's nodes under another package name; they use this package's credential. */
function installPrototype(n8nHome, dir) {
	const staging = path.join(work, 'prototype');
	cpSync(path.join(dir, 'dist'), path.join(staging, 'dist'), { recursive: true });
	const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
	manifest.name = PROTOTYPE_PACKAGE;
	manifest.n8n.credentials = [];
	writeFileSync(path.join(staging, 'package.json'), JSON.stringify(manifest));
	installPackage(n8nHome, staging, PROTOTYPE_PACKAGE);
}

async function startBenchN8n() {
	const port = await freePort();
	const nodeArgs = profiling ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
	const child = spawn(path.join(nodeBinDir, 'node'), [...nodeArgs, n8nBin, 'start'], {
		cwd: home.userFolder,
		env: {
			...home.env,
			N8N_PORT: String(port),
			N8N_LOG_LEVEL: process.env.BENCH_N8N_LOG ?? 'warn',
			EXTERNAL_HOOK_FILES: path.join(here, 'n8n-hooks.cjs'),
			VIDESK_BENCH_TIMINGS: timingsFile,
		},
		stdio: ['ignore', process.env.BENCH_N8N_LOG ? 'inherit' : 'ignore', 'pipe'],
	});
	// n8n's own errors (e.g. for the webhook probes below) are shown only if it fails to start.
	let errors = '';
	child.stderr.on('data', (chunk) => (errors = (errors + chunk).slice(-20_000)));
	const exited = new Promise((resolve) => child.on('exit', resolve));
	const url = `http://127.0.0.1:${port}`;
	for (let attempt = 0; ; attempt += 1) {
		try {
			if ((await fetch(`${url}/healthz/readiness`)).ok) break;
		} catch {
			// not listening yet
		}
		if (attempt > 240 || child.exitCode !== null) throw new Error(`n8n did not start:\n${errors}`);
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
	return {
		url,
		/** CPU time n8n's process has used so far (user + system), in ms: load from others is not in it. */
		cpuMs() {
			const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
			return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
		},
		async stop() {
			child.kill('SIGTERM');
			await exited;
		},
	};
}

/** n8n registers the published workflows' webhooks after it reports ready. */
async function waitForWebhooks(paths) {
	for (const webhook of paths) {
		for (let attempt = 0; ; attempt += 1) {
			// A CORS preflight answers 204 once the webhook is registered, and runs nothing.
			const response = await fetch(`${server.url}/webhook/${webhook}`, {
				method: 'OPTIONS',
				headers: { Origin: server.url, 'Access-Control-Request-Method': 'POST' },
			});
			if (response.status === 204) break;
			if (attempt > 120) throw new Error(`n8n did not register the webhook ${webhook}`);
			await new Promise((resolve) => setTimeout(resolve, 500));
		}
	}
}

/** The hook's record of the next execution (not yet taken) that ran the node `nodeName`. */
async function nextTiming(nodeName) {
	for (let attempt = 0; attempt < 200; attempt += 1) {
		const lines = readFileSync(timingsFile, 'utf8').split('\n').filter(Boolean);
		for (const [index, line] of lines.entries()) {
			if (timingsTaken.has(index)) continue;
			const record = JSON.parse(line);
			if (record.nodes[nodeName] === undefined) continue;
			timingsTaken.add(index);
			return record;
		}
		await new Promise((resolve) => setTimeout(resolve, 25));
	}
	throw new Error(`n8n reported no execution of ${nodeName}`);
}

/** Calls a contender's webhook with `items`; resolves with the wall time of the call. */
async function callWebhook(benchCase, contender, items) {
	const body = JSON.stringify({ items });
	const started = performance.now();
	let response;
	// Under heavy load n8n may briefly report its database as not ready (503): nothing ran, retry.
	for (let attempt = 0; ; attempt += 1) {
		response = await fetch(`${server.url}/webhook/${webhookPath(benchCase.id, contender)}`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body,
		});
		if (response.status !== 503 || attempt === 20) break;
		await response.text();
		await new Promise((resolve) => setTimeout(resolve, 1000));
	}
	const answer = await response.text();
	if (!response.ok) throw new Error(`webhook ${response.status}: ${answer.slice(0, 300)}`);
	return performance.now() - started;
}

/** The items a contender outputs in a round. */
function expectedItems(benchCase) {
	return benchCase.id === 'returnAll' ? sizes.list : benchCase.items('count').length;
}

async function runRound(benchCase, contender, tag) {
	benchCase.prepare(sandbox);
	const items = benchCase.items(tag);
	const requestsBefore = sandbox.requests.length;
	const cpuBefore = server.cpuMs();
	const wallMs = await callWebhook(benchCase, contender, items);
	const names = contenderNodeNames(benchCase.id, contender, benchCase.contenders[contender]);
	const record = await nextTiming(names.at(-1));
	const cpuMs = server.cpuMs() - cpuBefore;
	const ran = names.map((name) => record.nodes[name]).filter(Boolean);
	const ms = ran.reduce((sum, node) => sum + node.executionTime, 0);
	const last = record.nodes[names.at(-1)];
	const expected = expectedItems(benchCase);
	const succeeded = last ? last.items - last.failed : 0;
	if (
		!benchCase.rateLimited &&
		!benchCase.latency &&
		(record.status !== 'success' || succeeded !== expected)
	) {
		throw new Error(
			`${benchCase.label}, ${contender}: ${record.status}, ${succeeded} of ${expected} items (${record.error ?? last?.error ?? ''})`,
		);
	}
	return {
		ms,
		cpuMs,
		wallMs: Math.round(wallMs),
		harnessMs: Math.round(wallMs - ms),
		requests: sandbox.requests.length - requestsBefore,
		refused: sandbox.requests.slice(requestsBefore).filter((entry) => entry.status === 429).length,
		/** When the sandbox received the round's first and last request, from the contender's start. */
		firstRequestMs:
			(sandbox.requests[requestsBefore]?.receivedAt ?? Number.NaN) - (last?.startTime ?? 0),
		lastRequestMs: (sandbox.requests.at(-1)?.receivedAt ?? Number.NaN) - (last?.startTime ?? 0),
		failed: expected - succeeded,
		windows: ran.map((node) => ({
			start: node.startTime,
			end: node.startTime + node.executionTime,
		})),
	};
}

async function runCase(benchCase) {
	const contenders = Object.keys(benchCase.contenders);
	const rounds = benchCase.rateLimited ? 1 : ROUNDS;
	const warmUp = benchCase.rateLimited ? 0 : 1;
	const results = Object.fromEntries(contenders.map((name) => [name, []]));
	for (let round = 0; round < warmUp + rounds; round += 1) {
		// Rotate who goes first, so that no contender always follows the same one.
		const order = contenders.map((_, index) => contenders[(index + round) % contenders.length]);
		for (const contender of order) {
			const result = await runRound(benchCase, contender, `${benchCase.id}-${round}-${contender}`);
			if (round >= warmUp) {
				results[contender].push(result);
				windows[benchCase.id] ??= {};
				(windows[benchCase.id][contender] ??= []).push(...result.windows);
			}
			log(
				`${benchCase.label} ${round < warmUp ? 'warm-up' : `round ${round - warmUp + 1}`}, ${contender}: ${result.ms} ms (n8n CPU ${result.cpuMs} ms)${result.failed ? `, ${result.failed} failed` : ''}`,
			);
		}
	}
	const ms = (name) => median(results[name].map((result) => result.ms));
	const cpu = (name) => median(results[name].map((result) => result.cpuMs));
	const node = ms('node');
	const peer = ms('peer');
	const floor = ms('floor');
	const ratio = Number((node / peer).toFixed(2));
	const floorRatio = Number((node / floor).toFixed(2));
	const failed = Math.max(...results.node.map((result) => result.failed));
	let target;
	let pass;
	if (benchCase.rateLimited) {
		target = '0 failed; ≤ 1.05× the floor node';
		pass = failed === 0 && node <= 1.05 * floor;
	} else if (benchCase.id === 'returnAll') {
		target = '≤ 0.6× peer';
		pass = ratio <= 0.6;
	} else {
		target = '≤ 1.0× peer';
		pass = ratio <= 1.0;
	}
	return {
		case: benchCase.id,
		label: benchCase.label,
		node,
		peer,
		floor,
		ratio,
		floorRatio,
		peerFloorRatio: Number((peer / floor).toFixed(2)),
		cpuMs: Object.fromEntries(contenders.map((name) => [name, cpu(name)])),
		...(prototypeDir
			? {
					prototype: ms('prototype'),
					prototypeRatio: Number((ms('prototype') / peer).toFixed(2)),
					prototypeCpuRatio: Number((cpu('prototype') / cpu('peer')).toFixed(2)),
				}
			: {}),
		cpuRatio: Number((cpu('node') / cpu('peer')).toFixed(2)),
		requests: results.node[0].requests,
		failed,
		peerFailed: Math.max(...results.peer.map((result) => result.failed)),
		harnessMs: median(contenders.flatMap((name) => results[name].map((r) => r.harnessMs))),
		rounds: Object.fromEntries(
			contenders.map((name) => [name, results[name].map((result) => result.ms)]),
		),
		target,
		pass,
	};
}

/**
 * The rate-limited case with latency: each contender once (the sandbox reset before each), and
 * a 1-item execution started SMALL_AFTER_MS into the node's bulk one. Times against the floor
 * the rate limit sets (all requests at the limit's rate).
 */
async function runLatencyCase(benchCase) {
	const contenders = [];
	let small;
	for (const name of Object.keys(benchCase.contenders).filter((each) => each !== 'small')) {
		const during =
			name === 'node'
				? new Promise((resolve) => setTimeout(resolve, SMALL_AFTER_MS)).then(() =>
						runSmall(benchCase),
					)
				: undefined;
		const result = await runRound(benchCase, name, `${benchCase.id}-${name}`);
		if (during) small = await during;
		log(
			`${benchCase.label}, ${name}: ${result.ms} ms, ${result.failed} failed, ${result.refused} × 429 (load ${load()[0]})`,
		);
		contenders.push({
			name,
			ms: result.ms,
			wallMs: result.wallMs,
			floorRatio: Number((result.ms / benchCase.floorMs).toFixed(2)),
			failed: result.failed,
			refused: result.refused,
			requests: result.requests,
			firstRequestMs: result.firstRequestMs,
			lastRequestMs: result.lastRequestMs,
		});
	}
	const node = contenders.find((each) => each.name === 'node');
	const target = 'node ≤ 1.1× the floor, 0 failed; the 1-item execution ≤ 2 s';
	return {
		case: benchCase.id,
		label: benchCase.label,
		floorMs: benchCase.floorMs,
		contenders,
		small,
		target,
		pass: node.floorRatio <= 1.1 && node.failed === 0 && small.failed === 0 && small.wallMs <= 2000,
	};
}

/** The 1-item execution of the rate-limited case, while the node's bulk one runs. */
async function runSmall(benchCase) {
	const wallMs = await callWebhook(benchCase, 'small', [{ externalId: 'small-during-bulk' }]);
	const record = await nextTiming('small 1');
	const node = record.nodes['small 1'];
	return { wallMs: Math.round(wallMs), ms: node.executionTime, failed: node.failed };
}

/** Replaces what stands between `<!-- name -->` and `<!-- /name -->` in docs/performance.md. */
function replaceInDocs(name, table) {
	const text = readFileSync(docsFile, 'utf8');
	const start = `<!-- ${name} -->`;
	const end = `<!-- /${name} -->`;
	if (!text.includes(start) || !text.includes(end)) throw new Error(`${docsFile}: no ${start}`);
	const head = text.slice(0, text.indexOf(start) + start.length);
	const tail = text.slice(text.indexOf(end));
	writeFileSync(docsFile, `${head}\n${table}\n${tail}`);
	log(`docs/performance.md: ${name} updated.`);
}

function fmt(value) {
	return value.toLocaleString('en-US');
}

function conditions({ date, n8n: version, cpus: cores, loadBefore: before, loadAfter: after }) {
	return `${date.slice(0, 10)}, n8n ${version}, ${cores} CPU cores shared with other work; load average (1 min) ${before[0]} before the run, ${after[0]} after`;
}

/** The per-item cases' table, after a full run. */
function updateDocs(results) {
	const table = [
		'| Case | Videsk Rooms | HTTP Request (peer) | Ratio | Floor node | Videsk Rooms / floor | n8n CPU, Videsk Rooms / peer | Target |',
		'|---|---|---|---|---|---|---|---|',
		...results.rows.map(
			(row) =>
				`| ${row.label} | ${fmt(row.node)} ms${row.failed ? ` (${row.failed} failed)` : ''} | ${fmt(row.peer)} ms${row.peerFailed ? ` (${row.peerFailed} failed)` : ''} | **${row.ratio}×** | ${fmt(row.floor)} ms | ${row.floorRatio}× | ${row.cpuRatio}× | ${row.target} ${row.pass ? '✓' : '✗'} |`,
		),
		'',
		`Medians of ${results.rounds} rounds (the rate-limited case: 1), ${conditions(results)}.`,
	].join('\n');
	replaceInDocs('bench:results', table);
}

/** The rate-limited case with latency, as users feel it. */
function updateLatencyDocs(results) {
	const names = {
		node: 'Videsk Rooms, defaults',
		peer: 'HTTP Request, defaults',
		peerBatched: 'HTTP Request, Batching 20 items / 1 s',
	};
	const table = results.rows.flatMap((row) => [
		`**${row.label}.** The floor, every request at the limit's rate: ${fmt(row.floorMs)} ms.`,
		'',
		'| Contender | Time | ÷ floor | Failed items | 429s | Requests | First request after | First to last request ÷ floor |',
		'|---|---|---|---|---|---|---|---|',
		...row.contenders.map(
			(each) =>
				`| ${names[each.name] ?? each.name} | ${fmt(each.ms)} ms | **${each.floorRatio}×** | ${fmt(each.failed)} | ${fmt(each.refused)} | ${fmt(each.requests)} | ${fmt(each.firstRequestMs)} ms | ${((each.lastRequestMs - each.firstRequestMs) / row.floorMs).toFixed(2)}× |`,
		),
		`| 1 item, started ${SMALL_AFTER_MS / 1000} s into the Videsk Rooms run | ${fmt(row.small.wallMs)} ms (webhook to answer; its node ${fmt(row.small.ms)} ms) | | ${row.small.failed} | | | | |`,
		'',
		`Target: ${row.target} — ${row.pass ? 'met' : 'missed'}. One run each, ${conditions(results)}.`,
	]);
	replaceInDocs('bench:rate-limited', table.join('\n'));
}
