// The credential's test, found and run the way n8n's credential tester does it: the credential
// type has no declarative `test`, so n8n takes the `testedBy` method of a node that uses the
// credential and calls it with n8n-core's CredentialTestContext (whose request helper is n8n's
// own HTTP client). The end-to-end version, through n8n’s REST API: test/e2e/credential.test.mts.
import type {
	ICredentialTestFunction,
	ICredentialType,
	INodeCredentialDescription,
	INodeType,
} from 'n8n-workflow';
import { createRequire } from 'node:module';
import { expect, test } from 'vitest';
import { useVirtualClock } from '../../support/clock.mjs';
import { loadPackage } from '../../support/harness.mjs';
import { room, run, useSandbox } from '../../support/helpers.mjs';

const clock = useVirtualClock();
const sandbox = useSandbox();
const { CredentialTestContext } = createRequire(import.meta.url)('n8n-core') as {
	CredentialTestContext: new (additionalData: object) => ThisParameterType<ICredentialTestFunction>;
};

async function credentialType(): Promise<ICredentialType> {
	return (await loadPackage()).getCredential('videskApi').type;
}

/** The function n8n's CredentialsTester would pick for the credential, and its result. */
async function testCredential(data: { apiToken: string; baseUrl: string }) {
	const node = (await loadPackage()).getNode('videskRooms').type as INodeType;
	const { testedBy } = node.description.credentials!.find(
		(credential: INodeCredentialDescription) => credential.name === 'videskApi',
	)!;
	const tester = node.methods!.credentialTest![testedBy as string];
	return await tester.call(new CredentialTestContext({}), {
		id: '1',
		name: 'Videsk',
		type: 'videskApi',
		data,
	});
}

test('the credential exposes the token as a password field and a changeable base URL, each with a hint under it', async () => {
	const [token, baseUrl] = (await credentialType()).properties;
	expect(token.hint).toMatch(/Videsk dashboard.*api-token/);
	expect(baseUrl.hint).toMatch(/only to use a test server/);
	expect(token).toMatchObject({
		name: 'apiToken',
		type: 'string',
		typeOptions: { password: true },
		required: true,
	});
	expect(baseUrl).toMatchObject({ name: 'baseUrl', default: 'https://api.videsk.io' });
});

test('n8n asks the node to test it: the credential has no request test of its own', async () => {
	// A declarative `test` would take precedence over `testedBy` in n8n's CredentialsTester.
	expect((await credentialType()).test).toBeUndefined();
});

test('succeeds with the right token, with one cheap list request', async () => {
	sandbox().seed(3);
	expect(await testCredential({ apiToken: sandbox().token, baseUrl: sandbox().url })).toEqual({
		status: 'OK',
		message: 'Connection successful: Videsk accepted the token.',
	});
	expect(sandbox().requests).toHaveLength(1);
	expect(sandbox().requests[0]).toMatchObject({
		method: 'GET',
		path: '/vpaas/rooms',
		query: { $limit: '1' },
	});
	expect(sandbox().requests[0].headers.authorization).toBe(`Bearer ${sandbox().token}`);
});

test('a token pasted with blanks around it is sent without them, by the credential test and by the node', async () => {
	sandbox().seed(1);
	const pasted = `  ${sandbox().token} \t`;
	const result = await testCredential({ apiToken: pasted, baseUrl: sandbox().url });
	expect(result.status).toBe('OK');
	const { items } = await run(
		sandbox(),
		{ operation: 'get', room: room('externalId', 'seed-1') },
		{ token: pasted },
	);
	expect(items.map((item) => item.json.externalId)).toEqual(['seed-1']);
	expect(sandbox().requests.map((request) => request.headers.authorization)).toEqual([
		`Bearer ${sandbox().token}`,
		`Bearer ${sandbox().token}`,
	]);
});

test('a Base URL with a trailing slash works the same', async () => {
	const result = await testCredential({ apiToken: sandbox().token, baseUrl: `${sandbox().url}/` });
	expect(result.status).toBe('OK');
	expect(sandbox().requests[0].rawPath).toBe('/vpaas/rooms');
});

// Each message starts with what to do, in plain words.
test('fails with a wrong token, saying what to check and not showing the token', async () => {
	const result = await testCredential({ apiToken: 'wrong-token', baseUrl: sandbox().url });
	expect(result).toEqual({
		status: 'Error',
		message:
			'Check the API token: Videsk did not accept it. It must be a token of type api-token from the Videsk dashboard (the only kind this API accepts) that has not expired or been revoked. If the token only works from some IP addresses, add this n8n machine’s address to them.',
	});
	expect(result.message).not.toContain('wrong-token');
});

