// The parameter contract over the node's whole surface, derived from its own description: every
// parameter of every operation, as n8n loads the node (including the sub-options of its
// collections and fixed collections), is fed generated values of every JSON type, typed in and
// from an expression, through n8n's routing engine against the sandbox. Each value is either
// refused before any request, with an error that starts with the field's name, or reaches the
// wire (the request's body, query or path, or the item's output) as exactly the typed value the
// field's rule says. A parameter the rule table below does not know fails the test, and so does
// a rule for a parameter the node no longer has: a field added later is covered, or the test
// says it is not.
//
// Not generated: n8n's own parameters (Resource and Operation, which take no expressions, and
// the Request Options n8n adds to every declarative node, which n8n reads itself, except Timeout,
// which the node reads too); dates outside
// the window where a new room can have them (the clock's rules have their own properties in
// room-fields.property.test.mts), and a room's other state (ended, existing) except where a
// parameter is about it.
import type {
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeTypeDescription,
} from 'n8n-workflow';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, describe, expect, test as example } from 'vitest';
import { loadPackage, PACKAGE_DIR } from '../support/harness.mjs';
import { room, run, useSandbox } from '../support/helpers.mjs';
import {
	characters,
	expectedRoom,
	fc,
	hex24,
	numRuns,
	PROPERTY_TIMEOUT_MS,
	requestSignature,
	roomText,
	test,
} from '../support/properties.mjs';
import { startSandbox, VARIANTS, type LoggedRequest } from '../sandbox/server.mjs';

const sandbox = useSandbox();
const MINUTE = 60_000;

// ---------------------------------------------------------------------------------------------
// The surface: every parameter of every operation, from the node type n8n loads.

const loaded = (await loadPackage()).getNode('videskRooms').type
	.description as INodeTypeDescription;
/** The node's own description, before n8n adds its options for declarative nodes. */
const { VideskRooms } = createRequire(import.meta.url)(
	path.join(PACKAGE_DIR, 'dist/nodes/VideskRooms/VideskRooms.node.js'),
) as { VideskRooms: new () => { description: INodeTypeDescription } };
const ownNames = new Set(new VideskRooms().description.properties.map((property) => property.name));

interface Parameter {
	operation: string;
	/** Its path in the node's parameters, e.g. `additionalFields.nbf`. */
	path: string;
	property: INodeProperties;
	/** Other parameters it is shown for (displayOptions), e.g. `{ returnAll: false }`. */
	shownWhen: IDataObject;
	/** Whether n8n added it (Request Options), not the node. */
	n8ns: boolean;
}

const operations = (
	loaded.properties.find((p) => p.name === 'operation')!.options as INodePropertyOptions[]
).map((option) => String(option.value));

function shownFor(property: INodeProperties, operation: string): IDataObject | undefined {
	const show = property.displayOptions?.show ?? {};
	if (show.resource && !show.resource.includes('room')) return undefined;
	if (show.operation && !show.operation.includes(operation)) return undefined;
	const { resource: _resource, operation: _operation, ...others } = show;
	return Object.fromEntries(Object.entries(others).map(([name, values]) => [name, values![0]]));
}

function leaves(properties: INodeProperties[], prefix: string): Array<[string, INodeProperties]> {
	return properties.flatMap((property): Array<[string, INodeProperties]> => {
		const at = `${prefix}${property.name}`;
		if (property.type === 'collection') {
			return leaves(property.options as INodeProperties[], `${at}.`);
		}
		if (property.type === 'fixedCollection') {
			return (property.options as INodePropertyCollection[]).flatMap((group) =>
				leaves(group.values, `${at}.${group.name}.`),
			);
		}
		return [[at, property]];
	});
}

const surface: Parameter[] = operations.flatMap((operation) =>
	loaded.properties.flatMap((top) => {
		const shownWhen = shownFor(top, operation);
		if (shownWhen === undefined) return [];
		return leaves([top], '').map(([at, property]) => ({
			operation,
			path: at,
			property,
			shownWhen,
			n8ns: !ownNames.has(top.name),
		}));
	}),
);

// ---------------------------------------------------------------------------------------------
// The rules, restated from the docs and the node's README: what each value must become.

type Form = 'typed' | 'expression';
/** What a value must give: refused (naming the field), or this on the wire (undefined: not set). */
type Expected = { refused: true } | { sent: unknown };
const REFUSED: Expected = { refused: true };
const sent = (value: unknown): Expected => ({ sent: value });

