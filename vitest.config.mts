import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.mts'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		// n8n-core logs every node error; show logs only for tests that fail.
		silent: 'passed-only',
	},
});
