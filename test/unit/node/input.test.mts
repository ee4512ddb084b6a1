// Bad input is rejected before any request, naming the field; dates and room IDs reach Videsk
// exactly as meant; one failing item never loses the others.
import type { INodeParameters } from 'n8n-workflow';
import { describe, expect, test } from 'vitest';
import { inHours, room, run, useSandbox } from '../../support/helpers.mjs';

const sandbox = useSandbox();
const nextYear = new Date().getUTCFullYear() + 1;

describe('dates are sent as UTC ISO 8601, whatever the timezone', () => {
	test.each([
		// [workflow timezone, start as entered, expected UTC]
		['America/New_York', `${nextYear}-01-15T09:00:00`, `${nextYear}-01-15T14:00:00.000Z`],
		['America/New_York', `${nextYear}-07-15T09:00:00`, `${nextYear}-07-15T13:00:00.000Z`],
		['Asia/Kolkata', `${nextYear}-01-15T09:00:00`, `${nextYear}-01-15T03:30:00.000Z`],
		['Europe/Madrid', `${nextYear}-08-01T10:00:00`, `${nextYear}-08-01T08:00:00.000Z`],
		['UTC', `${nextYear}-01-15 09:00`, `${nextYear}-01-15T09:00:00.000Z`],
		['Asia/Tokyo', `${nextYear}-01-15T09:00:00+02:00`, `${nextYear}-01-15T07:00:00.000Z`],
		['America/Los_Angeles', `${nextYear}-01-15T09:00:00.250Z`, `${nextYear}-01-15T09:00:00.250Z`],
	])('%s: %s → %s', async (timezone, entered, utc) => {
		const exp = new Date(Date.parse(utc) + 3_600_000).toISOString();
		const { error } = await run(
			sandbox(),
			{ operation: 'create', additionalFields: { nbf: entered, exp } },
			{ timezone },
		);
		expect(error).toBeUndefined();
		expect(sandbox().requests[0].body).toMatchObject({ nbf: utc, exp });
	});

	test('a Luxon DateTime from an expression is converted too', async () => {
		await run(sandbox(), {
			operation: 'create',
			additionalFields: { exp: '={{ $now.plus({ hours: 2 }) }}' },
		});
		const sent = sandbox().requests[0].body.exp;
		expect(sent).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
		expect(Math.abs(Date.parse(sent) - Date.now() - 2 * 3_600_000)).toBeLessThan(60_000);
	});
});

describe('dates are parsed strictly', () => {
	// Reported: Start 2027-02-30T10:00:00 created a room starting on 2 March.
	test.each([
		[`${nextYear}-02-30T10:00:00`, `${nextYear}-02 has no day 30`],
		[`${nextYear}-13-01T10:00:00`, 'there is no month 13'],
		[`${nextYear}-01-01T25:00:00`, 'there is no hour 25 (00 to 23)'],
	])('Start %s is refused: %s', async (nbf, reason) => {
		const { error } = await run(sandbox(), {
			operation: 'create',
			additionalFields: { nbf, exp: inHours(2) },
		});
		expect(error?.message).toBe(`Start: "${nbf}" is not a date-time (${reason})`);
		expect(error?.description).toBe(
			`Pick it with the date picker, or give a value such as ${nextYear}-05-01T09:30:00 (read in America/New_York, the workflow’s timezone). In an expression, a date such as {{ $now.plus({ days: 1 }) }} works; nothing was sent to Videsk.`,
		);
		expect(sandbox().requests).toHaveLength(0);
	});

	test('a wall time in a DST gap is the instant one gap later; in an overlap, the first one', async () => {
		// Europe/Madrid, 2030: clocks go 02:00 → 03:00 on 31 March and 03:00 → 02:00 on 27 October.
		for (const updateFields of [{ nbf: '2030-03-31T02:30:00' }, { exp: '2030-10-27T02:30:00' }]) {
			await run(
				sandbox(),
				{ operation: 'update', room: room('externalId', 'r'), updateFields },
				{ timezone: 'Europe/Madrid' },
			);
		}
		expect(sandbox().requests.map((r) => r.body)).toEqual([
			{ nbf: '2030-03-31T01:30:00.000Z' }, // 03:30 CEST
			{ exp: '2030-10-27T00:30:00.000Z' }, // the first 02:30, still CEST
		]);
	});
});