/** A Luxon DateTime, made by n8n from the item: `$now.plus({ minutes })`. */
interface LuxonCase {
	luxonMinutes: number;
}
const isLuxonCase = (value: unknown): value is LuxonCase =>
	typeof value === 'object' && value !== null && 'luxonMinutes' in value;

const isEmpty = (value: unknown) =>
	value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
const isFiniteNumber = (value: unknown): value is number =>
	typeof value === 'number' && Number.isFinite(value);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text, trimmed, at most `max` characters; in a URL (`url`), no lone UTF-16 surrogate; as a
 * room's address (`reference`), not "." or "..".
 */
function textRule(
	{ max, url = false, reference = false } = {} as {
		max?: number;
		url?: boolean;
		reference?: boolean;
	},
) {
	return (value: unknown): Expected => {
		if (typeof value !== 'string' && !isFiniteNumber(value)) return REFUSED;
		const text = String(value).trim();
		if (max !== undefined && characters(text) > max) return REFUSED;
		if (reference && (text === '.' || text === '..')) return REFUSED;
		if ((url || reference) && LONE_SURROGATE.test(text)) return REFUSED;
		return sent(text);
	};
}

function wholeNumberRule(min: number) {
	return (value: unknown): Expected => {
		const number =
			typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value;
		return typeof number === 'number' && Number.isSafeInteger(number) && number >= min
			? sent(number)
			: REFUSED;
	};
}

function booleanRule(value: unknown): Expected {
	if (typeof value === 'boolean') return sent(value);
	const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
	return text === 'true' || text === 'false' ? sent(text === 'true') : REFUSED;
}

/** The generated date texts: ISO 8601 with Z, with an offset, or a wall time (the workflow is in UTC). */
const DATE_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?(Z|[+-]\d{2}:\d{2})?$/;
function dateRule(value: unknown): Expected {
	if (isLuxonCase(value)) return sent(value);
	if (typeof value !== 'string' || !DATE_TEXT.test(value.trim())) return REFUSED;
	const text = value.trim();
	const utc = /(Z|[+-]\d{2}:\d{2})$/.test(text) ? text : `${text}Z`;
	return sent(new Date(Date.parse(utc)).toISOString());
}

function optionRule(property: INodeProperties) {
	const values = (property.options as INodePropertyOptions[]).map((option) => option.value);
	return (value: unknown): Expected => {
		const text = typeof value === 'string' ? value.trim() : value;
		const chosen = values.find((choice) => choice === text || String(choice) === text);
		return chosen === undefined ? REFUSED : sent(chosen);
	};
}

function multiOptionRule(property: INodeProperties) {
	const values = (property.options as INodePropertyOptions[]).map((option) => option.value);
	return (value: unknown): Expected =>
		Array.isArray(value) && value.every((choice) => values.includes(choice))
			? sent([...new Set(value)])
			: REFUSED;
}

const hasOperatorKey = (value: unknown): boolean =>
	typeof value === 'object' &&
	value !== null &&
	Object.entries(value).some(([key, inner]) => key.startsWith('$') || hasOperatorKey(inner));

/** Other Settings: a JSON object without "$" keys; its documented keys by their own rules. */
function settingsRule(value: unknown): Expected {
	let object = value;
	if (typeof value === 'string') {
		try {
			object = JSON.parse(value);
		} catch {
			return REFUSED;
		}
	}
	if (typeof object !== 'object' || object === null || Array.isArray(object)) return REFUSED;
	if (hasOperatorKey(object)) return REFUSED;
	const settings = { ...(object as IDataObject) };
	for (const [key, rule] of [
		['maxParticipants', wholeNumberRule(1)],
		['recordingEnabled', booleanRule],
	] as const) {
		if (!(key in settings)) continue;
		const expected = rule(settings[key]);
		if ('refused' in expected) return REFUSED;
		settings[key] = expected.sent as IDataObject[string];
	}
	return sent(Object.keys(settings).length > 0 ? JSON.parse(JSON.stringify(settings)) : undefined);
}

/**
 * An empty value: "not set" only when typed into an optional top-level field. A Luxon DateTime
 * is a date-time, not text, a number or an object of the user's.
 */
function withEmptiness(parameter: Parameter, rule: (value: unknown) => Expected) {
	return (value: unknown, form: Form): Expected => {
		if (isLuxonCase(value)) return rule === dateRule ? rule(value) : REFUSED;
		if (!isEmpty(value)) return rule(value);
		const added = parameter.path.includes('.');
		if (parameter.property.required || added || form === 'expression') return REFUSED;
		return sent(undefined);
	};
}

