// The fault matrix: every operation, every failure Videsk or the network can produce, on the
// middle one of three items. With Continue On Fail the middle item carries a clear error and the
// others their results, in order; without it the node stops with that error. The api-token
// never appears anywhere in what n8n recorded. Its operations are run in three files
// (faults.*.test.mts), so that vitest runs them side by side: most of their time is waiting.
import type { INodeParameters } from 'n8n-workflow';
import { describe, expect, test } from 'vitest';
import type { Fault, LoggedRequest, Sandbox } from '../../sandbox/server.mjs';
import { runNode } from '../../support/harness.mjs';
import { room, run } from '../../support/helpers.mjs';

export const SECRET_TOKEN = 'SECRET-api-token-value-7f3a';

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

export const feathers = (code: number, name: string, message: string, extra = {}) => ({
	status: code,
	body: { name, message, code, className: name.toLowerCase(), ...extra },
});

/**
 * Videsk's 404, worded per operation: on the room list or the create endpoint it means a wrong
 * Base URL; Get and Get Stats read a room that may have ended; End reads the room after it.
 */
function notFound(operation: string, target: string) {
	if (['getAll', 'create', 'createOrGet'].includes(operation)) {
		return 'Videsk did not find the room list';
	}
	if (operation === 'get') return `Videsk has no ${target}`;
	// The room is there (the 404 came for its stats only, as a lookup of the room then shows).
	if (operation === 'getStats') return `Videsk has no stats for ${target} yet`;
	// The room is open, as End's lookup after the refused change shows.
	if (operation === 'end') return `Videsk refused to end ${target} (not found), yet shows it open`;
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
		description: 'It asked to wait 0 s.',
	},
	// An HTTP date is read as one (here one past: no wait), never quoted as seconds.
	'429 with an HTTP-date Retry-After, every retry': {
		fault: {
			...feathers(429, 'TooManyRequests', 'Slow down'),
			headers: { 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' },
			times: 10,
		},
		message: (_, target) => `Videsk’s rate limit was reached (${target})`,
		description: 'It asked to wait 0 s.',
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
		message: (_, target) => `could not reach Videsk for ${target}: no answer within 0.3 seconds`,
		description: 'raise "Request Options" → "Timeout" (now 0.3 seconds)',
	},
};

export const items = [{ room: 'seed-1' }, { room: 'seed-2' }, { room: 'seed-3' }];

export function expectNoSecret(value: unknown) {
	expect(JSON.stringify(value)).not.toContain(SECRET_TOKEN);
}

/** The matrix for these operations, against the test file's sandbox. */
export function faultMatrix(sandbox: () => Sandbox, names: Array<keyof typeof operations>) {
	const chosen = names.map((name) => [name, operations[name]] as const);
	describe.each(chosen)('%s', (operation, { parameters, name, target }) => {
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
			expect(kept.items.map((item) => item.pairedItem)).toEqual(
				[0, 1, 2].map((item) => ({ item })),
			);
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
}