describe('Update’s lifetime rule is Videsk’s when the room’s start is unknown', () => {
	// Reported: a room starting in 4 days, Expires At 2 hours after its start, was refused:
	// "the room would last 98 hours" (counted from now, not from the room's start).
	test('a room that starts in 4 days: Expires At 2 hours after its start is sent, and Videsk accepts it', async () => {
		const start = Date.now() + 96 * 3_600_000;
		sandbox().seed(1, () => ({
			externalId: 'later',
			nbf: new Date(start).toISOString(),
			exp: new Date(start + 3_600_000).toISOString(),
		}));
		const exp = new Date(start + 2 * 3_600_000).toISOString();
		const { items, error } = await run(sandbox(), {
			operation: 'update',
			room: room('externalId', 'later'),
			updateFields: { exp },
		});
		expect(error).toBeUndefined();
		expect(items[0].json.exp).toBe(exp);
	});

	test('found by a property (shrunk): a room starting in 72 h 1 min, Expires At 1 min after its start', async () => {
		const start = Date.now() + (72 * 60 + 1) * 60_000;
		sandbox().seed(1, () => ({
			externalId: 'node-0',
			nbf: new Date(start).toISOString(),
			exp: new Date(start + 3 * 3_600_000).toISOString(),
		}));
		const { error } = await run(sandbox(), {
			operation: 'update',
			room: room('externalId', 'node-0'),
			updateFields: { exp: new Date(start + 60_000).toISOString() },
		});
		expect(error).toBeUndefined();
	});

	test('with Start set too, the node checks the lifetime itself', async () => {
		const { error } = await run(sandbox(), {
			operation: 'update',
			room: room('externalId', 'any'),
			updateFields: { nbf: inHours(1), exp: inHours(74) },
		});
		expect(error?.message).toBe(
			'Expires At: the room would last 73 hours, 1 hour more than the 72 hours Videsk allows',
		);
		expect(sandbox().requests).toHaveLength(0);
	});
});

describe('rejected before any request, naming the field', () => {
	test.each<[string, INodeParameters, RegExp]>([
		[
			'Name',
			{ operation: 'create', name: 'n'.repeat(501) },
			/^Name: 501 characters, Videsk allows at most 500$/,
		],
		[
			'External ID',
			{ operation: 'create', createExternalId: 'e'.repeat(101) },
			/^External ID: 101 characters/,
		],
		[
			'Expires At in the past',
			{ operation: 'create', additionalFields: { exp: inHours(-1) } },
			/^Expires At: .* is not in the future$/,
		],
		[
			'Start after Expires At',
			{ operation: 'create', additionalFields: { nbf: inHours(3), exp: inHours(2) } },
			/^Expires At: .* must be after Start /,
		],
		[
			'lifetime over 72 h',
			{ operation: 'create', additionalFields: { nbf: inHours(1), exp: inHours(74) } },
			/^Expires At: the room would last 73 hours, 1 hour more than the 72 hours Videsk allows$/,
		],
		[
			'lifetime over 72 h from now (no Start)',
			{ operation: 'create', additionalFields: { exp: inHours(74) } },
			/^Expires At: the room would last 74 hours from now, 2 hours more than the 72 hours Videsk allows$/,
		],
		[
			'an invalid date',
			{ operation: 'create', additionalFields: { exp: 'next tuesday' } },
			/^Expires At: "next tuesday" is not a date-time/,
		],
		[
			'a number as a date',
			{ operation: 'create', additionalFields: { exp: '={{ 1700000000 }}' } },
			/^Expires At: 1700000000 is not a date-time/,
		],
		[
			'settings that do not parse',
			{ operation: 'create', additionalFields: { otherSettings: '{"a":' } },
			/^Other Settings \(JSON\): not valid JSON/,
		],
		[
			'settings that are not an object',
			{ operation: 'create', additionalFields: { otherSettings: '[1, 2]' } },
			/^Other Settings \(JSON\): must be a JSON object/,
		],
		// Typed in, these two are stopped by n8n's own parameter checks; from an expression, by ours.
		[
			'a malformed ID chosen By ID',
			{ operation: 'get', room: room('id', '={{ "not-an-object-id" }}') },
			/^Room: "not-an-object-id" is not a room ID/,
		],
		[
			'an empty room',
			{ operation: 'get', room: room('externalId', '={{ "" }}') },
			/^Room: no room was given/,
		],
		[
			'a whitespace room',
			{ operation: 'getJoinToken', room: room('externalId', '   ') },
			/^Room: no room was given/,
		],
		[
			'a null room from an expression',
			{ operation: 'end', room: room('externalId', '={{ null }}') },
			/^Room: no room was given/,
		],
		[
			'an External ID of 101 characters',
			{ operation: 'get', room: room('externalId', 'x'.repeat(101)) },
			/^Room: an External ID has at most 100 characters$/,
		],
	])('%s', async (_, parameters, message) => {
		const { error } = await run(sandbox(), parameters);
		expect(error?.message).toMatch(message);
		expect(error?.description).toContain('nothing was sent to Videsk');
		expect(sandbox().requests).toHaveLength(0);
	});

	test('the limits themselves are accepted: name of 500, External ID of 100, 72 hours', async () => {
		const start = Date.now() + 3_600_000;
		const { error } = await run(sandbox(), {
			operation: 'create',
			name: 'n'.repeat(500),
			createExternalId: 'e'.repeat(100),
			additionalFields: {
				nbf: new Date(start).toISOString(),
				exp: new Date(start + 72 * 3_600_000).toISOString(),
			},
		});
		expect(error).toBeUndefined();
		expect(sandbox().rooms()).toHaveLength(1);
	});

	test('expressions that resolve to numbers become text; null from an expression is refused', async () => {
		await run(sandbox(), { operation: 'create', createExternalId: '={{ 12345 }}' });
		expect(sandbox().requests[0].body).toEqual({ externalId: '12345' });
		await run(sandbox(), { operation: 'get', room: room('externalId', '={{ 12345 }}') });
		expect(sandbox().requests[1].path).toBe('/vpaas/rooms/12345');
		const { error } = await run(sandbox(), { operation: 'create', name: '={{ null }}' });
		expect(error?.message).toBe('Name: the expression gave null');
		expect(error?.description).toContain('clear the field');
		expect(sandbox().requests).toHaveLength(2);
	});
});

