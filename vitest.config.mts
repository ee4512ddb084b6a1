import { configDefaults, defineConfig } from 'vitest/config';

/** Measures time against the rate limit in n8n's queue mode: runs alone, after the rest. */
const QUEUE_MODE = 'test/e2e/queue-mode.test.mts';

export default defineConfig({
	test: {
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// n8n-core logs every node error; show logs only for tests that fail.
		silent: 'passed-only',
		projects: [
			{
				extends: true,
				test: {
					name: 'main',
					include: ['test/**/*.test.mts'],
					exclude: [...configDefaults.exclude, QUEUE_MODE],
					sequence: { groupOrder: 0 },
				},
			},
			{
				extends: true,
				test: { name: 'queue-mode', include: [QUEUE_MODE], sequence: { groupOrder: 1 } },
			},
		],
	},
});
