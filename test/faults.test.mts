// The fault matrix: every operation, every failure Videsk or the network can produce, on the
// middle one of three items. With Continue On Fail the middle item carries a clear error and the
// others their results, in order; without it the node stops with that error. The api-token
// never appears anywhere in what n8n recorded.
import type { INodeParameters } from 'n8n-workflow';
import { describe, expect, test } from 'vitest';
import { runNode } from './harness.mjs';
import { room, run, useSandbox } from './helpers.mjs';
import type { Fault, LoggedRequest } from './sandbox/server.mjs';

const sandbox = useSandbox({ token: 'SECRET-api-token-value-7f3a' });

const byItem = room('externalId', '={{ $json.room }}');
const operations: Record<string, { parameters: INodeParameters; target: string }> = {
	create: {
		parameters: { operation: 'create', externalId: '={{ $json.room }}-new' },
		target: 'room with External ID "seed-2-new"',
	},
	createOrGet: {
		parameters: { operation: 'createOrGet', externalId: '={{ $json.room }}-new' },
		target: 'room with External ID "seed-2-new"',
	},
	get: { parameters: { operation: 'get', room: byItem }, target: 'room "seed-2"' },
	getAll: {
		parameters: {
			operation: 'getAll',
			returnAll: true,
			filters: { externalId: '={{ $json.room }}' },
		},
		target: 'the room list',
	},
	update: {
		parameters: { operation: 'update', room: byItem, updateFields: { name: 'Renamed' } },
		target: 'room "seed-2"',
	},
	end: { parameters: { operation: 'end', room: byItem }, target: 'room "seed-2"' },
	delete: { parameters: { operation: 'delete', room: byItem }, target: 'room "seed-2"' },
	getJoinToken: {
		parameters: { operation: 'getJoinToken', room: byItem },
		target: 'room "seed-2"',
	},
};

/** Requests made for the middle item, whichever operation. */
const forSecondItem = (request: LoggedRequest) =>
	request.path.startsWith('/vpaas/rooms/seed-2') ||
	request.body?.externalId === 'seed-2-new' ||
	request.query.externalId === 'seed-2';

const feathers = (code: number, name: string, message: string) => ({
	status: code,
	body: { name, message, code, className: name.toLowerCase() },
});

// Faults that persist (times: 10) outlast the node's retries; the rest happen once.
const faults: Record<string, { fault: Fault; said: RegExp }> = {
	'400 Bad Request': {
		fault: { ...feathers(400, 'BadRequest', 'Invalid "name"'), times: 10 },
		said: /rejected the request for .* as invalid/,
	},
	'401 jwt expired': {
		fault: { ...feathers(401, 'NotAuthenticated', 'jwt expired'), times: 10 },
		said: /did not accept the API token/,
	},
	'403 Forbidden': {
		fault: { ...feathers(403, 'Forbidden', 'Insufficient permissions'), times: 10 },
		said: /refused access|does not allow deleting/,
	},
	'404 Not Found': {
		fault: { ...feathers(404, 'NotFound', 'Room not found'), times: 1 },
		said: /has no room|found no open room|did not find the room list/,
	},
	'409 Conflict': {
		fault: { ...feathers(409, 'Conflict', 'externalId already exists'), times: 10 },
		said: /already exists|has no room|found no open room/,
	},
	'429 with Retry-After, every retry': {
		fault: {
			...feathers(429, 'TooManyRequests', 'Slow down'),
			headers: { 'Retry-After': '0' },
			times: 10,
		},
		said: /rate limit was reached/,
	},
	'500 General Error': {
		fault: { ...feathers(500, 'GeneralError', 'boom'), times: 10 },
		said: /could not process the request .*\(HTTP 500\)/,
	},
	'502 with an HTML page': {
		fault: { status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>', times: 10 },
		said: /could not process the request .*\(HTTP 502\)/,
	},
	'503 with an HTML page': {
		fault: { status: 503, body: '<html><body>Service Unavailable</body></html>', times: 10 },
		said: /could not process the request .*\(HTTP 503\)/,
	},
	'200 with an empty body': {
		fault: { status: 200, body: '', contentType: 'application/json', times: 10 },
		said: /unexpected answer/,
	},
	'200 with a non-JSON body': {
		fault: { status: 200, body: 'OK', contentType: 'text/plain', times: 10 },
		said: /unexpected answer/,
	},
	'connection reset mid-answer': {
		fault: { kind: 'reset', times: 10 },
		said: /could not reach Videsk .*closed unexpectedly/,
	},
	'no answer (timeout)': {
		fault: { kind: 'hang', times: 10 },
		said: /could not reach Videsk .*aborted/,
	},
};

const items = [{ room: 'seed-1' }, { room: 'seed-2' }, { room: 'seed-3' }];

function expectNoSecret(value: unknown) {
	expect(JSON.stringify(value)).not.toContain(sandbox().token);
}

describe.each(Object.entries(operations))('%s', (name, { parameters, target }) => {
	test.each(Object.entries(faults))('%s', async (_, { fault, said }) => {
		sandbox().seed(3);
		sandbox().fault({ match: forSecondItem, ...fault });
		const options = { requestOptions: { timeout: 300 } };
		const kept = await run(
			sandbox(),
			{ ...parameters, ...options },
			{ items, continueOnFail: true },
		);
		expect(kept.error).toBeUndefined();
		expect(kept.items.map((item) => item.pairedItem)).toEqual(
			name === 'getAll'
				? [{ item: 0 }, { item: 1 }, { item: 2 }]
				: [0, 1, 2].map((item) => ({ item })),
		);
		const [first, failed, last] = kept.items;
		// Delete never succeeds: Videsk refuses it for every room.
		const othersError =
			name === 'delete' ? expect.stringMatching(/does not allow deleting/) : undefined;
		expect(first.json.error).toEqual(othersError);
		expect(last.json.error).toEqual(othersError);
		expect(failed.json.error).toMatch(said);
		expect(failed.json.error).toMatch(
			new RegExp(`^[^:]+: .*${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
		);
		expect(String(failed.error?.description)).toMatch(/\S/);
		expectNoSecret(kept.run);

		sandbox().reset();
		sandbox().seed(3);
		sandbox().fault({ match: forSecondItem, ...fault });
		const stopped = await run(sandbox(), { ...parameters, ...options }, { items });
		// The first failing item stops the node: for Delete, that is the first item.
		expect(stopped.error?.message).toMatch(name === 'delete' ? /does not allow deleting/ : said);
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
			Array(3).fill(expect.stringMatching(/could not reach Videsk .*refused the connection/)),
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
		const { error } = await run(sandbox(), { operation: 'create', externalId: 'once' });
		expect(error?.message).toMatch(/could not process the request .*\(HTTP 503\)/);
		expect(sandbox().requests).toHaveLength(1);
	});

	test('a timeout the user sets is honoured, and the error says where to change it', async () => {
		sandbox().seed(1);
		sandbox().fault({ kind: 'hang', times: 10 });
		const started = Date.now();
		const { error } = await run(sandbox(), {
			operation: 'update',
			room: room('externalId', 'seed-1'),
			updateFields: { name: 'x' },
			requestOptions: { timeout: 200 },
		});
		expect(error?.description).toContain('"Request Options" → "Timeout" (30 s unless set)');
		expect(Date.now() - started).toBeLessThan(5_000);
	});
});