describe('an External ID reaches its own room, whatever characters it holds', () => {
	// A Feathers 5 server does not decode the path's room segment (feathersjs/feathers#2563): an
	// External ID that URL encoding changes is found through the list's filter (a query value,
	// which every server decodes), and its room addressed by its ID; any other goes in the path.
	test.each([
		'a/b',
		'x?y',
		'../join',
		'a#b',
		'100%',
		'réunion 会议',
		'abc@google.com',
		// Found by a property on the Feathers sandbox (shrunk): Feathers 5's router answers a path
		// segment named after a property of Object.prototype with a 500.
		'toString',
		' padded ',
		'...',
		'%2e',
		'a\u2028b',
	])('%j reaches its own room, on the right endpoint', async (given) => {
		const externalId = given.trim();
		const created = await run(sandbox(), { operation: 'create', createExternalId: given });
		const id = created.items[0].json.id as string;
		const byPath =
			encodeURIComponent(externalId) === externalId && !(externalId in Object.prototype);
		for (const [operation, method, suffix] of [
			['get', 'GET', ''],
			['getJoinToken', 'POST', '/join'],
			['end', 'PATCH', ''],
		] as const) {
			sandbox().requests.length = 0;
			const { items, error } = await run(sandbox(), {
				operation,
				room: room('externalId', given),
			});
			expect(error).toBeUndefined();
			const requests = sandbox().requests;
			if (byPath) {
				expect(requests.map((r) => `${r.method} ${r.rawPath}`)).toEqual([
					`${method} /vpaas/rooms/${externalId}${suffix}`,
				]);
			} else {
				expect(requests[0]).toMatchObject({
					method: 'GET',
					path: '/vpaas/rooms',
					query: { externalId },
				});
				// Get has the room from the list; the others address it by its ID.
				if (operation !== 'get') {
					expect(requests.at(-1)).toMatchObject({ method, rawPath: `/vpaas/rooms/${id}${suffix}` });
				}
			}
			if (operation !== 'getJoinToken') expect(items[0].json.id).toBe(id);
		}
	});
});

describe('what could reach another address is refused before any request', () => {
	// Reported: End with "." sent PATCH /vpaas/rooms/ (Feathers' "patch many", aimed at every
	// room), and Get with ".." sent GET /vpaas/. HTTP clients resolve dot segments, encoded or not.
	test.each([
		['end', '.'],
		['get', '..'],
		['update', ' .. '],
		['getJoinToken', '.'],
		['getStats', '..'],
	])('%s with the External ID %j', async (operation, value) => {
		const { error } = await run(sandbox(), {
			operation,
			room: room('externalId', value),
			updateFields: { name: 'x' },
		});
		expect(error?.message).toBe(
			`Room: "${value.trim()}" cannot identify a room: in a URL it means "this folder" or "the folder above", so the request would reach another address. Use another External ID`,
		);
		expect(sandbox().requests).toHaveLength(0);
	});

	test('Create refuses the External IDs a room could never be reached by again', async () => {
		for (const externalId of ['.', '..', 'a\uD800b']) {
			const { error } = await run(sandbox(), { operation: 'create', createExternalId: externalId });
			expect(error?.message).toMatch(
				/^External ID: ".*" (cannot identify a room|contains an incomplete Unicode character)/,
			);
		}
		expect(sandbox().requests).toHaveLength(0);
	});

	test('a value that is not text (an object from an expression) is refused, not sent as [object Object]', async () => {
		const { error } = await run(sandbox(), {
			operation: 'get',
			room: room('externalId', '={{ { id: "x" } }}'),
		});
		expect(error?.message).toBe('Room: {"id":"x"} is not text');
		expect(sandbox().requests).toHaveLength(0);
	});
});

