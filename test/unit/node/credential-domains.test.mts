// n8n's "Allowed HTTP Request Domains" on the Videsk credential restricts what the HTTP Request
// node may reach with it; n8n always allows the node's own host, found in its
// requestDefaults.baseURL (n8n-workflow's getCredentialAllowedDomains). Found in review: with the
// base URL set by the credential's authenticate instead, the node's own requests were blocked.
// Also: a Base URL pasted with a trailing slash.
import { expect, test } from 'vitest';
import { runNode } from '../../support/harness.mjs';
import { room, useSandbox } from '../../support/helpers.mjs';

const sandbox = useSandbox();

function get(credentialExtras: Record<string, string>) {
	sandbox().seed(1);
	return runNode({
		parameters: { resource: 'room', operation: 'get', room: room('externalId', 'seed-1') },
		credentials: { apiToken: sandbox().token, baseUrl: sandbox().url, ...credentialExtras },
	});
}

test('a credential restricted to other domains (for the HTTP Request node) still works in the Videsk node', async () => {
	const { error, items } = await get({
		allowedHttpRequestDomains: 'domains',
		allowedDomains: 'example.com',
	});
	expect(error?.message).toBeUndefined();
	expect(items).toHaveLength(1);
});

test('"Specific Domains" with an empty list still lets the Videsk node reach its own base URL', async () => {
	const { error, items } = await get({ allowedHttpRequestDomains: 'domains', allowedDomains: '' });
	expect(error?.message).toBeUndefined();
	expect(items).toHaveLength(1);
});

test('"None" (block in HTTP Request nodes) does not block the Videsk node', async () => {
	const { error, items } = await get({ allowedHttpRequestDomains: 'none' });
	expect(error?.message).toBeUndefined();
	expect(items).toHaveLength(1);
});

test.each([
	{ operation: 'get', room: room('externalId', 'seed-1') },
	{ operation: 'get', room: room('externalId', 'aaaaaaaaaaaaaaaaaaaaaaaa') },
	{ operation: 'getAll', returnAll: true },
	{ operation: 'createOrGet', externalId: 'seed-1' },
])('Base URL with a trailing slash: $operation', async (parameters) => {
	sandbox().seed(1, () => ({ name: 'r', externalId: 'seed-1' }));
	sandbox().seed(1, () => ({ name: 'h', externalId: 'aaaaaaaaaaaaaaaaaaaaaaaa' }));
	const { error, items } = await runNode({
		parameters: { resource: 'room', ...parameters },
		credentials: { apiToken: sandbox().token, baseUrl: `${sandbox().url}/` },
	});
	expect(error?.message).toBeUndefined();
	expect(items.length).toBeGreaterThan(0);
	for (const request of sandbox().requests) expect(request.path).not.toMatch(/^\/\//);
});
