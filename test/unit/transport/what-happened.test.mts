// Every error says what really happened, and advises only what is true for it: a write that may
// have happened gets no retry advice; a redirect is named, never followed; a 404 says what was
// not found; the advice quotes the real Timeout. Each case as a review reproduced it, through
// n8n's routing engine against the sandbox (a FeathersJS server).
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { PACKAGE_DIR } from '../../support/harness.mjs';
import { room, run, useSandbox } from '../../support/helpers.mjs';

const sandbox = useSandbox();

describe('a write that may have happened', () => {
	test.each([502, 503, 504])(
		'Create answered %i: "Videsk may have made the change", no retry advice, not sent again',
		async (status) => {
			sandbox().fault({ method: 'POST', status, body: '<html>Bad gateway</html>', times: 10 });
			const { items } = await run(sandbox(), { operation: 'create' }, { continueOnFail: true });
			const description = String(items[0].error?.description);
			expect(description).toContain(
				'Videsk may have made the change: check the room (with Get, or Create or Get with its External ID) before running the item again.',
			);
			expect(description).not.toMatch(/Try again|Retry On Fail/);
			expect(sandbox().requests).toHaveLength(1);
		},
	);
});

describe('a Base URL that redirects', () => {
	test('Create: the redirect is named with its target; the POST is not followed as a GET', async () => {
		sandbox().fault({
			status: 301,
			headers: { Location: 'https://api.videsk.example/vpaas/rooms' },
			body: '',
			times: 10,
		});
		const { items } = await run(
			sandbox(),
			{ operation: 'createOrGet', externalId: 'evt-1' },
			{ continueOnFail: true },
		);
		expect(items[0].json.error).toBe(
			'Create or Get: the Base URL redirects (HTTP 301) to https://api.videsk.example/vpaas/rooms',
		);
		expect(items[0].error?.description).toContain('Set the Videsk credential’s Base URL');
		expect(sandbox().requests.map((r) => r.method)).toEqual(['POST']);
	});

	test('a redirect without a Location: named as such, not as "undefined"', async () => {
		sandbox().fault({ status: 302, body: '', times: 10 });
		const { items } = await run(
			sandbox(),
			{ operation: 'createOrGet', externalId: 'evt-1' },
			{ continueOnFail: true },
		);
		expect(items[0].json.error).toBe(
			'Create or Get: the Base URL redirects (HTTP 302) to an address it did not give',
		);
	});
});

describe('a 404 says what was not found', () => {
	test('Get Stats of a room Get finds, answered 404: no stats yet, not "no room"', async () => {
		sandbox().seed(1);
		sandbox().fault({
			path: `/vpaas/rooms/seed-1/stats`,
			status: 404,
			body: { name: 'NotFound', message: 'No summary for this session', code: 404 },
		});
		const { items } = await run(
			sandbox(),
			{ operation: 'getStats', room: room('externalId', 'seed-1'), view: 'summary' },
			{ continueOnFail: true },
		);
		expect(items[0].json.error).toBe('Get Stats: Videsk has no stats for room "seed-1" yet');
	});

	test('a proxy’s HTML 404 on Get: not Videsk’s, and not "no room"', async () => {
		sandbox().seed(1);
		sandbox().fault({ status: 404, body: '<html><h1>404 Not Found</h1>nginx</html>' });
		const { items } = await run(
			sandbox(),
			{ operation: 'get', room: room('externalId', 'seed-1') },
			{ continueOnFail: true },
		);
		expect(items[0].json.error).toBe(
			'Get: Something other than Videsk’s API answered 404 (room "seed-1")',
		);
		expect(items[0].error?.description).toContain('Check the Base URL');
	});

	test('a Base URL with an extra path: Feathers’ "Path … not found", named as the address', async () => {
		sandbox().seed(1);
		const { items } = await run(
			sandbox(),
			{ operation: 'get', room: room('externalId', 'seed-1') },
			{ continueOnFail: true, baseUrl: `${sandbox().url}/api` },
		);
		expect(items[0].json.error).toBe('Get: Videsk has no such address (room "seed-1")');
	});

	test('the same on Feathers on Express (Feathers 4, the feathers4 variant): its notFound() handler’s "Page not found"', async () => {
		sandbox().seed(1);
		sandbox().fault({
			status: 404,
			body: {
				name: 'NotFound',
				message: 'Page not found',
				code: 404,
				className: 'not-found',
				data: { url: '/api/vpaas/rooms/seed-1' },
			},
		});
		const { items } = await run(
			sandbox(),
			{ operation: 'get', room: room('externalId', 'seed-1') },
			{ continueOnFail: true },
		);
		expect(items[0].json.error).toBe('Get: Videsk has no such address (room "seed-1")');
	});
});

