import { useVirtualClock } from '../../support/clock.mjs';
// The trigger's failures, through n8n-core's polling path: the node's error table (what failed,
// what to do, Videsk's own words, never the token), a failed poll that changes nothing, and a
// test run (Fetch Test Event) that finds nothing and says how to get a sample.
import type { INodeParameters } from 'n8n-workflow';
import { describe, expect, test } from 'vitest';
import { createPoller } from '../../support/harness.mjs';
import { useSandbox } from '../../support/helpers.mjs';
import { startSandbox, type Fault } from '../../sandbox/server.mjs';

const TOKEN = 'SECRET-trigger-token-51c2';
const clock = useVirtualClock();
const sandbox = useSandbox({ token: TOKEN });

function poller(parameters: INodeParameters, baseUrl = sandbox().url) {
	return createPoller({ parameters, credentials: { apiToken: TOKEN, baseUrl } });
}

type PollError = Error & { description?: string; httpCode?: string | null };

async function failure(poll: Promise<unknown>): Promise<PollError> {
	const error = (await poll.then(
		() => undefined,
		(thrown: unknown) => thrown,
	)) as PollError | undefined;
	expect(error, 'the poll should have failed').toBeInstanceOf(Error);
	expect(JSON.stringify({ ...error, message: error!.message })).not.toContain(TOKEN);
	return error!;
}

const feathers = (status: number, name: string, message: string): Fault => ({
	status,
	body: { name, message, code: status, className: name.toLowerCase() },
});

describe.each(['roomCreated', 'roomEnded'])('%s: a failing list request', (event) => {
	const label = event === 'roomCreated' ? 'Room Created' : 'Room Ended';
	const cases: Array<[string, Fault, RegExp, RegExp]> = [
		[
			'401 jwt expired',
			feathers(401, 'NotAuthenticated', 'jwt expired'),
			/did not accept the API token \(the room list\)/,
			/api-token .* this n8n machine’s address is one of them\. Videsk said: "jwt expired"/,
		],
		[
			'404 (wrong Base URL)',
			feathers(404, 'NotFound', 'Page not found'),
			/Videsk did not find the room list/,
			/Check the Base URL/,
		],
		[
			'429 after the retries',
			// The first answer and the 3 retries.
			{
				...feathers(429, 'TooManyRequests', 'Slow down'),
				headers: { 'Retry-After': '0' },
				times: 4,
			},
			/rate limit was reached \(the room list\)/,
			/It asked to wait 0 s/,
		],
		[
			'503 with a proxy’s HTML page',
			// The first answer and the 3 retries of a read.
			{ status: 503, body: '<html><h1>Service Unavailable</h1></html>', times: 4 },
			/Videsk could not process the request for the room list \(HTTP 503\)/,
			/Videsk answered: "Service Unavailable"/,
		],
		[
			'200 with an HTML page instead of JSON',
			{ status: 200, body: '<html><body>Checking your browser…</body></html>' },
			/Videsk answered 200 with text, not JSON \(the room list\)/,
			/A proxy or a server change may be in the way.*Checking your browser/,
		],
	];
	test.each(cases)(
		'%s: the node’s error; the state stays, the next poll catches up',
		async (_, fault, message, description) => {
			sandbox().seed(3);
			const trigger = await poller({ event });
			await trigger.poll();
			const state = JSON.stringify(trigger.staticData());
			sandbox().seed(1, () => ({ externalId: 'after-the-failure', createdAt: clock.now() }));
			sandbox().end('seed-1');
			sandbox().fault(fault);
			const error = await failure(trigger.poll());
			expect(error.message).toMatch(new RegExp(`^${label}: `));
			expect(error.message).toMatch(message);
			expect(error.description).toMatch(description);
			expect(JSON.stringify(trigger.staticData())).toBe(state);
			const caughtUp = event === 'roomCreated' ? 'after-the-failure' : 'seed-1';
			expect((await trigger.poll()).map((room) => room.externalId)).toEqual([caughtUp]);
		},
	);

	test('a 429 is waited out (Retry-After) and the poll succeeds', async () => {
		const trigger = await poller({ event });
		await trigger.poll();
		sandbox().seed(1, () => ({ externalId: 'new', createdAt: clock.now() }));
		if (event === 'roomEnded') sandbox().end('new');
		sandbox().fault({
			...feathers(429, 'TooManyRequests', 'Slow down'),
			headers: { 'Retry-After': '0' },
			times: 3,
		});
		expect((await trigger.poll()).map((room) => room.externalId)).toEqual(['new']);
	});

	test('found in review: a 429 asking for longer than the Timeout (Retry-After: 120) fails the poll at once', async () => {
		// Videsk asks that the token send nothing for 120 s: everything using it at that address
		// honours it (see docs/pacing.md), so this test has a sandbox of its own.
		const own = await startSandbox({ token: TOKEN });
		try {
			const trigger = await poller({ event }, own.url);
			await trigger.poll();
			const before = own.requests.length;
			own.fault({
				...feathers(429, 'TooManyRequests', 'Slow down'),
				headers: { 'Retry-After': '120' },
			});
			const error = await failure(trigger.poll());
			expect(error.message).toMatch(new RegExp(`^${label}: Videsk’s rate limit was reached`));
			expect(error.description).toMatch(
				/Videsk asked to wait 2 minutes before retrying, longer than the 30 seconds this request may wait\. No window of a rate limit lasts that long: until then nothing is sent with this token, but one request after 60 s checks whether the wait still holds\. Each poll has 5 minutes \(n8n’s budget\); the next poll tries again\.$/,
			);
			// The next poll, at once: nothing is sent, the poll fails saying why.
			const next = await failure(trigger.poll());
			expect(next.message).toBe(
				`${label}: Videsk’s rate limit leaves no turn for the room list within the Timeout`,
			);
			expect(own.requests.length).toBe(before + 1);
		} finally {
			await own.close();
		}
	});

	test('no answer at all: the connection is refused', async () => {
		const trigger = await poller({ event }, 'http://127.0.0.1:9');
		const error = await failure(trigger.poll());
		expect(error.message).toBe(
			`${label}: could not reach Videsk for the room list: The service refused the connection - perhaps it is offline`,
		);
		expect(error.description).toMatch(
			/^Nothing answered there \(connection refused\)\. Check its host and port/,
		);
	});
});

