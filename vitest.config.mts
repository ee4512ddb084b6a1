import { availableParallelism } from 'node:os';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { configDefaults, defineConfig } from 'vitest/config';

// Tiers by folder, so that they hold wherever a test file sits: every test file outside
// test/e2e/ is a unit test (in-process n8n routing and the sandbox, nothing else); test/e2e/
// holds the tests that run a real n8n, a browser, PostgreSQL or Redis.
const END_TO_END = 'test/e2e/**';
/** Measures time against the rate limit in n8n's queue mode: runs alone, after the rest. */
const QUEUE_MODE = 'test/e2e/queue-mode.test.mts';
/** Installs what the end-to-end tests need (n8n, Chromium, PostgreSQL, Redis) before any runs. */
const PROVIDE = 'test/support/provide-e2e.mjs';

/**
 * Vitest's order (failed, then slowest first), except for the end-to-end files, which start n8n
 * (CPU-heavy, with tight per-test timeouts): the trigger's starts first, then only waits on n8n's
 * schedule while the unit files run; the others come last.
 */
class EndToEndAround extends BaseSequencer {
	async sort(files: TestSpecification[]) {
		const sorted = await super.sort(files);
		const waitsOnSchedule = (file: TestSpecification) =>
			file.moduleId.endsWith('/e2e/trigger.test.mts');
		const endToEnd = (file: TestSpecification) => file.moduleId.includes('/e2e/');
		return [
			...sorted.filter(waitsOnSchedule),
			...sorted.filter((file) => !endToEnd(file)),
			...sorted.filter((file) => endToEnd(file) && !waitsOnSchedule(file)),
		];
	}
}

export default defineConfig({
	test: {
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// n8n-core logs every node error; show logs only for tests that fail.
		silent: 'passed-only',
		// Two files at a time even on 2 cores (the default would run one), so that the others run
		// while the trigger's end-to-end test waits on n8n's schedule. `npm run test:unit` runs as
		// many, one per core: its files wait on a virtual clock, not in real time, so they use the
		// CPU they get (docs/testing.md, "Where the unit tier's time goes").
		maxWorkers: Math.max(2, availableParallelism()),
		sequence: { sequencer: EndToEndAround },
		projects: [
			{
				extends: true,
				test: {
					name: 'unit',
					include: ['test/**/*.test.mts'],
					// Files share processes, so n8n-core (about a second of CPU to import) is imported
					// once per process, not once per file; each file gets the package loaded anew.
					isolate: false,
					// A larger young generation: the unit tier allocates fast (HTTP exchanges, n8n's
					// executions), and the default one made the garbage collector a seventh of its time.
					execArgv: ['--max-semi-space-size=128'],
					setupFiles: ['test/support/fresh-package.mts'],
					exclude: [...configDefaults.exclude, END_TO_END],
					sequence: { groupOrder: 0 },
				},
			},
			{
				extends: true,
				test: {
					name: 'e2e',
					include: [`${END_TO_END}/*.test.mts`],
					exclude: [...configDefaults.exclude, QUEUE_MODE],
					globalSetup: [PROVIDE],
					sequence: { groupOrder: 0 },
				},
			},
			{
				extends: true,
				test: {
					name: 'queue-mode',
					include: [QUEUE_MODE],
					globalSetup: [PROVIDE],
					sequence: { groupOrder: 1 },
				},
			},
		],
	},
});
