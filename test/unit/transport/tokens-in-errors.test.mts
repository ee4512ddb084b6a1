// The api-token and access tokens never appear in an error, whatever Videsk's answer quotes:
// wherever an error copies Videsk's (Feathers) answer — its message ("Videsk said: …"), its
// validation details, the body kept as the error's response, and so n8n's execution record —
// the credential's api-token and every JWT-shaped text (an access token) are hidden.
import { expect, test } from 'vitest';
import { room, run, useSandbox } from '../../support/helpers.mjs';

const SECRET = 'SECRET-api-token-value-7f3a';
const ACCESS_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJyb29tIjoiYSJ9.c2lnbmF0dXJl';
const sandbox = useSandbox({ token: SECRET });
const get = { operation: 'get', room: room('externalId', 'seed-1') };

test.each([
	['the api-token', SECRET],
	['an access token (a JWT)', ACCESS_TOKEN],
	// Found in review: a JWT right after a word character (no word boundary before it).
	['an access token glued to a word (token_eyJ…)', `token_${ACCESS_TOKEN}`],
])(
	'found in review: a Videsk error message quoting %s does not put it in the error or the execution',
	async (_, token) => {
		sandbox().seed(1);
		sandbox().fault({
			status: 401,
			body: { name: 'NotAuthenticated', message: `invalid token ${token}`, code: 401 },
			times: 10,
		});
		for (const continueOnFail of [false, true]) {
			const result = await run(sandbox(), get, { continueOnFail });
			expect(result.error?.message ?? result.items[0].json.error).toContain('Get:');
			expect(JSON.stringify(result.run)).not.toContain(token);
			expect(JSON.stringify(result.items)).not.toContain(token);
			expect(String(result.error?.description ?? '')).not.toContain(token);
		}
	},
);

test('validation details quoting the tokens are shown with them hidden', async () => {
	sandbox().seed(1);
	sandbox().fault({
		status: 400,
		body: {
			name: 'BadRequest',
			message: `Bad request for ${SECRET}`,
			code: 400,
			errors: { name: `not with ${ACCESS_TOKEN}`, other: [{ message: SECRET }] },
		},
	});
	const { items } = await run(sandbox(), get, { continueOnFail: true });
	const error = items[0].error!;
	expect(error.description).toContain('Check these fields: name: not with (hidden)');
	expect(error.description).toContain('Videsk said: "Bad request for (hidden)".');
	const kept = JSON.stringify([error, (error as { errorResponse?: unknown }).errorResponse]);
	expect(kept).not.toContain(SECRET);
	expect(kept).not.toContain(ACCESS_TOKEN);
});

test('the token as sent (trimmed) is hidden when the credential holds it with blanks around', async () => {
	sandbox().seed(1);
	sandbox().fault({
		status: 403,
		body: { name: 'Forbidden', message: `token ${SECRET} lacks rights`, code: 403 },
	});
	const { items } = await run(sandbox(), get, { continueOnFail: true, token: ` ${SECRET} ` });
	expect(items[0].error?.description).toContain('Videsk said: "token (hidden) lacks rights".');
});

// Reported: a token-named field whose value is not JWT-shaped, in a Feathers error body, stayed
// in the error's response (the execution data); in any other body it was hidden.
test('a token-named field of any shape is hidden in a Feathers error body too', async () => {
	sandbox().seed(1);
	const opaque = 'opaque-room-token-91c2';
	sandbox().fault({
		status: 400,
		body: { name: 'BadRequest', message: 'Bad request', code: 400, data: { accessToken: opaque } },
		times: 2,
	});
	for (const continueOnFail of [false, true]) {
		const result = await run(sandbox(), get, { continueOnFail });
		expect(JSON.stringify(result.run)).not.toContain(opaque);
		const error = result.error ?? result.items[0].error!;
		expect(
			JSON.stringify([error, (error as { errorResponse?: unknown }).errorResponse]),
		).not.toContain(opaque);
	}
});

// Found by the answer property (shrunk): hidden first, an empty accessToken read as one.
test('found by a property: a join answer whose accessToken is empty is an error, not a token', async () => {
	sandbox().seed(1);
	sandbox().fault({ method: 'POST', status: 200, body: { accessToken: '' } });
	const { items } = await run(
		sandbox(),
		{ operation: 'getJoinToken', room: room('externalId', 'seed-1') },
		{ continueOnFail: true },
	);
	expect(items[0].json.error).toBe(
		'Get Join Token: Videsk answered 200 with an answer without "accessToken" (room "seed-1")',
	);
});

test.each([
	['the api-token', `https://login.example/?t=${SECRET}`],
	['an access token (a JWT)', `https://login.example/join/${ACCESS_TOKEN}`],
])(
	'found in review: a redirect whose Location quotes %s names the redirect with it hidden',
	async (_, location) => {
		sandbox().seed(1);
		sandbox().fault({ status: 302, headers: { Location: location }, body: '', times: 10 });
		for (const continueOnFail of [false, true]) {
			const result = await run(sandbox(), get, { continueOnFail });
			const message = result.error?.message ?? String(result.items[0].json.error);
			expect(message).toMatch(
				/^Get: the Base URL redirects \(HTTP 302\) to https:\/\/login\.example\/.*\(hidden\)$/,
			);
			for (const token of [SECRET, ACCESS_TOKEN]) {
				expect(JSON.stringify(result.run)).not.toContain(token);
				expect(JSON.stringify(result.items)).not.toContain(token);
			}
		}
	},
);

test('another room than the one asked for, its External ID an access token: named with it hidden', async () => {
	const [asked, other] = ['65f0a1b2c3d4e5f6a7b8c9d0', '65f0a1b2c3d4e5f6a7b8c9d1'];
	sandbox().fault({ status: 200, body: { id: other, externalId: ACCESS_TOKEN } });
	const { items } = await run(
		sandbox(),
		{ operation: 'get', room: room('id', asked) },
		{ continueOnFail: true },
	);
	expect(items[0].json.error).toContain(`another room: "${other}" (External ID "(hidden)")`);
	expect(JSON.stringify(items)).not.toContain(ACCESS_TOKEN);
});

test('a user and password in the Base URL are not shown in the error when nothing answers there', async () => {
	const { items } = await run(sandbox(), get, {
		continueOnFail: true,
		baseUrl: 'http://someone:base-url-password@127.0.0.1:9',
	});
	const description = String(items[0].error?.description);
	expect(description).toContain('(The credential’s Base URL: http://127.0.0.1:9)');
	expect(JSON.stringify(items)).not.toContain('base-url-password');
});

test.each([
	'http://someone:base-url-password@127.0.0.1:99999',
	'http://someone:base-url-password@exa mple.com',
	'http://someone:base/url@password@127.0.0.1:99999',
	// Found in review: forms without "://", and a line break.
	'someone:base-url-password@127.0.0.1:99999',
	'mailto:someone:base-url-password@127.0.0.1:99999',
	'ftp://someone:base-url\npassword@127.0.0.1:99999',
])(
	'found in review: a Base URL that is no web address (%s) is quoted without its user and password',
	async (baseUrl) => {
		const result = await run(sandbox(), get, { continueOnFail: true, baseUrl });
		expect(String(result.items[0].json.error)).toMatch(
			/^The Base URL "((http|ftp):\/\/)?(127\.0\.0\.1:99999|exa mple\.com)" of the Videsk credential is not a web address/,
		);
		for (const secret of ['base-url-password', 'base/url', 'someone']) {
			expect(JSON.stringify(result.run)).not.toContain(secret);
		}
	},
);