// Where a value shows on the wire, for the check.

interface Outcome {
	requests: LoggedRequest[];
	items: INodeExecutionData[];
}

const write = ({ requests }: Outcome) =>
	requests.find((request) => request.method === 'POST' || request.method === 'PATCH');
const firstList = ({ requests }: Outcome) =>
	requests.find((request) => request.rawPath === '/vpaas/rooms' && request.method === 'GET');

function bodyAt(key: string) {
	return (outcome: Outcome) => {
		let value: unknown = write(outcome)?.body;
		for (const part of key.split('.')) value = (value as IDataObject | undefined)?.[part];
		return value;
	};
}

const OUTCOME_FIELDS = ['created', 'updated', 'alreadyEnded'];

interface Rule {
	/** The value's type and rule; undefined for n8n's parameters and notices (nothing to type). */
	expected?: (value: unknown, form: Form) => Expected;
	/** Values the field's own type can hold, beside every other JSON type. */
	own?: fc.Arbitrary<unknown>;
	/** What reached the wire for the field (compared with what `expected` sent). */
	wire?: (outcome: Outcome, operation: string) => unknown;
	/** The wire's value for a value that is sent (defaults to itself). */
	onWire?: (sentValue: unknown, operation: string) => unknown;
	/** The sandbox before the run, where the field is about a room's state. */
	prepare?: () => void;
}

const dateCase = (minMinutes: number, maxMinutes: number) =>
	fc.oneof(
		fc.integer({ min: minMinutes, max: maxMinutes }).map((luxonMinutes) => ({ luxonMinutes })),
		fc
			.tuple(
				fc.integer({ min: minMinutes, max: maxMinutes }),
				fc.constantFrom('Z', '+02:00', '-05:30', ''),
			)
			.map(([minutes, offset]) => {
				const instant = Math.floor((Date.now() + minutes * MINUTE) / 1000) * 1000;
				const shift =
					offset === '' || offset === 'Z'
						? 0
						: (offset.startsWith('-') ? -1 : 1) *
							(Number(offset.slice(1, 3)) * 60 + Number(offset.slice(4))) *
							MINUTE;
				return `${new Date(instant + shift).toISOString().slice(0, 19)}${offset}`;
			}),
	);