test('a token refused for its IP (403) says to check its permissions and addresses', async () => {
	sandbox().settings.forbiddenToken = 'ip-blocked';
	const result = await testCredential({ apiToken: 'ip-blocked', baseUrl: sandbox().url });
	expect(result.status).toBe('Error');
	expect(result.message).toMatch(
		/^Check the API token’s permissions and addresses in the Videsk dashboard: .* not work from this n8n machine’s address/,
	);
});

test('no jargon in what the credential test says', async () => {
	sandbox().settings.forbiddenToken = 'ip-blocked';
	for (const apiToken of ['wrong-token', 'ip-blocked']) {
		const { message } = await testCredential({ apiToken, baseUrl: sandbox().url });
		expect(message).not.toMatch(/VPaaS|allow-list|\bIP allow/i);
	}
});

test.each([
	[
		'nothing listening',
		'http://127.0.0.1:9',
		'Check the Base URL: n8n could not reach http://127.0.0.1:9; nothing answered there (connection refused). Check its host and port, and that the server runs.',
	],
	[
		'a host that does not exist',
		'https://no-such-host.invalid',
		'Check the Base URL: n8n could not reach https://no-such-host.invalid; there is no host "no-such-host.invalid" (DNS). Check its spelling; Videsk’s is https://api.videsk.io.',
	],
	[
		'no scheme',
		'api.videsk.io',
		'Change the Base URL to a web address, such as https://api.videsk.io: "api.videsk.io" is not one.',
	],
])('an unusable Base URL (%s) is named, with what is wrong', async (_, baseUrl, message) => {
	expect(await testCredential({ apiToken: 'any', baseUrl })).toEqual({ status: 'Error', message });
});

test.each([
	['http://someone:base-url-password@127.0.0.1:99999', '"http://127.0.0.1:99999"'],
	['someone:base-url-password@127.0.0.1:99999', '"127.0.0.1:99999"'],
	['ftp://someone:base/url@pass\nword@host', '"ftp://host"'],
])(
	'found in review: the Test button quotes a Base URL that is no web address (%s) without its user and password',
	async (baseUrl, quoted) => {
		expect(await testCredential({ apiToken: 'any', baseUrl })).toEqual({
			status: 'Error',
			message: `Change the Base URL to a web address, such as https://api.videsk.io: ${quoted} is not one.`,
		});
	},
);

test('a Base URL that is not the API’s root (404), or answers like something else, says so', async () => {
	expect(
		await testCredential({ apiToken: sandbox().token, baseUrl: `${sandbox().url}/api` }),
	).toEqual({
		status: 'Error',
		message: `Check the Base URL: ${sandbox().url}/api has no Videsk room list (404). It should be the API’s root, such as https://api.videsk.io.`,
	});
	sandbox().fault({ status: 200, body: { hello: 'world' } });
	expect(await testCredential({ apiToken: sandbox().token, baseUrl: sandbox().url })).toEqual({
		status: 'Error',
		message: `Check the Base URL: ${sandbox().url} answered, but not as the Videsk API does. It should be the API’s root, such as https://api.videsk.io.`,
	});
});

test('found in review: a Base URL that redirects is named with its target, not reported as working', async () => {
	sandbox().fault({
		status: 301,
		headers: { Location: 'https://api.videsk.example/vpaas/rooms?%24limit=1' },
		body: '',
	});
	const result = await testCredential({ apiToken: sandbox().token, baseUrl: sandbox().url });
	expect(result.status).toBe('Error');
	expect(result.message).toBe(
		`Check the Base URL: ${sandbox().url} redirects (HTTP 301) to https://api.videsk.example/vpaas/rooms?%24limit=1. Set the Base URL to the address it redirects to (e.g. https:// instead of http://): the nodes do not follow redirects, which would turn a create or a change into a read.`,
	);
	expect(sandbox().requests).toHaveLength(1);
});

test('found in review: a Base URL with a trailing blank is read trimmed, by the credential test and by the node alike', async () => {
	sandbox().seed(1);
	const baseUrl = `${sandbox().url} `;
	expect((await testCredential({ apiToken: sandbox().token, baseUrl })).status).toBe('OK');
	const { items, error } = await run(
		sandbox(),
		{ operation: 'get', room: room('externalId', 'seed-1') },
		{ baseUrl },
	);
	expect(error).toBeUndefined();
	expect(items[0].json.externalId).toBe('seed-1');
});

test('found in review: a host that never answers: one request, over in seconds, advice a credential can follow', async () => {
	sandbox().fault({ kind: 'hang', times: 10 });
	const started = clock.now();
	const result = await testCredential({ apiToken: sandbox().token, baseUrl: sandbox().url });
	expect(clock.now() - started).toBe(5_000);
	expect(sandbox().requests).toHaveLength(1);
	expect(result).toEqual({
		status: 'Error',
		message: `Check the Base URL: n8n could not reach ${sandbox().url}; no answer in time. Check that this n8n machine can reach it (firewall, proxy). Then test again (the test waits 5 seconds for an answer).`,
	});
}, 20_000);
