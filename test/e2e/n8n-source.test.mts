// The names docs/n8n-polling.md and docs/agent-tool.md quote from the n8n server's source (listed
// in scripts/check-docs.mjs, which the unit tier checks every other name against the tree with)
// are in the n8n this package is tested with.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect, test } from 'vitest';
// @ts-expect-error: a plain script, without types
import { N8N_SERVER_NAMES } from '../../scripts/check-docs.mjs';
import { ensureN8n, n8nDir, N8N_MAJOR } from './n8n-runtime.mjs';

test.runIf(N8N_MAJOR === 2)(
	'every name the docs quote from n8n’s source is in it',
	() => {
		ensureN8n();
		const names = N8N_SERVER_NAMES as string[];
		// One pass over n8n's code: the words of the list it holds.
		const found = spawnSync(
			'grep',
			[
				'-rhowF',
				'--include=*.js',
				...names.flatMap((name) => ['-e', name]),
				path.join(n8nDir, 'node_modules'),
			],
			{ encoding: 'utf8', maxBuffer: 1 << 30 },
		).stdout.split('\n');
		expect(names.filter((name) => !found.includes(name))).toEqual([]);
	},
	300_000,
);