function ruleFor(parameter: Parameter): Rule {
	const { path: at, property } = parameter;
	const expect = (rule: (value: unknown) => Expected) => withEmptiness(parameter, rule);
	const choices = () =>
		fc.constantFrom(...(property.options as INodePropertyOptions[]).map((o) => o.value));
	const table: Record<string, () => Rule> = {
		createExternalId: () => ({
			expected: expect(textRule({ max: 100, reference: true })),
			own: roomText,
			wire: bodyAt('externalId'),
		}),
		externalId: () => ({
			expected: expect(textRule({ max: 100, reference: true })),
			own: roomText,
			// The room is created with it (the POST), or first looked up by it.
			wire: (outcome) =>
				bodyAt('externalId')(outcome) ??
				requestSignature(outcome.requests[0]).replace(/^(GET|LIST) /, ''),
		}),
		name: () => ({ expected: expect(textRule({ max: 500 })), wire: bodyAt('name') }),
		'additionalFields.nbf': () => ({
			expected: expect(dateRule),
			own: dateCase(5, 150),
			wire: bodyAt('nbf'),
		}),
		'additionalFields.exp': () => ({
			expected: expect(dateRule),
			own: dateCase(20, 48 * 60),
			wire: bodyAt('exp'),
		}),
		'additionalFields.maxParticipants': () => ({
			expected: expect(wholeNumberRule(1)),
			own: fc.integer({ min: -3, max: 500 }),
			wire: bodyAt('settings.maxParticipants'),
		}),
		'additionalFields.recordingEnabled': () => ({
			expected: expect(booleanRule),
			own: fc.boolean(),
			wire: bodyAt('settings.recordingEnabled'),
		}),
		'additionalFields.otherSettings': () => ({
			// n8n loads a JSON field saved as null with its default ("{}"): nothing to send.
			expected: (value, form) =>
				form === 'typed' && value === null ? sent(undefined) : expect(settingsRule)(value, form),
			own: fc.oneof(
				settingsObject,
				settingsObject.map((object) => JSON.stringify(object)),
				fc.constantFrom('{"a":', '[1, 2]', 'null', '"text"'),
			),
			wire: bodyAt('settings'),
		}),
		output: () => ({
			expected: expect(optionRule(property)),
			own: choices(),
			// Raw keeps everything (the sandbox's rooms carry authorizations); Selected Fields with
			// none selected keeps the ID; Simplified the rest.
			wire: ({ items }) => {
				const keys = Object.keys(items[0]?.json ?? {}).filter(
					(key) => !OUTCOME_FIELDS.includes(key),
				);
				if (keys.includes('authorizations')) return 'raw';
				return keys.length === 1 && keys[0] === 'id' ? 'fields' : 'simple';
			},
			onWire: (value) => value ?? 'simple',
		}),
		fields: () => ({
			expected: expect(multiOptionRule(property)),
			own: fc.subarray((property.options as INodePropertyOptions[]).map((o) => o.value)),
			wire: ({ items }) =>
				Object.keys(items[0]?.json ?? {})
					.filter((key) => key !== 'id' && !OUTCOME_FIELDS.includes(key))
					.sort(),
			// The selected fields the room has: no settings, and an access token only from Create
			// (Create or Get and Create or Update never pass one on: a rerun has none).
			onWire: (value, operation) =>
				((value as string[] | undefined) ?? [])
					.filter((field) => field !== 'settings')
					.filter((field) => field !== 'accessToken' || operation === 'create')
					.sort(),
		}),
		room: () => ({
			expected: (value) => {
				const { mode, value: text } = value as {
					mode: 'list' | 'id' | 'externalId';
					value: unknown;
				};
				// n8n turns a DateTime inside a parameter's object (the Room's) into its ISO text.
				if (isLuxonCase(text)) return mode === 'externalId' ? sent(text) : REFUSED;
				const outcome = expectedRoom(mode, text);
				if ('refused' in outcome) return REFUSED;
				return sent('segment' in outcome ? outcome.segment : outcome.lookup);
			},
			// The one path segment it is sent as (decoded), or the list's filter it is looked up in
			// (which of the two: room-path.property.test.mts).
			wire: ({ requests }) => {
				const signature = requestSignature(requests[0]); // throws for any other path
				if (signature.startsWith('LIST ')) return signature.slice('LIST '.length);
				return decodeURIComponent(/^\/vpaas\/rooms\/([^/]+)/.exec(requests[0].rawPath)![1]);
			},
		}),
		'options.alreadyEndedIsSuccess': () => ({
			expected: expect(booleanRule),
			own: fc.boolean(),
			prepare: () => sandbox().end('seed-1'),
			// An ended room: returned marked alreadyEnded, or the item fails saying so.
			wire: ({ items }) =>
				items[0].json.alreadyEnded === true
					? true
					: /has already ended$/.test(String(items[0].json.error))
						? false
						: items[0].json,
		}),
		participant: () => ({
			expected: expect(textRule()),
			wire: ({ items }) => items[0].json.participant,
		}),
		returnAll: () => ({
			expected: expect(booleanRule),
			own: fc.boolean(),
			// Return All asks for whole pages; without it, for the default Limit (50).
			wire: (outcome) => firstList(outcome)?.query.$limit,
			onWire: (value) => (value === true ? '100' : '50'),
		}),
		limit: () => ({
			expected: expect(wholeNumberRule(1)),
			own: fc.integer({ min: -3, max: 300 }),
			wire: (outcome) => firstList(outcome)?.query.$limit,
			onWire: (value) => String(Math.min(100, (value as number | undefined) ?? 50)),
		}),
		'filters.status': () => ({
			expected: expect(optionRule(property)),
			own: choices(),
			wire: (outcome) => firstList(outcome)?.query.ended,
			onWire: (value) => String(value === 'ended'),
		}),
		'filters.externalId': () => ({
			expected: expect(textRule({ max: 100, url: true })),
			own: roomText,
			wire: (outcome) => firstList(outcome)?.query.externalId,
		}),
		'sort.value.field': () => ({
			expected: expect(optionRule(property)),
			own: choices(),
			wire: (outcome) => Object.keys(firstList(outcome)?.query.$sort ?? {})[0],
		}),
		'sort.value.direction': () => ({
			expected: expect(optionRule(property)),
			own: choices(),
			wire: (outcome) => (firstList(outcome)?.query.$sort as IDataObject | undefined)?.createdAt,
			onWire: (value) => String(value),
		}),
		view: () => ({
			expected: expect(optionRule(property)),
			own: choices(),
			wire: ({ requests }) => requests[0]?.query.view,
			onWire: (value) => value ?? 'report',
		}),
		'updateFields.name': () => ({
			expected: expect(textRule({ max: 500 })),
			wire: bodyAt('name'),
		}),
		'updateFields.nbf': () => ({
			expected: expect(dateRule),
			own: dateCase(5, 150),
			wire: bodyAt('nbf'),
		}),
		'updateFields.exp': () => ({
			expected: expect(dateRule),
			own: dateCase(20, 48 * 60),
			wire: bodyAt('exp'),
		}),
		// Off is Videsk's default: only "on" is sent.
		'updateFields.ended': () => ({
			expected: expect(booleanRule),
			own: fc.boolean(),
			wire: bodyAt('ended'),
			onWire: (value) => (value === true ? true : undefined),
		}),
		'updateFields.generateToken': () => ({
			expected: expect(booleanRule),
			own: fc.boolean(),
			wire: bodyAt('generateToken'),
			onWire: (value) => (value === true ? true : undefined),
		}),
		// Milliseconds, up to what Node's timers hold. Not on the wire: a request went with it
		// (reached the sandbox, or was given up waiting for, under a Timeout of a millisecond or so).
		'requestOptions.timeout': () => ({
			expected: expect((value) => {
				const ms = wholeNumberRule(1)(value);
				return 'sent' in ms && (ms.sent as number) > 2 ** 31 - 1 ? REFUSED : ms;
			}),
			own: fc.oneof(
				fc.integer({ min: -3, max: 60_000 }),
				fc.constantFrom(2 ** 31 - 1, 2 ** 31, 0.5, 1500.5),
			),
			wire: ({ requests, items }) =>
				requests.length > 0 || /could not reach Videsk/.test(String(items[0]?.json.error)),
			onWire: () => true,
		}),
	};
	// n8n's: Resource and Operation (no expressions), Request Options but Timeout, and the AI
	// tool's Description, which n8n reads to describe the tool to an agent (shown only as a tool).
	if (
		(parameter.n8ns && !(at in table)) ||
		at === 'resource' ||
		at === 'operation' ||
		isToolOnly(property)
	)
		return {};
	if (property.type === 'notice') return {};
	const rule = table[at];
	if (!rule) throw new Error(`no rule for the parameter "${at}" (${parameter.operation})`);
	return rule();
}

