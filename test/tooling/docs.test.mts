// The docs cannot drift from the code: every code name in backticks in README.md,
// CONTRIBUTING.md and docs/*.md (files, functions, options) exists in the tree
// (scripts/check-docs.mjs), and the check fails on a name that does not.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { PACKAGE_DIR } from '../support/harness.mjs';
// @ts-expect-error: a plain script, without types
import { DEFAULT_DOCS, missingIn } from '../../scripts/check-docs.mjs';

type Missing = Array<{ line: number; name: string; why: string }>;
const check = missingIn as (markdown: string) => Missing;

describe.each(DEFAULT_DOCS as string[])('%s', (file) => {
	test('names only what exists', () => {
		expect(check(readFileSync(path.join(PACKAGE_DIR, file), 'utf8'))).toEqual([]);
	});
});

test('a made-up name or file is caught; real ones, n8n’s and the user’s machine’s are not', () => {
	// Made up here, so that the code (this file) does not hold them.
	const [name, constant] = ['resolveRoom' + 'Twice', 'VIDESK_' + 'MADE_UP'];
	const markdown = [
		`\`sendToVidesk\` (\`transport/send.ts\`) calls \`${name}\` in \`transport/nowhere.ts\`.`,
		'n8n’s `PollContext` and `getPollBudgetMs()`; the cache `~/.cache/n8n-nodes-videsk`.',
		`Set \`VIDESK_NO_APT=1\`, or \`${constant}\`; see \`docs/missing-page.md\`.`,
	].join('\n');
	expect(check(markdown).map(({ line, name: missing }) => [line, missing])).toEqual([
		[1, name],
		[1, 'transport/nowhere.ts'],
		[3, constant],
		[3, 'docs/missing-page.md'],
	]);
});
