// What every operation can meet, through n8n's routing engine against the sandbox.
import type { INodeParameters } from 'n8n-workflow';
import { describe, expect, test } from 'vitest';
import { room, run, useSandbox } from '../../support/helpers.mjs';

const sandbox = useSandbox();

describe('errors every operation can meet', () => {
	const operations: INodeParameters[] = [
		{ operation: 'getAll', returnAll: true },
		{ operation: 'get', room: room('externalId', 'seed-1') },
		{ operation: 'create' },
		{ operation: 'createOrGet', externalId: 'seed-1' },
		{ operation: 'update', room: room('externalId', 'seed-1'), updateFields: { name: 'x' } },
		{ operation: 'end', room: room('externalId', 'seed-1') },
		{ operation: 'getJoinToken', room: room('externalId', 'seed-1') },
		{ operation: 'getStats', room: room('externalId', 'seed-1') },
	];

	test.each(operations)(
		'$operation: a wrong or expired token says what to check, never the token',
		async (parameters) => {
			sandbox().seed(1);
			sandbox().settings.expiredToken = 'expired-token-value';
			for (const [token, said] of [
				['wrong-token-value', 'Invalid authentication information'],
				['expired-token-value', 'jwt expired'],
			]) {
				const { error, run: execution } = await run(sandbox(), parameters, { token });
				expect(error?.message).toMatch(/^.+: Videsk did not accept the API token \(.+\)$/);
				expect(error?.description).toContain('api-token');
				expect(error?.description).toContain('this n8n machine’s address');
				expect(error?.description).toContain(`Videsk said: "${said}"`);
				expect(JSON.stringify(execution)).not.toContain(token);
			}
		},
	);
});
