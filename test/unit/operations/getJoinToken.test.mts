// Get Join Token through n8n's routing engine against the sandbox: success and the errors Videsk
// documents for it.
import { describe, expect, test } from 'vitest';
import { room, run, useSandbox } from '../../support/helpers.mjs';

const sandbox = useSandbox();

describe('Get Join Token', () => {
	test('issues one token per input item (participant), paired with its item', async () => {
		sandbox().seed(1);
		const participants = [
			{ email: 'ana@example.com' },
			{ email: 'bo@example.com' },
			{ email: 'cy@example.com' },
		];
		const { items } = await run(
			sandbox(),
			{ operation: 'getJoinToken', room: room('externalId', 'seed-1') },
			{ items: participants },
		);
		expect(items).toHaveLength(3);
		expect(new Set(items.map((item) => item.json.accessToken)).size).toBe(3);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
		// n8n sends no body for an empty JSON object; the docs call the body optional.
		expect(sandbox().requests.map((r) => `${r.method} ${r.path}`)).toEqual(
			Array(3).fill('POST /vpaas/rooms/seed-1/join'),
		);
		expect(sandbox().rooms()[0].authorizations).toHaveLength(4);
	});

	test('each token comes with the room as the Room field gave it: its ID, or its External ID', async () => {
		sandbox().seed(1, () => ({ externalId: 'standup-7' }));
		const { id } = sandbox().rooms()[0];
		const byId = await run(sandbox(), { operation: 'getJoinToken', room: room('id', id) });
		expect(byId.items[0].json).toEqual({ roomId: id, accessToken: expect.any(String) });
		const byExternalId = await run(sandbox(), {
			operation: 'getJoinToken',
			room: room('externalId', 'standup-7'),
		});
		expect(byExternalId.items[0].json).toEqual({
			externalId: 'standup-7',
			accessToken: expect.any(String),
		});
	});

	test('an External ID of 24 hexadecimal characters (looked up in the list) is given back too', async () => {
		const externalId = 'abcdef0123456789abcdef01';
		sandbox().seed(1, () => ({ externalId }));
		const { items } = await run(sandbox(), {
			operation: 'getJoinToken',
			room: room('externalId', externalId),
		});
		expect(items[0].json).toEqual({ externalId, accessToken: expect.any(String) });
	});
});

describe('Get Join Token: the label and the answer', () => {
	// Reported: Participant Label from an object became "[object Object]".
	test('a label that is not text (an object from an expression) is refused, before any request', async () => {
		sandbox().seed(1);
		const { error } = await run(sandbox(), {
			operation: 'getJoinToken',
			room: room('externalId', 'seed-1'),
			participant: '={{ { email: "ana@example.com" } }}',
		});
		expect(error?.message).toBe('Participant Label: {"email":"ana@example.com"} is not text');
		expect(sandbox().requests).toHaveLength(0);
	});

	// Reported: a join answered {} gave a label without a token.
	test('an answer without accessToken is an error saying so, not a label without a token', async () => {
		sandbox().seed(1);
		sandbox().fault({ method: 'POST', status: 200, body: {} });
		const { items, error } = await run(sandbox(), {
			operation: 'getJoinToken',
			room: room('externalId', 'seed-1'),
			participant: 'ana@example.com',
		});
		expect(items).toHaveLength(0);
		expect(error?.message).toBe(
			'Get Join Token: Videsk answered 200 with an answer without "accessToken" (room "seed-1")',
		);
	});
});
