// The fault matrix (fault-matrix.mts) for the changes to a room; retries, timeouts, and what
// Videsk or a gateway says.
import { describe, expect, test } from 'vitest';
import { room, run, useSandbox } from '../../support/helpers.mjs';
import { useVirtualClock } from '../../support/clock.mjs';
import { faultMatrix, feathers, SECRET_TOKEN } from './fault-matrix.mjs';

useVirtualClock();
const sandbox = useSandbox({ token: SECRET_TOKEN });

faultMatrix(sandbox, ['update', 'end', 'getJoinToken']);

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
			'Update: could not reach Videsk for room "seed-1": no answer within 0.2 seconds',
		);
		// The advice quotes the Timeout the item had.
		expect(error?.description).toContain('raise "Request Options" → "Timeout" (now 0.2 seconds)');
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
