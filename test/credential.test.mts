// The credential's test request, run the way n8n's credential tester runs it: as the request
// defaults of a throwaway declarative node, through the routing engine, with the credential's
// `rules` turning an error status into the message the user sees.
import type { ICredentialType, INodeType } from 'n8n-workflow';
import { createRequire } from 'node:module';
import path from 'node:path';
import { expect, test } from 'vitest';
import { PACKAGE_DIR, runNode } from './harness.mjs';
import { useSandbox } from './helpers.mjs';

const sandbox = useSandbox();
const { VideskApi } = createRequire(import.meta.url)(
	path.join(PACKAGE_DIR, 'dist/credentials/VideskApi.credentials.js'),
) as { VideskApi: new () => ICredentialType };
const credential = new VideskApi();

const credentialTestNode: INodeType = {
	description: {
		displayName: 'Credential Test',
		name: 'credentialTest',
		group: ['transform'],
		version: 1,
		description: '',
		defaults: {},
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: credential.name, required: true }],
		requestDefaults: credential.test!.request,
		properties: [],
	},
};

async function testCredential(apiToken: string) {
	const { items, error } = await runNode({
		parameters: {},
		nodeType: credentialTestNode,
		credentials: { apiToken, baseUrl: sandbox().url },
	});
	if (!error) return { status: 'OK', body: items[0].json };
	const rule = credential.test!.rules?.find(
		(candidate) =>
			'value' in candidate.properties && String(candidate.properties.value) === error.httpCode,
	);
	return { status: 'Error', message: rule?.properties.message ?? error.message };
}

test('the credential exposes the token as a password field and a changeable base URL', () => {
	const [token, baseUrl] = credential.properties;
	expect(token).toMatchObject({
		name: 'apiToken',
		type: 'string',
		typeOptions: { password: true },
		required: true,
	});
	expect(baseUrl).toMatchObject({ name: 'baseUrl', default: 'https://api.videsk.io' });
});

test('succeeds with the right token, with one cheap list request', async () => {
	sandbox().seed(3);
	expect(await testCredential(sandbox().token)).toMatchObject({
		status: 'OK',
		body: { total: 3, limit: 1 },
	});
	expect(sandbox().requests).toHaveLength(1);
	expect(sandbox().requests[0]).toMatchObject({
		method: 'GET',
		path: '/vpaas/rooms',
		query: { $limit: '1' },
	});
	expect(sandbox().requests[0].headers.authorization).toBe(`Bearer ${sandbox().token}`);
});

test('fails with a wrong token, saying what to check and not showing the token', async () => {
	const result = await testCredential('wrong-token');
	expect(result.status).toBe('Error');
	expect(result.message).toContain('api-token');
	expect(result.message).toContain('expired');
	expect(result.message).toContain('IP allow-list');
	expect(result.message).not.toContain('wrong-token');
});

test('a token refused for its IP (403) gets the same advice', async () => {
	sandbox().settings.forbiddenToken = 'ip-blocked';
	expect((await testCredential('ip-blocked')).message).toContain('IP allow-list');
});
