// The fault matrix: every operation, every failure Videsk or the network can produce, on the
// middle one of three items. With Continue On Fail the middle item carries a clear error and the
// others their results, in order; without it the node stops with that error. The api-token
// never appears anywhere in what n8n recorded.
import type { INodeParameters } from 'n8n-workflow';
import { describe, expect, test } from 'vitest';
import { runNode } from '../../support/harness.mjs';
import { room, run, useSandbox } from '../../support/helpers.mjs';
import type { Fault, LoggedRequest } from '../../sandbox/server.mjs';

const sandbox = useSandbox({ token: 'SECRET-api-token-value-7f3a' });

const byItem = room('externalId', '={{ $json.room }}');
const operations: Record<string, { parameters: INodeParameters; name: string; target: string }> = {
	create: {
		parameters: { operation: 'create', createExternalId: '={{ $json.room }}-new' },
		name: 'Create',
		target: 'room with External ID "seed-2-new"',
	},
	createOrGet: {
		parameters: { operation: 'createOrGet', externalId: '={{ $json.room }}-new' },
		name: 'Create or Get',
		target: 'room with External ID "seed-2-new"',
	},
	get: { parameters: { operation: 'get', room: byItem }, name: 'Get', target: 'room "seed-2"' },
	getAll: {
		parameters: {
			operation: 'getAll',
			returnAll: true,
			filters: { externalId: '={{ $json.room }}' },
		},
		name: 'Get Many',
		target: 'the room list',
	},
	update: {
		parameters: { operation: 'update', room: byItem, updateFields: { name: 'Renamed' } },
		name: 'Update',
		target: 'room "seed-2"',
	},
	end: { parameters: { operation: 'end', room: byItem }, name: 'End', target: 'room "seed-2"' },
	getJoinToken: {
		parameters: { operation: 'getJoinToken', room: byItem },
		name: 'Get Join Token',
		target: 'room "seed-2"',
	},
	getStats: {
		parameters: { operation: 'getStats', room: byItem },
		name: 'Get Stats',
		target: 'room "seed-2"',
	},
};

/** Requests made for the middle item, whichever operation. */
const forSecondItem = (request: LoggedRequest) =>
	request.path.startsWith('/vpaas/rooms/seed-2') ||
	request.body?.externalId === 'seed-2-new' ||
	request.query.externalId === 'seed-2';

const feathers = (code: number, name: string, message: string, extra = {}) => ({
	status: code,
	body: { name, message, code, className: name.toLowerCase(), ...extra },
});

/**
 * Videsk's 404, worded per operation: on the room list or the create endpoint it means a wrong
 * Base URL; only Get and Get Stats read a room that may have ended.
 */
function notFound(operation: string, target: string) {
	if (['getAll', 'create', 'createOrGet'].includes(operation)) {
		return 'Videsk did not find the room list';
	}
	if (operation === 'get' || operation === 'getStats') return `Videsk has no ${target}`;
	return `Videsk found no open ${target}: it does not exist or has already ended`;
}

// Each fault: what Videsk or the network does (faults that persist, times: 10, outlast the
// node's retries), the exact message for each operation, and what the description must say.
const faults: Record<
	string,
	{ fault: Fault; message: (operation: string, target: string) => string; description: string }
