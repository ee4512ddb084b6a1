import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.mts'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// n8n-core logs every node error; show logs only for tests that fail.
		silent: 'passed-only',
		// Files run side by side: the end-to-end ones mostly wait on n8n (its schedule, its
		// start-up), which the default (one file at a time on 2 cores) would add up.
		maxWorkers: 3,
	},
});
