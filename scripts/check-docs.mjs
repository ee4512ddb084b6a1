// The docs name only what exists: every code name in backticks in README.md, CONTRIBUTING.md and
// docs/*.md — a file or folder of this repository, a function, class, constant or option — must be
// in the tree. Names the docs quote from n8n's source are found in the n8n packages installed as
// dev dependencies, or are listed in N8N_SERVER_NAMES (the n8n server, installed for the
// end-to-end tests, which check them: test/e2e/n8n-source.test.mts). Run by
// test/tooling/docs.test.mts; `node scripts/check-docs.mjs [files]` prints what is missing and
// exits 1.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Where this repository's code lives; docs write nodes/VideskRooms' folders without the prefix. */
const SOURCES = ['nodes', 'credentials', 'test', 'scripts', 'bench', '.ci', '.github'];
const NODE_DIR = 'nodes/VideskRooms';
/** n8n's packages, where the names docs quote from n8n's source are. */
const N8N_PACKAGES = ['n8n-core', 'n8n-workflow', '@n8n'];

export const DEFAULT_DOCS = [
	'README.md',
	'CONTRIBUTING.md',
	...readdirSync(path.join(ROOT, 'docs'))
		.filter((name) => name.endsWith('.md'))
		.map((name) => `docs/${name}`),
];

/**
 * Names docs/n8n-polling.md and docs/agent-tool.md quote from the n8n server package (and the
 * libraries it uses), which is not a dev dependency.
 */
export const N8N_SERVER_NAMES = [
	'CronJob',
	'executePollTrigger',
	'TriggerExecutionContextFactory',
	'getExecutePollFunctions',
	'WorkflowStaticDataService',
	'saveStaticData',
	'WorkflowTriggerActivator',
	'EnqueuedExecutionRecoveryService',
	'isDurablePollerChainEnabled',
	'DurableScheduler',
	'seededCron',
	'claimDueTasks',
	'claimedBy',
	'beginDispatch',
	'N8N_SCHEDULER_LEASE_DURATION',
	'N8N_SCHEDULER_POLL_TIMEOUT',
	'PollCursorService',
	'resolveCursor',
	'getOrCreateCursor',
	'isEqual',
	'WorkflowExecutionService',
	'runPolledWorkflow',
	'commitWithExecution',
	'PollerStateRepository',
	'advanceCursor',
	'dispatchedAt',
	'reclaimExpired',
	'N8N_SCHEDULER_MAX_ATTEMPTS',
	'N8N_SCHEDULER_MISFIRE_GRACE',
	'createPollExecutionContext',
	'ExecutionRecoveryService',
	'recoverFromLogs',
	'runHooks',
	'InsightsCollectionService',
	'handleWorkflowExecuteAfter',
	'createAiTools',
	'getPropertyValues',
	'aiToolDefaultsToContinue',
];

const PATH = /^[\w.@~-]*[\w@-](\/[\w.@-]+)*\/?$/;
/** Files of this repository named alone (compiled `.js` and `.d.ts` files are n8n's). */
const FILE = /(?<!\.d)\.(ts|mts|mjs|json|md|yml|yaml|png|svg)$/;
/** Files made by a command (a release), named in these. */
const GENERATED_IN = ['package.json', '.gitignore'];
/** A function (`name()`), a camelCase or PascalCase name, a dotted member, a CONSTANT. */
const NAME =
	/^\$?(?:[A-Za-z_$][\w$]*\.)*(?:[a-z_$][\w$]*[A-Z][\w$]*|[A-Z][a-z0-9]+[A-Z][\w$]*|[A-Z][A-Z0-9]*_[A-Z0-9_]+|[a-z_$][\w$]*(?=\(\)))(\(\))?$/;

function sourceFiles(dir, found = []) {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		if (entry.name === 'node_modules' || entry.name === 'dist') continue;
		const at = path.join(dir, entry.name);
		if (entry.isDirectory()) sourceFiles(at, found);
		else if (/\.(ts|mts|mjs|js|json|yml|sh|d\.mts)$|^run$/.test(entry.name)) found.push(at);
	}
	return found;
}