describe('Room Ended: a lookup that fails', () => {
	test('does not fail the poll nor hold back the other ends; it is tried again', async () => {
		// Two rooms from long before the window, then one now: the old ones are looked up when
		// they leave the open list.
		sandbox().seed(2, (index) => ({
			externalId: `old-${index + 1}`,
			createdAt: clock.now() - 3_600_000 + index,
		}));
		sandbox().seed(1, () => ({ externalId: 'recent', createdAt: clock.now() }));
		const trigger = await poller({ event: 'roomEnded' });
		await trigger.poll();
		sandbox().end('old-1');
		sandbox().end('old-2');
		const old1 = sandbox()
			.rooms()
			.find((room) => room.externalId === 'old-1')!;
		// The lookup and its 3 retries (a read is retried after a 502).
		sandbox().fault({ path: `/vpaas/rooms/${old1.id}`, status: 502, body: '', times: 4 });
		expect((await trigger.poll()).map((room) => room.externalId)).toEqual(['old-2']);
		expect(trigger.staticData().lookups).toEqual([[old1.id, 1]]);
		expect((await trigger.poll()).map((room) => room.externalId)).toEqual(['old-1']);
		expect(await trigger.poll()).toEqual([]);
	});
});

describe('a test run (Fetch Test Event) that finds nothing shows an example room, not an error', () => {
	const cases: Array<[INodeParameters, string]> = [
		[
			{ event: 'roomCreated' },
			'Room Created: Videsk has no room yet, so this is an example of what the trigger emits, not a real room. Create a room (with the Videsk Rooms node’s Create operation, or in your application), then click "Fetch Test Event" again.',
		],
		[
			{ event: 'roomCreated', options: { externalIdPrefix: 'crm-' } },
			'Room Created: none of the 100 newest rooms has an External ID starting with "crm-", so this is an example of what the trigger emits, not a real room. Create a room with such an External ID (with the Videsk Rooms node’s Create operation, or in your application) or change "Options" → "External ID Prefix", then click "Fetch Test Event" again.',
		],
		[
			{ event: 'roomEnded' },
			'Room Ended: no room has ended yet, so this is an example of what the trigger emits, not a real room. End a room (with the Videsk Rooms node’s End operation, or in your application), then click "Fetch Test Event" again. A room that has only expired does not count: it ends when marked as ended.',
		],
		[
			{ event: 'roomEnded', options: { externalIdPrefix: 'crm-' } },
			'Room Ended: none of the 100 newest ended rooms has an External ID starting with "crm-", so this is an example of what the trigger emits, not a real room. End a room with such an External ID (with the Videsk Rooms node’s End operation, or in your application) or change "Options" → "External ID Prefix", then click "Fetch Test Event" again. A room that has only expired does not count: it ends when marked as ended.',
		],
	];
	test.each(cases)('%o', async (parameters, example) => {
		// Open rooms, none matching "crm-"; none at all for the first case.
		if (parameters.event === 'roomEnded' || parameters.options) sandbox().seed(3);
		const trigger = await poller(parameters);
		const prefix = (parameters.options as { externalIdPrefix?: string } | undefined)
			?.externalIdPrefix;
		// The Output option's Simplified fields (its default), of a room no account has.
		expect(await trigger.poll('manual')).toEqual([
			{
				example,
				event: parameters.event,
				eventAt: expect.any(String),
				id: '000000000000000000000000',
				externalId: `${prefix ?? ''}example`,
				name: 'Example room',
				nbf: '2024-08-14T15:00:00.000Z',
				exp: '2024-08-14T18:00:00.000Z',
				ended: parameters.event === 'roomEnded',
				start: expect.any(String),
				expiresAt: expect.any(String),
			},
		]);
		expect(trigger.staticData()).toEqual({});
	});
});
