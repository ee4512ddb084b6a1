// The room fields Create, Create or Get and Update send, with generated values, through n8n's
// routing engine against the sandbox: dates reach the wire as the same instant in UTC, the
// node refuses a lifetime only when Videsk (the sandbox's rules) would, and an External ID is
// sent only if the room can be addressed by it afterwards.
// Each property run is ONE n8n execution whose input items are a batch of generated cases.
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';
import { describe, expect } from 'vitest';
import { room, run, useSandbox } from '../support/helpers.mjs';
import {
	batch,
	expectedExternalId,
	expectedRoom,
	expressionValue,
	fc,
	numRuns,
	test,
	timeZone,
	PROPERTY_TIMEOUT_MS,
} from '../support/properties.mjs';

const sandbox = useSandbox();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The output item of each input item, in order (one each for these operations). */
function byItem(items: INodeExecutionData[]) {
	return items.map((item, index) => {
		expect(item.pairedItem).toEqual({ item: index });
		return { json: item.json, error: item.json.error as string | undefined };
	});
}

describe('dates reach the wire as the same instant, in UTC', () => {
	const calendars = new Map<string, Intl.DateTimeFormat>();
	/** A wall time as "YYYY-MM-DDTHH:MM:SS" in a zone, and its instants (0–2, by brute force). */
	function wallText(utcMs: number, zone: string) {
		let calendar = calendars.get(zone);
		if (!calendar) {
			calendar = new Intl.DateTimeFormat('sv-SE', {
				timeZone: zone,
				year: 'numeric',
				month: '2-digit',
				day: '2-digit',
				hour: '2-digit',
				minute: '2-digit',
				second: '2-digit',
				hourCycle: 'h23',
			});
			calendars.set(zone, calendar);
		}
		return calendar.format(utcMs).replace(' ', 'T');
	}
	function firstInstantOf(text: string, zone: string) {
		const wallMs = Date.parse(`${text}Z`);
		for (let earlier = wallMs - 26 * HOUR; earlier <= wallMs + 26 * HOUR; earlier += MINUTE) {
			if (wallText(earlier, zone) === text) return earlier;
		}
		throw new Error(`no instant has the wall time ${text} in ${zone}`);
	}

	/** How a case writes an instant: as a wall time in the workflow's zone, or with an offset. */
	const form = fc.constantFrom('wall', 'wall-space', 'wall-minutes', 'Z', 'offset');
	const impossible = fc.constantFrom(
		['2027-02-30T10:00:00', 'has no day 30'],
		['2027-13-01T10:00:00', 'there is no month 13'],
		['2027-01-01T25:00:00', 'there is no hour 25'],
		['2027-04-31 09:00', 'has no day 31'],
		['2027-01-01T10:00:00+24:00', 'there is no UTC offset'],
	);
	const aCase = fc.record({
		startInMinutes: fc.integer({ min: 5, max: 48 * 60 }),
		lifetimeMinutes: fc.integer({ min: 1, max: 72 * 60 }),
		startForm: form,
		expiryForm: form,
		offsetMinutes: fc.integer({ min: -14 * 60, max: 14 * 60 }),
		broken: fc.option(fc.tuple(fc.constantFrom('nbf', 'exp'), impossible), { freq: 4 }),
	});

	test.prop([timeZone, batch(aCase, 20)], { numRuns: numRuns(10) })(
		'wall times in the workflow’s timezone and instants with offsets; impossible ones refused',
		async (zone, cases) => {
			const now = Date.now();
			const items = cases.map((aCase, index) => {
				const start = now + aCase.startInMinutes * MINUTE;
				const instants = { nbf: start, exp: start + aCase.lifetimeMinutes * MINUTE };
				const texts: Record<string, string> = {};
				const expected: Record<string, string> = {};
				for (const field of ['nbf', 'exp'] as const) {
					const instant = instants[field] - (instants[field] % 1000);
					const way = field === 'nbf' ? aCase.startForm : aCase.expiryForm;
					if (way === 'Z') {
						texts[field] = new Date(instant).toISOString();
						expected[field] = texts[field];
					} else if (way === 'offset') {
						const shifted = new Date(instant + aCase.offsetMinutes * MINUTE).toISOString();
						const sign = aCase.offsetMinutes < 0 ? '-' : '+';
						const minutes = Math.abs(aCase.offsetMinutes);
						const offset = `${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
						texts[field] = `${shifted.slice(0, 19)}${offset}`;
						expected[field] = new Date(instant).toISOString();
					} else {
						let text = wallText(instant, zone);
						if (way === 'wall-minutes') text = text.slice(0, 16);
						texts[field] = way === 'wall-space' ? text.replace('T', ' ') : text;
						const seconds = text.length === 16 ? `${text}:00` : text;
						expected[field] = new Date(firstInstantOf(seconds, zone)).toISOString();
					}
				}
				if (aCase.broken) texts[aCase.broken[0]] = aCase.broken[1][0];
				return { name: `case-${index}`, ...texts, expected };
			});
			const { items: output, error } = await run(
				sandbox(),
				{
					operation: 'create',
					name: '={{ $json.name }}',
					additionalFields: { nbf: '={{ $json.nbf }}', exp: '={{ $json.exp }}' },
				},
				{ items, timezone: zone, continueOnFail: true },
			);
			expect(error).toBeUndefined();
			const sent = new Map(sandbox().requests.map((request) => [request.body.name, request.body]));
			byItem(output).forEach(({ json, error: failure }, index) => {
				const { broken } = cases[index];
				if (broken) {
					const label = broken[0] === 'nbf' ? 'Start' : 'Expires At';
					expect(failure).toMatch(
						new RegExp(`^${label}: ".*" is not a date-time \\(.*${broken[1][1]}`),
					);
					expect(sent.has(`case-${index}`)).toBe(false);
					return;
				}
				const { expected } = items[index];
				// A wall time in an overlap is the earlier instant: the lifetime can then leave 0–72 h.
				const lifetime = Date.parse(expected.exp) - Date.parse(expected.nbf);
				if (lifetime <= 0 || lifetime > 72 * HOUR) {
					expect(failure).toMatch(
						lifetime <= 0
							? /^Expires At: .* must be after Start /
							: /^Expires At: the room would last/,
					);
					return;
				}
				expect(failure).toBeUndefined();
				expect(sent.get(`case-${index}`)).toMatchObject({ nbf: expected.nbf, exp: expected.exp });
				expect(json).toMatchObject({ nbf: expected.nbf, exp: expected.exp });
			});
		},
		PROPERTY_TIMEOUT_MS,
	);
});

describe('the node refuses a lifetime only when Videsk would (the sandbox is the reference)', () => {
	/** Minutes from now, often on the rules' edges: now, 72 hours apart, equal. */
	const minutes = fc.oneof(
		fc.integer({ min: -80 * 60, max: 150 * 60 }),
		fc.constantFrom(-1, 1, 72 * 60 - 1, 72 * 60, 72 * 60 + 1, 3 * 60, 69 * 60),
	);
	const expiry = fc.oneof(
		minutes.map((fromNow) => ({ fromNow })),
		fc
			.oneof(fc.integer({ min: -120, max: 80 * 60 }), fc.constantFrom(0, 72 * 60, 72 * 60 + 1))
			.map((afterStart) => ({ afterStart })),
	);
	const change = fc.record({ nbf: fc.option(minutes), exp: fc.option(expiry) });

	/** The case's instants; undefined when it falls on "now" (the node and Videsk read the clock apart). */
	function instants(now: number, { nbf, exp }: { nbf: number | null; exp: any }) {
		const start = nbf === null ? undefined : now + nbf * MINUTE;
		if (exp === null) return { nbf: start };
		const end =
			'fromNow' in exp ? now + exp.fromNow * MINUTE : (start ?? now) + exp.afterStart * MINUTE;
		return end === now ? undefined : { nbf: start, exp: end };
	}
	const iso = (ms: number | undefined) =>
		ms === undefined ? undefined : new Date(ms).toISOString();

	/**
	 * Runs `items` as the node's input, one execution per set of times given: a time not given is
	 * left out of the collection (an expression that gives nothing is an error, not "not set").
	 * Resolves with each item's error (undefined when it succeeded), in the items' order.
	 */
	async function errorsByTimesGiven(
		items: Array<{ nbf?: string; exp?: string } & IDataObject>,
		parameters: (times: INodeParameters) => INodeParameters,
	): Promise<Array<string | undefined>> {
		const errors: Array<string | undefined> = [];
		const groups = new Map<string, number[]>();
		items.forEach((item, index) => {
			const key = ['nbf', 'exp'].filter((field) => item[field] !== undefined).join(',');
			groups.set(key, [...(groups.get(key) ?? []), index]);
		});
		for (const [key, indexes] of groups) {
			const times = Object.fromEntries(
				key
					.split(',')
					.filter(Boolean)
					.map((field) => [field, `={{ $json.${field} }}`]),
			);
			const { items: output } = await run(sandbox(), parameters(times), {
				items: indexes.map((index) => items[index]),
				continueOnFail: true,
			});
			byItem(output).forEach(({ error }, position) => (errors[indexes[position]] = error));
		}
		return errors;
	}

	async function reference(method: string, path: string, body: object) {
		const response = await fetch(sandbox().url + path, {
			method,
			headers: { Authorization: `Bearer ${sandbox().token}`, 'Content-Type': 'application/json' },
			body: JSON.stringify(body),
		});
		return response.status < 300;
	}

	test.prop([batch(change, 25)], { numRuns: numRuns(12) })(
		'Create: generated Start and Expires At',
		async (changes) => {
			const now = Date.now();
			const cases = changes.map((aChange) => instants(now, aChange)).filter((c) => c !== undefined);
			const items = cases.map((c, index) => ({
				externalId: `node-${index}`,
				nbf: iso(c.nbf),
				exp: iso(c.exp),
			}));
			const accepted = await Promise.all(
				items.map(({ nbf, exp }, index) =>
					reference('POST', '/vpaas/rooms', { externalId: `reference-${index}`, nbf, exp }),
				),
			);
			const errors = await errorsByTimesGiven(items, (additionalFields) => ({
				operation: 'create',
				createExternalId: '={{ $json.externalId }}',
				additionalFields,
			}));
			const posted = new Set(sandbox().requests.map((request) => request.body?.externalId));
			errors.forEach((error, index) => {
				expect({ ...items[index], accepted: error === undefined, error }).toMatchObject({
					accepted: accepted[index],
				});
				// Refused before the request only with a message naming the field.
				if (!posted.has(`node-${index}`)) expect(error).toMatch(/^(Start|Expires At): /);
			});
		},
		PROPERTY_TIMEOUT_MS,
	);

	test.prop([batch(fc.record({ room: change, update: change }), 25)], { numRuns: numRuns(12) })(
		'Update: a room with a generated start and expiry, then generated changes',
		async (pairs) => {
			const now = Date.now();
			const cases = pairs.flatMap(({ room: initial, update }) => {
				const before = instants(now, {
					nbf: initial.nbf ?? 0,
					exp: initial.exp ?? { afterStart: 180 },
				});
				const after = instants(now, update);
				const valid =
					before?.exp !== undefined &&
					before.nbf! < before.exp &&
					before.exp - before.nbf! <= 72 * HOUR &&
					after !== undefined &&
					(after.nbf !== undefined || after.exp !== undefined);
				return valid ? [{ before: before as { nbf: number; exp: number }, after }] : [];
			});
			fc.pre(cases.length > 0);
			for (const prefix of ['node', 'reference']) {
				sandbox().seed(cases.length, (index) => ({
					externalId: `${prefix}-${index}`,
					nbf: iso(cases[index].before.nbf),
					exp: iso(cases[index].before.exp),
					createdAt: Math.min(cases[index].before.nbf, now) - MINUTE,
				}));
			}
			const changes = cases.map(({ after }) => ({ nbf: iso(after.nbf), exp: iso(after.exp) }));
			const accepted = await Promise.all(
				changes.map((body, index) => reference('PATCH', `/vpaas/rooms/reference-${index}`, body)),
			);
			const errors = await errorsByTimesGiven(
				changes.map((change, index) => ({ ...change, room: `node-${index}` })),
				(updateFields) => ({
					operation: 'update',
					room: room('externalId', '={{ $json.room }}'),
					updateFields,
				}),
			);
			const patched = new Set(sandbox().requests.map((request) => request.path));
			errors.forEach((error, index) => {
				expect({
					room: { nbf: iso(cases[index].before.nbf), exp: iso(cases[index].before.exp) },
					...changes[index],
					accepted: error === undefined,
					error,
				}).toMatchObject({ accepted: accepted[index] });
				if (!patched.has(`/vpaas/rooms/node-${index}`)) {
					expect(error).toMatch(/^(Start|Expires At): /);
				}
			});
		},
		PROPERTY_TIMEOUT_MS,
	);
});

describe('Create and Create or Get send an External ID only if the room can be found by it again', () => {
	/** Cases whose External IDs differ, so that none is refused only for being a duplicate. */
	const distinctCases = (size: number) =>
		fc.uniqueArray(expressionValue, {
			minLength: size,
			maxLength: size,
			selector: (value) => {
				const expected = expectedExternalId(value);
				return 'sent' in expected ? expected.sent : {};
			},
		});

	test.prop([distinctCases(50)], { numRuns: numRuns(10) })(
		'Create: each room is then found By External ID',
		async (values) => {
			const items = values.map((externalId) => ({ externalId }));
			const created = await run(
				sandbox(),
				{ operation: 'create', createExternalId: '={{ $json.externalId }}' },
				{ items, continueOnFail: true },
			);
			const posts = sandbox().requests.filter((request) => request.method === 'POST');
			const rooms = byItem(created.items);
			const reachable: Array<{ externalId: string; id: string }> = [];
			values.forEach((value, index) => {
				const expected = expectedExternalId(value);
				if ('refused' in expected) {
					expect(rooms[index].error).toMatch(expected.refused);
					return;
				}
				expect(rooms[index].error).toBeUndefined();
				expect(rooms[index].json.externalId).toBe(expected.sent);
				reachable.push({ externalId: expected.sent, id: rooms[index].json.id as string });
			});
			expect(posts.map((post) => post.body.externalId).sort()).toEqual(
				values
					.map((value) => expectedExternalId(value))
					.flatMap((expected) => ('sent' in expected ? [expected.sent] : []))
					.sort(),
			);
			const found = await run(
				sandbox(),
				{ operation: 'get', room: room('externalId', '={{ $json.externalId }}') },
				{ items: reachable, continueOnFail: true },
			);
			expect(byItem(found.items).map(({ json }) => json.id)).toEqual(reachable.map(({ id }) => id));
		},
		PROPERTY_TIMEOUT_MS,
	);

	test.prop([distinctCases(30)], { numRuns: numRuns(17) })(
		'Create or Get, run twice: created, then the same room found through its External ID',
		async (values) => {
			const parameters = { operation: 'createOrGet', externalId: '={{ $json.externalId }}' };
			const items = values.map((externalId) => ({ externalId }));
			const first = byItem(
				(await run(sandbox(), parameters, { items, continueOnFail: true })).items,
			);
			const sentBefore = sandbox().requests.length;
			const second = byItem(
				(await run(sandbox(), parameters, { items, continueOnFail: true })).items,
			);
			const lookups = sandbox()
				.requests.slice(sentBefore)
				.filter((request) => request.method === 'GET');
			const expectedLookups: string[] = [];
			values.forEach((value, index) => {
				const expected = expectedExternalId(value, { required: true });
				if ('refused' in expected) {
					expect(first[index].error).toMatch(expected.refused);
					expect(second[index].error).toMatch(expected.refused);
					return;
				}
				expect(first[index].json).toMatchObject({ externalId: expected.sent, created: true });
				expect(second[index].json).toMatchObject({
					id: first[index].json.id,
					externalId: expected.sent,
					created: false,
				});
				// The lookup: the room's path, or for 24 hex characters (which could be another
				// room's ID) or a text URL encoding changes (a server may not decode the path) the
				// list filtered on externalId.
				expectedLookups.push(
					'lookup' in expectedRoom('externalId', expected.sent)
						? `/vpaas/rooms?externalId=${expected.sent}`
						: `/vpaas/rooms/${expected.sent}`,
				);
			});
			expect(
				lookups
					.map((request) =>
						request.rawPath === '/vpaas/rooms'
							? `/vpaas/rooms?externalId=${String(request.query.externalId)}`
							: request.rawPath,
					)
					.sort(),
			).toEqual(expectedLookups.sort());
		},
		PROPERTY_TIMEOUT_MS,
	);
});