describe('By External ID never reaches a room by its ID', () => {
	test('an External ID of 24 hex characters that is another room’s ID finds the room that has it as External ID', async () => {
		sandbox().seed(1);
		const [other] = sandbox().rooms();
		sandbox().seed(1, () => ({ externalId: other.id, name: 'The one asked for' }));
		const { items } = await run(sandbox(), {
			operation: 'get',
			room: room('externalId', other.id),
		});
		expect(items[0].json).toMatchObject({ externalId: other.id, name: 'The one asked for' });
		// The list gave the room: nothing more is asked.
		expect(sandbox().requests.map((r) => `${r.method} ${r.rawPath}?${r.rawQuery}`)).toEqual([
			`GET /vpaas/rooms?externalId=${other.id}&%24limit=100`,
		]);
	});

	test('and when no room has it as External ID, says so without touching the room whose ID it is', async () => {
		sandbox().seed(1);
		const [other] = sandbox().rooms();
		const { error } = await run(sandbox(), {
			operation: 'end',
			room: room('externalId', other.id),
		});
		expect(error?.message).toBe(`End: Videsk has no room with External ID "${other.id}"`);
		expect(sandbox().rooms()[0].ended).toBe(false);
		expect(sandbox().requests.map((r) => r.method)).toEqual(['GET']);
	});
});

describe('Continue On Fail', () => {
	test('each failing item carries its error, the others their results, in order and paired', async () => {
		sandbox().seed(2);
		const { items, error } = await run(
			sandbox(),
			{ operation: 'get', room: room('externalId', '={{ $json.room }}') },
			{
				continueOnFail: true,
				items: [{ room: 'seed-1' }, { room: '' }, { room: 'missing' }, { room: 'seed-2' }],
			},
		);
		expect(error).toBeUndefined();
		expect(items.map((item) => item.json.externalId ?? item.json.error)).toEqual([
			'seed-1',
			'Room: no room was given. Choose one from the list, or enter its ID or External ID',
			'Get: Videsk has no room "missing"',
			'seed-2',
		]);
		expect(items.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	});

	test('without it, the first failure stops the node and names the item', async () => {
		sandbox().seed(1);
		const { error } = await run(
			sandbox(),
			{ operation: 'get', room: room('externalId', '={{ $json.room }}') },
			{ items: [{ room: 'seed-1' }, { room: 'missing' }] },
		);
		expect(error?.message).toBe('Get: Videsk has no room "missing"');
		expect((error as any).context.itemIndex).toBe(1);
	});
});

describe('a date error quotes each time in one timezone, named: the workflow’s', () => {
	// Reported: after a local-time entry, the error quoted only the UTC instant; then it quoted UTC
	// values under the workflow's timezone's name ("in America/New_York: …Z").
	test('a wall time in the past: in the workflow’s timezone, with its offset and name', async () => {
		const { error } = await run(
			sandbox(),
			{ operation: 'create', additionalFields: { exp: '2020-01-15T10:00:00' } },
			{ timezone: 'Europe/Madrid' },
		);
		expect(error?.message).toBe(
			'Expires At: 2020-01-15T10:00:00+01:00 (Europe/Madrid) is not in the future',
		);
	});

	// Reported: Expires At before Start told the user to fix Start.
	test('values with other offsets: both in the workflow’s timezone; Expires At is the field to fix', async () => {
		const { error } = await run(
			sandbox(),
			{
				operation: 'create',
				additionalFields: { nbf: '2030-01-15T12:00:00+02:00', exp: '2030-01-15T09:00:00Z' },
			},
			{ timezone: 'Europe/Madrid' },
		);
		expect(error?.message).toBe(
			'Expires At: 2030-01-15T10:00:00+01:00 (Europe/Madrid) must be after Start 2030-01-15T11:00:00+01:00 (Europe/Madrid)',
		);
		expect(error?.description).toBe(
			'Fix the "Expires At" field of this item; nothing was sent to Videsk.',
		);
	});

	test('a date from an expression that is not one: a working expression and the date picker under it', async () => {
		const { error } = await run(
			sandbox(),
			{ operation: 'create', additionalFields: { nbf: '={{ $json.start }}' } },
			{ items: [{ start: 'next Tuesday' }] },
		);
		expect(error?.message).toBe('Start: "next Tuesday" is not a date-time');
		expect(error?.description).toMatch(/date picker.*\{\{ \$now\.plus\(\{ days: 1 \}\) \}\}/);
	});
});