> = {
	'400 Bad Request': {
		fault: { ...feathers(400, 'BadRequest', 'Invalid "name"'), times: 10 },
		message: (_, target) => `Videsk rejected the request for ${target} as invalid`,
		description: 'Check the values of the fields you filled in. Videsk said: "Invalid "name"".',
	},
	'400 Bad Request naming the fields': {
		fault: {
			...feathers(400, 'BadRequest', 'Invalid "name"', {
				errors: { name: 'must be at most 500 characters' },
			}),
			times: 10,
		},
		message: (_, target) => `Videsk rejected the request for ${target} as invalid`,
		description:
			'Check these fields: name: must be at most 500 characters. Videsk said: "Invalid "name"".',
	},
	'401 jwt expired': {
		fault: { ...feathers(401, 'NotAuthenticated', 'jwt expired'), times: 10 },
		message: (_, target) => `Videsk did not accept the API token (${target})`,
		description: 'Check that the Videsk credential holds an api-token',
	},
	'403 Forbidden': {
		fault: { ...feathers(403, 'Forbidden', 'Insufficient permissions'), times: 10 },
		message: (_, target) => `Videsk refused access for ${target}`,
		description: 'Videsk said: "Insufficient permissions".',
	},
	'404 Not Found': {
		fault: { ...feathers(404, 'NotFound', 'Room not found'), times: 1 },
		message: notFound,
		description: 'Videsk said: "Room not found".',
	},
	'409 Conflict': {
		fault: { ...feathers(409, 'Conflict', 'externalId already exists'), times: 10 },
		message: (_, target) => `A room with this External ID already exists (${target})`,
		description: 'Use the "Create or Get" operation to reuse the existing room',
	},
	'429 with Retry-After, every retry': {
		fault: {
			...feathers(429, 'TooManyRequests', 'Slow down'),
			headers: { 'Retry-After': '0' },
			times: 10,
		},
		message: (_, target) => `Videsk’s rate limit was reached (${target})`,
		description: 'It asked to retry after 0 s.',
	},
	'500 General Error': {
		fault: { ...feathers(500, 'GeneralError', 'boom'), times: 10 },
		message: (_, target) => `Videsk could not process the request for ${target} (HTTP 500)`,
		description: 'Videsk said: "boom".',
	},
	'502 with an HTML page': {
		fault: { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', times: 10 },
		message: (_, target) => `Videsk could not process the request for ${target} (HTTP 502)`,
		description: 'Videsk answered: "502 Bad Gateway".',
	},
	'503 with an HTML page': {
		fault: { status: 503, body: '<html><body>Service Unavailable</body></html>', times: 10 },
		message: (_, target) => `Videsk could not process the request for ${target} (HTTP 503)`,
		description: 'Videsk answered: "Service Unavailable".',
	},
	'200 with an empty body': {
		fault: { status: 200, body: '', contentType: 'application/json', times: 10 },
		message: (_, target) => `Videsk answered 200 with an empty body (${target})`,
		description: 'The answer had no body.',
	},
	'200 with a non-JSON body': {
		fault: { status: 200, body: 'OK', contentType: 'text/plain', times: 10 },
		message: (_, target) => `Videsk answered 200 with text, not JSON (${target})`,
		description: 'Videsk answered: "OK".',
	},
	'connection reset mid-answer': {
		fault: { kind: 'reset', times: 10 },
		message: (_, target) =>
			`could not reach Videsk for ${target}: The connection to the server was closed unexpectedly, perhaps it is offline. You can retry the request immediately or wait and retry later.`,
		description: 'The connection to Videsk broke before its answer was complete.',
	},
	'no answer (timeout)': {
		fault: { kind: 'hang', times: 10 },
		message: (_, target) =>
			`could not reach Videsk for ${target}: The connection was aborted, perhaps the server is offline`,
		description: 'allow more time under "Request Options" → "Timeout" (30 s unless set)',
	},
};

const items = [{ room: 'seed-1' }, { room: 'seed-2' }, { room: 'seed-3' }];

function expectNoSecret(value: unknown) {
	expect(JSON.stringify(value)).not.toContain(sandbox().token);
}

describe.each(Object.entries(operations))('%s', (operation, { parameters, name, target }) => {
	test.each(Object.entries(faults))('%s', async (_, { fault, message, description }) => {
		const expected = `${name}: ${message(operation, target)}`;
		sandbox().seed(3);
		sandbox().fault({ match: forSecondItem, ...fault });
		// A short timeout ends the "no answer" case quickly; the others keep a margin for a busy machine.
		const options = { requestOptions: { timeout: fault.kind === 'hang' ? 300 : 10_000 } };
		const kept = await run(
			sandbox(),
			{ ...parameters, ...options },
			{ items, continueOnFail: true },
		);
		expect(kept.error).toBeUndefined();
		expect(kept.items.map((item) => item.pairedItem)).toEqual([0, 1, 2].map((item) => ({ item })));
		const [first, failed, last] = kept.items;
		expect(first.json.error).toBeUndefined();
		expect(last.json.error).toBeUndefined();
		expect(failed.json.error).toBe(expected);
		expect(failed.error?.description).toEqual(expect.stringContaining(description));
		expectNoSecret(kept.run);

		sandbox().reset();
		sandbox().seed(3);
		sandbox().fault({ match: forSecondItem, ...fault });
		const stopped = await run(sandbox(), { ...parameters, ...options }, { items });
		expect(stopped.error?.message).toBe(expected);
		expectNoSecret(stopped.run);
	});

	test('connection refused (server down)', async () => {
		const down = await runNode({
			parameters: { resource: 'room', ...parameters },
			items,
			continueOnFail: true,
			credentials: { apiToken: sandbox().token, baseUrl: 'http://127.0.0.1:9' },
		});
		expect(down.items.map((item) => item.json.error)).toEqual(
			['seed-1', 'seed-2', 'seed-3'].map(
				(room) =>
					`${name}: could not reach Videsk for ${target.replace('seed-2', room)}: The service refused the connection - perhaps it is offline`,
			),
		);
		expect(down.items[1].error?.description).toContain('Base URL');
		expectNoSecret(down.run);
	});
});

describe('retries and timeouts', () => {
	test('a 429 without Retry-After is retried with backoff and the item succeeds', async () => {
		sandbox().seed(1);
		sandbox().fault({ ...feathers(429, 'TooManyRequests', 'Slow down'), times: 2 });
		const { items: output, error } = await run(sandbox(), {
			operation: 'get',
			room: room('externalId', 'seed-1'),
		});
		expect(error).toBeUndefined();
		expect(output[0].json.externalId).toBe('seed-1');
		expect(sandbox().requests).toHaveLength(3);
	});

	test('a write is not repeated after a 5xx, as it may already have happened', async () => {
		sandbox().fault({ status: 503, body: 'busy', times: 10 });
		const { error } = await run(sandbox(), { operation: 'create', createExternalId: 'once' });
		expect(error?.message).toMatch(/could not process the request .*\(HTTP 503\)/);
		expect(sandbox().requests).toHaveLength(1);
	});

	test('a timeout the user sets is honoured, and the error says where to change it', async () => {
		// Videsk answers after 1.5 s: too late for a 0.2 s timeout, in time for the default 30 s.
		sandbox().seed(1);
		const update = {
			operation: 'update',
			room: room('externalId', 'seed-1'),
			updateFields: { name: 'x' },
		};
		sandbox().fault({ latencyMs: 1500, times: 10 });
		const { error } = await run(sandbox(), { ...update, requestOptions: { timeout: 200 } });
		expect(error?.message).toBe(
			'Update: could not reach Videsk for room "seed-1": The connection was aborted, perhaps the server is offline',
		);
		expect(error?.description).toContain('"Request Options" → "Timeout" (30 s unless set)');
		expect(sandbox().requests).toHaveLength(1); // a write is not sent again
		const { error: none } = await run(sandbox(), update);
		expect(none).toBeUndefined();
	});
});

describe('what Videsk or a gateway says is shown as it is', () => {
	const update = {
		operation: 'update',
		room: room('externalId', 'seed-1'),
		updateFields: { name: 'x' },
	};

	// Reported: Videsk's validation details showed as "[object Object]".
	test.each([
		[
			'an object of details with messages',
			{ name: { message: 'is too long', kind: 'maxlength' }, exp: 'must be a date' },
			'Check these fields: name: is too long; exp: must be a date.',
		],
		[
			'a list of details',
			[
				{ path: ['name'], message: '"name" is too long' },
				{ field: 'exp', message: 'must be in the future' },
				'something else',
			],
			'Check these fields: name: "name" is too long; exp: must be in the future; something else.',
		],
	])('400 whose validation errors come as %s: field: message', async (_, errors, described) => {
		sandbox().seed(1);
		sandbox().fault({ ...feathers(400, 'BadRequest', 'Validation failed', { errors }) });
		const { error } = await run(sandbox(), update);
		expect(error?.description).toBe(`${described} Videsk said: "Validation failed".`);
		expect(error?.description).not.toContain('[object Object]');
	});

	// Reported: a JSON error body from a gateway was reported as "no body".
	test('a gateway’s JSON body without a message is quoted, not "no body"', async () => {
		sandbox().seed(1);
		sandbox().fault({ status: 502, body: { error: 'Bad Gateway', status: 502 }, times: 10 });
		const { error } = await run(sandbox(), update);
		expect(error?.description).toContain(
			'Videsk answered: "{"error":"Bad Gateway","status":502}".',
		);
	});

	test('an answer in the wrong shape is quoted with its tokens hidden', async () => {
		sandbox().seed(1);
		const token = 'eyJhbGciOiJIUzI1NiJ9.eyJyb29tIjoieCJ9.c2lnbmF0dXJl';
		sandbox().fault({ method: 'PATCH', status: 200, body: { name: 'x', accessToken: token } });
		const { error, run: execution } = await run(sandbox(), update);
		expect(error?.message).toBe(
			'Update: Videsk answered 200 with a room without "id" (room "seed-1")',
		);
		expect(error?.description).toContain(
			'Videsk answered: "{"name":"x","accessToken":"(hidden)"}".',
		);
		expect(JSON.stringify(execution)).not.toContain(token);
	});
});