const isToolOnly = (property: INodeProperties) =>
	property.displayOptions?.show?.['@tool']?.[0] === true;

/** The paths the table above has a rule for, to check it against the surface both ways. */
const RULE_PATHS = [
	'createExternalId',
	'externalId',
	'name',
	'additionalFields.nbf',
	'additionalFields.exp',
	'additionalFields.maxParticipants',
	'additionalFields.recordingEnabled',
	'additionalFields.otherSettings',
	'output',
	'fields',
	'room',
	'options.alreadyEndedIsSuccess',
	'participant',
	'returnAll',
	'limit',
	'filters.status',
	'filters.externalId',
	'sort.value.field',
	'sort.value.direction',
	'view',
	'updateFields.name',
	'updateFields.nbf',
	'updateFields.exp',
	'updateFields.ended',
	'updateFields.generateToken',
	'requestOptions.timeout',
];

// ---------------------------------------------------------------------------------------------
// Values of every JSON type, and how a case feeds one to the node.

const settingsObject = fc.dictionary(
	fc.constantFrom('layout', 'theme', 'maxParticipants', 'recordingEnabled', '$where', 'nested'),
	fc.oneof(
		fc.jsonValue({ maxDepth: 1 }),
		fc.constantFrom(10, '10', 'ten', true, 'false', { $gt: 1 }),
	),
	{ maxKeys: 3 },
);

const anyText = fc.oneof(
	fc.string({ unit: 'grapheme', maxLength: 12 }),
	fc.constantFrom(
		' padded ',
		'réunion 会议',
		'😀😀😀',
		'\u00a0x\u00a0',
		'a\tb',
		'.',
		'..',
		'a\uD800b',
	),
	fc.string({ unit: 'grapheme-ascii', minLength: 95, maxLength: 105 }),
	fc.string({ unit: 'grapheme-ascii', minLength: 495, maxLength: 505 }),
	fc.constant('x'.repeat(10_000)),
);

