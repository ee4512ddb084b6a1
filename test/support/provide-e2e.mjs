// vitest's global setup for the end-to-end tests (vitest.config.mts): before any test file
// runs, what they need is there — Chromium, PostgreSQL and Redis (provision.mjs), Node 24 and
// n8n (ensureN8n) — or the run stops at once with one message saying what to install.
import { ensureN8n, isN8nInstalled } from '../e2e/n8n-runtime.mjs';
import { END_TO_END_NEEDS, NotProvidedError, provide } from './provision.mjs';

export async function setup() {
	try {
		// The build tools only compile n8n's sqlite3, once.
		await provide([...END_TO_END_NEEDS, ...(isN8nInstalled() ? [] : ['buildTools'])]);
	} catch (error) {
		if (!(error instanceof NotProvidedError)) throw error;
		// The message says it all; a stack trace would only bury it.
		process.stderr.write(
			`\n${error.message}\n\`npm run test:unit\` runs every test that needs none of it.\n\n`,
		);
		process.exit(1);
	}
	ensureN8n();
}