describe('Feathers 5 validation', () => {
	test('details in `data` (ajv) name the field, as details in `errors` do', async () => {
		sandbox().seed(1);
		for (const validationDetails of ['data', 'errors'] as const) {
			sandbox().settings.validationDetails = validationDetails;
			sandbox().fault({
				method: 'PATCH',
				status: 400,
				body:
					validationDetails === 'data'
						? {
								name: 'BadRequest',
								message: 'validation failed',
								code: 400,
								data: [
									{
										instancePath: '/name',
										keyword: 'maxLength',
										message: 'must NOT have more than 500 characters',
										params: { limit: 500 },
									},
								],
							}
						: {
								name: 'BadRequest',
								message: 'validation failed',
								code: 400,
								errors: { name: 'must NOT have more than 500 characters' },
							},
			});
			const { items } = await run(
				sandbox(),
				{ operation: 'update', room: room('externalId', 'seed-1'), updateFields: { name: 'x' } },
				{ continueOnFail: true },
			);
			expect(items[0].error?.description).toContain(
				'Check these fields: name: must NOT have more than 500 characters.',
			);
		}
	});

	test('Get Many sorted by a field a strict server’s schema refuses: it says Videsk does not sort by it', async () => {
		sandbox().settings.querySchema = 'strict';
		sandbox().seed(2);
		const { items } = await run(
			sandbox(),
			{ operation: 'getAll', returnAll: true, sort: { value: { field: 'exp', direction: 1 } } },
			{ continueOnFail: true },
		);
		expect(items[0].json.error).toBe('Get Many: Videsk does not sort rooms by Expires At');
		// Its own sort (newest first, ties by External ID) the strict server takes.
		const { items: listed } = await run(sandbox(), { operation: 'getAll', returnAll: true });
		expect(listed.map((item) => item.json.externalId)).toEqual(['seed-2', 'seed-1']);
	});
});

test('the Timeout advice quotes the Timeout the item had', async () => {
	sandbox().seed(1);
	sandbox().fault({ kind: 'hang', times: 10 });
	const { items } = await run(
		sandbox(),
		{ operation: 'get', room: room('externalId', 'seed-1'), requestOptions: { timeout: 300 } },
		{ continueOnFail: true },
	);
	expect(items[0].error?.description).toContain(
		'raise "Request Options" → "Timeout" (now 0.3 seconds)',
	);
	expect(items[0].error?.description).not.toContain('30 s unless set');
});

test('a proxy’s long page is quoted as an excerpt of 160 characters', async () => {
	sandbox().fault({ status: 403, body: 'x'.repeat(5_000), contentType: 'text/plain' });
	const { items } = await run(
		sandbox(),
		{ operation: 'createOrGet', externalId: 'evt-1' },
		{ continueOnFail: true },
	);
	expect(String(items[0].error?.description)).toContain(`Videsk answered: "${'x'.repeat(160)}…".`);
});

test('Create answered 200 with a list: the wrong answer is named, and the room may have been made', async () => {
	sandbox().fault({ method: 'POST', status: 200, body: [] });
	const { items } = await run(sandbox(), { operation: 'create' }, { continueOnFail: true });
	expect(items[0].json.error).toContain('with a list, not an object');
	expect(String(items[0].error?.description)).toContain('Videsk may have made the change');
});

// No TLS server or DNS failure in the sandbox: the wording by error code, from the build.
const { networkProblem } = createRequire(import.meta.url)(
	path.join(PACKAGE_DIR, 'dist/nodes/VideskRooms/transport/errors.js'),
) as {
	networkProblem(
		code: string,
		baseUrl: string,
		options: { timeoutAdvice: string },
	): { problem: string };
};

test.each([
	[
		'DEPTH_ZERO_SELF_SIGNED_CERT',
		'its TLS certificate was not accepted (DEPTH_ZERO_SELF_SIGNED_CERT)',
	],
	[
		'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
		'its TLS certificate was not accepted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
	],
	['ENOTFOUND', 'there is no host "api.videsk.example" (DNS)'],
	['EAI_AGAIN', 'there is no host "api.videsk.example" (DNS)'],
])('no answer with %s: %s', (code, problem) => {
	expect(networkProblem(code, 'https://api.videsk.example', { timeoutAdvice: '' }).problem).toBe(
		problem,
	);
});

test('a Base URL with https:// on a port that speaks http: the protocol named, and a create not taken as maybe made', async () => {
	const baseUrl = sandbox().url.replace(/^http:/, 'https:');
	const { items } = await run(
		sandbox(),
		{ operation: 'create', createExternalId: 'evt-1' },
		{ continueOnFail: true, baseUrl },
	);
	const description = String(items[0].error?.description);
	expect(description).toContain('The connection was closed during its set-up.');
	expect(description).toContain('Check that its protocol (http or https) and port are right.');
	expect(description).not.toContain('may have made the change');
	expect(sandbox().rooms()).toEqual([]);
});

test('found in review: a proxy’s HTML page is quoted by its text, without its styles and scripts', async () => {
	sandbox().seed(1);
	sandbox().fault({
		status: 403,
		contentType: 'text/html',
		body: '<html><head><title>Attention Required!</title><style>body{margin:0;padding:0;font-family:-apple-system,Roboto}</style><script>window.cf={a:1};</script></head><body><h1>Sorry, you have been blocked</h1></body></html>',
	});
	const { items } = await run(
		sandbox(),
		{ operation: 'get', room: room('externalId', 'seed-1') },
		{ continueOnFail: true },
	);
	const description = String(items[0].error?.description);
	expect(description).toContain(
		'Videsk answered: "Attention Required! Sorry, you have been blocked"',
	);
	expect(description).not.toMatch(/margin|window\.cf/);
});