/** Every JSON type an expression can give (and a Luxon DateTime, which n8n makes). */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
	fc.constantFrom(undefined, null, '', '   ', '\t\n'),
	anyText,
	fc.integer({ min: -1000, max: 1000 }),
	fc.double({ min: -100, max: 100, noNaN: true }),
	fc.constantFrom(Number.NaN, Infinity, -Infinity, 0, -0, 1e21),
	fc.boolean(),
	fc.constantFrom('true', 'false', 'TRUE', ' false ', 'yes', '0', '1'),
	fc.integer({ min: -10, max: 300 }).map(String),
	fc.constantFrom(' 7 ', '2.5', '1e2', 'ten', '-1'),
	anyText.map(($ne) => ({ $ne })),
	fc.array(anyText, { maxLength: 2 }).map(($in) => ({ $in })),
	fc.constantFrom({ id: 'x' }, {}, { name: 'room' }),
	fc.array(fc.oneof(anyText, fc.integer()), { maxLength: 3 }),
	// Within every date field's window (see dateCase), so that only the type decides.
	fc.integer({ min: 20, max: 150 }).map((luxonMinutes) => ({ luxonMinutes })),
);

/** What a workflow's JSON can hold typed in: no undefined, NaN or Luxon; no "=…" (an expression). */
const isTypable = (value: unknown) =>
	value !== undefined &&
	!(typeof value === 'number' && !Number.isFinite(value)) &&
	!isLuxonCase(value) &&
	!(typeof value === 'string' && value.startsWith('='));
const typedValue = anyValue.filter(isTypable);

/** The expression every case's field holds: n8n makes the Luxon DateTimes itself. */
const EXPRESSION =
	'={{ $json.luxonMinutes !== undefined ? $now.plus({ minutes: $json.luxonMinutes }) : $json.value }}';

const ON_A_ROOM = new Set(surface.filter((p) => p.path === 'room').map((p) => p.operation));

/** Base parameters per operation: what makes it send one request that shows the field. */
const BASE: Record<string, INodeParameters> = {
	create: {},
	createOrGet: { externalId: 'surface-new' },
	createOrUpdate: { externalId: 'surface-new' },
	getAll: { returnAll: true },
	update: { updateFields: { name: 'Renamed' } },
};

/** The node's parameters with `value` at `at`, by `form`; and the input item. */
function caseOf(parameter: Parameter, value: unknown, form: Form) {
	const parameters: IDataObject = {
		operation: parameter.operation,
		...structuredClone(BASE[parameter.operation] ?? {}),
		...parameter.shownWhen,
	};
	if (parameter.path !== 'room' && ON_A_ROOM.has(parameter.operation)) {
		parameters.room = room('externalId', 'seed-1');
	}
	let field: unknown = form === 'typed' ? value : EXPRESSION;
	let item: IDataObject = isLuxonCase(value)
		? { ...value }
		: { value: value as IDataObject[string] };
	if (parameter.path === 'room') {
		const { mode, value: text } = value as { mode: 'list' | 'id' | 'externalId'; value: unknown };
		field = room(mode, form === 'typed' ? (text as string) : EXPRESSION);
		item = isLuxonCase(text) ? { ...text } : { value: text as IDataObject[string] };
	}
	const parts = parameter.path.split('.');
	let target = parameters;
	for (const part of parts.slice(0, -1)) {
		target[part] = { ...((target[part] as IDataObject | undefined) ?? {}) };
		target = target[part] as IDataObject;
	}
	target[parts.at(-1)!] = field as IDataObject[string];
	return { parameters: parameters as INodeParameters, item };
}

/** A Luxon case's instant, as sent (to the second: the clock runs while the item runs). */
function sameInstant(actual: unknown, expected: LuxonCase, startedAt: number, asText = false) {
	// In UTC as sent, or (`asText`) as n8n's ISO text of the DateTime, with its offset.
	expect(actual).toMatch(
		asText
			? /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}([+-]\d{2}:\d{2}|Z)$/
			: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/,
	);
	const offset = Date.parse(actual as string) - (startedAt + expected.luxonMinutes * MINUTE);
	expect(Math.abs(offset)).toBeLessThan(10_000);
}

let cases = 0;

/** The server Videsk runs, drawn like any other input: one the docs allow (VARIANTS). */
const server = fc.constantFrom(...Object.keys(VARIANTS));
const serversRun = new Set<string>();

/**
 * Runs one case on a server (a VARIANTS name) and checks it: refused naming the field before any
 * request, or exactly sent.
 */