let vocabulary;
/** Every word of this repository's code, and of package.json (its scripts). */
function ourWords() {
	if (vocabulary) return vocabulary;
	vocabulary = new Set();
	const files = [
		path.join(ROOT, 'package.json'),
		...SOURCES.filter((dir) => existsSync(path.join(ROOT, dir))).flatMap((dir) =>
			sourceFiles(path.join(ROOT, dir)),
		),
	];
	for (const file of files) {
		for (const word of readFileSync(file, 'utf8').match(/[\w$]+/g) ?? []) vocabulary.add(word);
	}
	return vocabulary;
}

let n8nText;
/** The n8n packages' compiled code, for the names docs quote from it. */
function inN8n(word) {
	n8nText ??= N8N_PACKAGES.flatMap((name) => {
		const dir = path.join(ROOT, 'node_modules', name);
		return existsSync(dir) ? [dir] : [];
	});
	const pattern = new RegExp(`\\b${word.replace(/\$/g, '\\$')}\\b`);
	const search = (dir) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const at = path.join(dir, entry.name);
			if (entry.isDirectory()) {
				if (entry.name !== 'node_modules' && search(at)) return true;
			} else if (entry.name.endsWith('.d.ts') && pattern.test(readFileSync(at, 'utf8'))) {
				return true;
			}
		}
		return false;
	};
	return n8nText.some(search);
}

let basenames;
/** The names of every file of this repository (outside node_modules and dist). */
function ourBasenames() {
	basenames ??= new Set(
		[...SOURCES, 'docs', 'examples', 'icons']
			.filter((dir) => existsSync(path.join(ROOT, dir)))
			.flatMap((dir) => allFiles(path.join(ROOT, dir)))
			.map((file) => path.basename(file)),
	);
	return basenames;
}

function allFiles(dir, found = []) {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		if (entry.name === 'node_modules' || entry.name === 'dist') continue;
		const at = path.join(dir, entry.name);
		if (entry.isDirectory()) allFiles(at, found);
		else found.push(at);
	}
	return found;
}

function pathExists(text) {
	const clean = text.replace(/[#:].*$/, '').replace(/\/$/, '');
	if (clean.startsWith('~')) return true; // a place on the user's machine
	const candidates = [clean, `${NODE_DIR}/${clean}`, `test/${clean}`, `test/unit/${clean}`];
	if (candidates.some((candidate) => existsSync(path.join(ROOT, candidate)))) return true;
	if (clean.includes('/')) return false;
	// A file named alone: anywhere in the tree, or one a command makes.
	return (
		ourBasenames().has(clean) ||
		GENERATED_IN.some((file) => readFileSync(path.join(ROOT, file), 'utf8').includes(clean))
	);
}

/** Whether a backticked text is this repository's path (a file or a folder in it). */
function isOurPath(text) {
	if (!PATH.test(text) || /^https?:/.test(text)) return false;
	const first = text.replace(/^\.\//, '').split('/')[0];
	const ours = [...SOURCES, 'docs', 'examples', 'icons', 'operations', 'fields', 'transport'];
	ours.push('trigger', 'unit', 'model', 'e2e', 'support', 'sandbox', 'tooling');
	return (text.includes('/') && ours.includes(first)) || (!text.includes('/') && FILE.test(text));
}

/** The names and paths a markdown text quotes that do not exist: `[{ line, name, why }]`. */
export function missingIn(markdown) {
	const missing = [];
	markdown.split('\n').forEach((line, index) => {
		for (const [, span] of line.matchAll(/`([^`\n]+)`/g)) {
			const text = span.trim();
			if (isOurPath(text)) {
				if (!pathExists(text)) missing.push({ line: index + 1, name: text, why: 'no such file' });
				continue;
			}
			if (!NAME.test(text)) continue;
			const words = text.replace(/\(\)$/, '').replace(/^\$/, '').split('.');
			const absent = words.filter(
				(word) => !ourWords().has(word) && !N8N_SERVER_NAMES.includes(word) && !inN8n(word),
			);
			if (absent.length > 0) {
				missing.push({ line: index + 1, name: text, why: `no ${absent.join(', ')} in the code` });
			}
		}
	});
	return missing;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	const files = process.argv.length > 2 ? process.argv.slice(2) : DEFAULT_DOCS;
	let failed = false;
	for (const file of files) {
		const at = path.resolve(ROOT, file);
		if (!statSync(at).isFile()) continue;
		for (const { line, name, why } of missingIn(readFileSync(at, 'utf8'))) {
			failed = true;
			console.log(`${path.relative(ROOT, at)}:${line}: \`${name}\`: ${why}`);
		}
	}
	process.exit(failed ? 1 : 0);
}