async function check(
	parameter: Parameter,
	rule: Rule,
	value: unknown,
	form: Form,
	variant: string,
) {
	sandbox().reset();
	Object.assign(sandbox().settings, VARIANTS[variant]);
	// A token of its own: a request of an earlier case that arrives late (one its Timeout gave up
	// on, on the real clock) is refused, and is not this case's.
	const token = `case-${++cases}`;
	sandbox().settings.token = token;
	const ownRequests = () =>
		sandbox().requests.filter((request) => request.headers.authorization === `Bearer ${token}`);
	serversRun.add(variant);
	sandbox().seed(1);
	rule.prepare?.();
	const { parameters, item } = caseOf(parameter, value, form);
	const startedAt = Date.now();
	const expected = rule.expected!(value, form);
	const label = parameter.property.displayName;
	let result: Awaited<ReturnType<typeof run>>;
	try {
		result = await run(sandbox(), parameters, {
			items: [item],
			timezone: 'UTC',
			continueOnFail: true,
			token,
		});
	} catch (error) {
		// n8n's own check of a workflow before it runs (a required field left empty, a typed value
		// its field cannot hold) refuses it too, naming the field.
		const said = {
			path: parameter.path,
			operation: parameter.operation,
			value,
			error: String(error),
		};
		const namings = [`"${label}"`, ...validationMessages(parameter.property)];
		expect({ ...said, names: namings.some((naming) => said.error.includes(naming)) }).toMatchObject(
			{ names: true },
		);
		expect({ ...said, expected }).toMatchObject({ expected: REFUSED });
		expect(ownRequests()).toHaveLength(0);
		return;
	}
	const { items, error } = result;
	expect(error).toBeUndefined();
	const requests = ownRequests();
	const said = { path: parameter.path, operation: parameter.operation, form, value, items };
	if ('refused' in expected) {
		expect({ ...said, error: items[0]?.json.error }).toMatchObject({
			error: expect.stringMatching(new RegExp(`^${escape(label)}: `)),
		});
		expect({ ...said, requests: requests.length }).toMatchObject({ requests: 0 });
		return;
	}
	const error0 = String(items[0]?.json.error ?? '');
	expect({ ...said, error: error0 }).not.toMatchObject({
		error: expect.stringMatching(new RegExp(`^${escape(label)}: `)),
	});
	const onWire = rule.onWire ?? ((typed: unknown) => typed);
	const actual = rule.wire!({ requests, items }, parameter.operation);
	if (isLuxonCase(expected.sent)) {
		return sameInstant(actual, expected.sent, startedAt, parameter.path === 'room');
	}
	expect({ ...said, wire: actual }).toEqual({
		...said,
		wire: onWire(expected.sent, parameter.operation),
	});
}

/** The messages of a field's own validation (a Room mode's regex), which name it in the editor. */
function validationMessages(property: INodeProperties): string[] {
	return (property.modes ?? []).flatMap((mode) =>
		(mode.validation ?? []).flatMap((check) =>
			typeof check === 'object' && 'properties' in check
				? [String((check.properties as { errorMessage?: string }).errorMessage)]
				: [],
		),
	);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---------------------------------------------------------------------------------------------

const covered = surface.filter((parameter) => ruleFor(parameter).expected !== undefined);
let casesRun = 0;

afterAll(() => {
	process.stdout.write(
		`contract surface: ${covered.length} parameters of ${operations.length} operations covered (${new Set(covered.map((p) => p.path)).size} distinct paths; ${surface.length - covered.length} are n8n's own, the AI tool's Description, or notices); ${casesRun} cases run, on the servers ${[...serversRun].sort().join(', ')}\n`,
	);
});

describe('the surface', () => {
	example(
		`every parameter has a rule, and every rule a parameter (${covered.length} parameters covered)`,
		() => {
			const paths = new Set(surface.map((parameter) => parameter.path));
			const ruled = new Set(covered.map((parameter) => parameter.path));
			expect([...ruled].sort()).toEqual([...RULE_PATHS].sort());
			for (const parameter of surface) {
				if (ruled.has(parameter.path)) continue;
				// The rest: n8n's own (no expression allowed, Request Options, the AI tool's
				// Description) and notices.
				expect(
					parameter.n8ns ||
						parameter.property.type === 'notice' ||
						parameter.property.noDataExpression === true ||
						isToolOnly(parameter.property),
					parameter.path,
				).toBe(true);
			}
			expect(paths.size).toBeGreaterThan(ruled.size);
			expect(covered.length).toBeGreaterThanOrEqual(50);
		},
	);
});

describe.each(
	covered.map((parameter) => [`${parameter.operation}: ${parameter.path}`, parameter] as const),
)('%s', (_, parameter) => {
	const rule = ruleFor(parameter);
	const values =
		parameter.path === 'room'
			? fc.record({
					mode: fc.constantFrom('list', 'id', 'externalId'),
					value: fc.oneof(anyValue, roomText, hex24),
				})
			: rule.own
				? fc.oneof({ arbitrary: anyValue, weight: 2 }, { arbitrary: rule.own, weight: 1 })
				: anyValue;
	const typed =
		parameter.path === 'room'
			? fc.record({
					mode: fc.constantFrom('list', 'id', 'externalId'),
					value: fc
						.oneof(typedValue, roomText, hex24)
						.filter((value) => !(typeof value === 'string' && value.startsWith('='))),
				})
			: rule.own
				? fc.oneof(typedValue, rule.own.filter(isTypable))
				: typedValue;

	test.prop([fc.array(values, { minLength: 6, maxLength: 6 }), server], {
		numRuns: numRuns(4),
	})(
		'from an expression: refused naming the field, or exactly the typed value on the wire',
		async (generated, variant) => {
			for (const value of generated) {
				casesRun += 1;
				await check(parameter, rule, value, 'expression', variant);
			}
		},
		PROPERTY_TIMEOUT_MS,
	);

	test.prop([fc.array(typed, { minLength: 4, maxLength: 4 }), server], { numRuns: numRuns(2) })(
		'typed in: refused naming the field, or exactly the typed value on the wire',
		async (generated, variant) => {
			for (const value of generated) {
				casesRun += 1;
				await check(parameter, rule, value, 'typed', variant);
			}
		},
		PROPERTY_TIMEOUT_MS,
	);
});

describe('found by the properties above, kept as examples', () => {
	example(
		'Get Many: a lone UTF-16 surrogate in the External ID filter is refused, not sent broken',
		async () => {
			const { items } = await run(
				sandbox(),
				{ operation: 'getAll', returnAll: true, filters: { externalId: '={{ $json.value }}' } },
				{ items: [{ value: 'a\uD800b' }], continueOnFail: true },
			);
			expect(items[0].json.error).toMatch(/^External ID: .* incomplete Unicode character/);
			expect(sandbox().requests).toHaveLength(0);
		},
	);

	example(
		'Get Many: Return All from an expression that gives false reads the default Limit (50), hidden in the editor',
		async () => {
			// A sandbox of its own: a property's run that failed under Stop may still have requests
			// on their way to the shared one.
			const own = await startSandbox();
			try {
				own.seed(60);
				const { items } = await run(
					own,
					{ operation: 'getAll', returnAll: '={{ $json.value }}' },
					{ items: [{ value: 'false' }] },
				);
				expect(items).toHaveLength(50);
				expect(own.requests.map((request) => request.query.$limit)).toEqual(['50']);
			} finally {
				await own.close();
			}
		},
	);

	example('Other Settings (JSON): a key starting with "$" is refused, at any depth', async () => {
		for (const otherSettings of ['{"$where": "1"}', '{"layout": {"$gt": 1}}']) {
			const { error } = await run(sandbox(), {
				operation: 'create',
				additionalFields: { otherSettings },
			});
			expect(error?.message).toMatch(
				/^Other Settings \(JSON\): the key "\$(where|gt)" starts with "\$"/,
			);
		}
		expect(sandbox().requests).toHaveLength(0);
	});

	example(
		'Room By External ID: a Luxon DateTime arrives as n8n’s ISO text of it, and is sent as that',
		async () => {
			await run(sandbox(), {
				operation: 'get',
				room: room(
					'externalId',
					'={{ DateTime.fromISO("2030-01-15T10:00:00Z", { zone: "utc" }) }}',
				),
			});
			// Its ":" is changed by URL encoding: the room is looked up through the list's filter.
			expect(sandbox().requests.map((r) => [r.path, r.query.externalId])).toEqual([
				['/vpaas/rooms', '2030-01-15T10:00:00.000Z'],
			]);
		},
	);

	example(
		'typed in, Other Settings (JSON) saved as null is loaded by n8n as its default: no settings sent',
		async () => {
			await run(sandbox(), {
				operation: 'create',
				additionalFields: { otherSettings: null } as unknown as INodeParameters,
			});
			expect(sandbox().requests.map((r) => r.body)).toEqual(['']);
		},
	);

	example(
		'typed in, a Room left empty or holding an object is n8n’s own refusal, before the node runs',
		async () => {
			for (const value of ['', { $ne: 'x' }]) {
				await expect(
					run(sandbox(), { operation: 'get', room: room('id', value as string) }),
				).rejects.toThrow(/node has issues/);
			}
			expect(sandbox().requests).toHaveLength(0);
		},
	);
});
