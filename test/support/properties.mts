// Shared set-up and generators for the property-based tests (fast-check via @fast-check/vitest).
// Import `fc` and `test` from here, not from the packages, so that this runs first:
// - in CI (CI=true) every property uses a fixed seed, so a failure reproduces exactly; CI then
//   runs them again with VIDESK_FC_SEED=fresh: a seed drawn for the file, printed, so that the
//   generators keep looking where the fixed seed does not;
// - VIDESK_FC_SEED=<n> replays a seed (fast-check prints it on failure, and @fast-check/vitest
//   puts it in the test's name), VIDESK_FC_RUNS=<n> runs every property that many times.
// Generators are exported for other operations' properties to reuse.
import { fc, test } from '@fast-check/vitest';
import type { IDataObject } from 'n8n-workflow';
import type { LoggedRequest } from '../sandbox/server.mjs';

/** A value an input item can hold, e.g. what an expression returns. */
export type ItemValue = IDataObject[string];

const CI_SEED = 20_260_514;
const asked = process.env.VIDESK_FC_SEED;
const seed =
	asked === 'fresh'
		? Math.floor(Math.random() * 2 ** 31)
		: asked
			? Number(asked)
			: process.env.CI === 'true'
				? CI_SEED
				: undefined;
if (asked === 'fresh') {
	process.stdout.write(`fresh seed ${seed} (replay: VIDESK_FC_SEED=${seed})\n`);
}
fc.configureGlobal({ ...(seed === undefined ? {} : { seed }) });

/** A property's number of runs: `runs` unless VIDESK_FC_RUNS says otherwise. */
export function numRuns(runs: number): number {
	return Number(process.env.VIDESK_FC_RUNS ?? runs);
}

export { fc, test };

/**
 * A property's time limit: each run is one or more n8n executions, and a failing property
 * shrinks its counterexample with many more, so the 30 s default of a test is too short.
 */
export const PROPERTY_TIMEOUT_MS = 300_000;

/**
 * `size` values, run as the input items of ONE n8n execution: one execution per value would
 * cost far more. A batch shrinks value by value (its length is fixed, so that a property's
 * number of generated cases is exactly runs × size).
 */
export function batch<T>(values: fc.Arbitrary<T>, size: number): fc.Arbitrary<T[]> {
	return fc.array(values, { minLength: size, maxLength: size });
}

/** Characters that mean something in a URL, or to a server, a proxy or a shell. */
const URL_TROUBLE = [
	'.',
	'/',
	'\\',
	'%',
	'2',
	'e',
	'E',
	'f',
	'F',
	'?',
	'#',
	';',
	'&',
	'=',
	'+',
	':',
	'@',
];
const TRICKY_CHARS = [
	...URL_TROUBLE,
	' ',
	'\t',
	'\n',
	'\u0000',
	'\u00a0',
	'\ufeff',
	'é',
	'会',
	'😀',
	'\uD800', // a lone surrogate
	'a',
	'0',
];

/** Texts that are, or hide, path navigation and URL delimiters. */
export const TRICKY_ROOM_TEXTS = [
	'.',
	'..',
	' . ',
	' .. ',
	'...',
	'%2e',
	'%2E',
	'.%2e',
	'%2e%2e',
	'%2E%2E',
	'%2F',
	'%2f..',
	'/',
	'//',
	'\\',
	'..\\',
	'?',
	'#',
	';',
	'./',
	'../',
	'../join',
	'..%2F',
	'a/../b',
	'%00',
	'',
	' ',
	'\t\n',
	'\u0000',
	'\uDC00',
	'a\uD800b',
];

/** 24 hexadecimal characters: the form of a Videsk room ID, in either case. */
export const hex24 = fc.stringMatching(/^[0-9a-fA-F]{24}$/);

/** Any text a user or an expression could put in a room or External ID field. */
export const roomText: fc.Arbitrary<string> = fc.oneof(
	{ arbitrary: fc.constantFrom(...TRICKY_ROOM_TEXTS), weight: 3 },
	{ arbitrary: fc.string({ unit: fc.constantFrom(...TRICKY_CHARS), maxLength: 8 }), weight: 4 },
	{ arbitrary: fc.string({ unit: 'binary', maxLength: 150 }), weight: 3 },
	{ arbitrary: fc.string({ unit: 'grapheme', minLength: 95, maxLength: 105 }), weight: 1 },
	{ arbitrary: hex24, weight: 2 },
	{ arbitrary: hex24.map((id) => ` ${id}\t`), weight: 1 },
);

/** Anything an expression can give: mostly text, sometimes a number, null or a wrong type. */
export const expressionValue: fc.Arbitrary<ItemValue> = fc.oneof(
	{ arbitrary: roomText, weight: 12 },
	{ arbitrary: fc.integer(), weight: 1 },
	{ arbitrary: fc.constantFrom(null, undefined, true, Number.NaN, Infinity, 2.5), weight: 1 },
	{ arbitrary: fc.constantFrom({ id: 'x' }, ['a', 'b']), weight: 1 },
);

/** Values for Get Many's Limit, from the typed field or an expression. */
export const limitValue: fc.Arbitrary<ItemValue> = fc.oneof(
	fc.integer({ min: -3, max: 260 }),
	fc.double({ min: -5, max: 260 }),
	fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 1e21, Number.MAX_SAFE_INTEGER + 2),
	fc.integer({ min: -3, max: 260 }).map((n) => String(n)),
	fc.constantFrom('', ' ', ' 7 ', '5.0', '2.5', '1e2', '0x10', 'abc', '10 rooms', null, true, [3]),
);

/** An IANA timezone this Node.js knows. */
export const timeZone = fc.constantFrom(
	...(Intl as unknown as { supportedValuesOf(key: string): string[] }).supportedValuesOf(
		'timeZone',
	),
	'UTC',
);

// The rules the node applies to what reaches the wire, restated for the properties to check.

/**
 * What the node must do with a Room value (the rules, restated): refuse it, naming Room; send
 * it as the path's room segment; or, for an External ID of 24 hexadecimal characters, look it up
 * in the list first.
 */
export function expectedRoom(
	mode: 'list' | 'id' | 'externalId',
	value: unknown,
): { refused: RegExp } | { segment: string } | { lookup: string } {
	if (value === null || value === undefined) return { refused: /^Room: no room was given/s };
	if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
		return { refused: /^Room: .* is not text$/s };
	}
	const text = String(value).trim();
	if (text === '') return { refused: /^Room: no room was given/s };
	const isId = /^[0-9a-f]{24}$/i.test(text);
	if (mode !== 'externalId') {
		// A room ID is the same in any case: sent as answers write it, in lower case.
		return isId
			? { segment: text.toLowerCase() }
			: { refused: /^Room: .* is not a room ID \(24 hexadecimal/s };
	}
	if (characters(text) > 100) {
		return { refused: /^Room: an External ID has at most 100 characters$/s };
	}
	if (text === '.' || text === '..') return { refused: /^Room: "\.\.?" cannot identify a room/s };
	try {
		encodeURIComponent(text);
	} catch {
		return { refused: /^Room: .* incomplete Unicode character/s };
	}
	// A room ID, a text URL encoding changes (Feathers 5 does not decode the path) or a name of
	// Object.prototype (which Feathers 5's router cannot route) is looked up through the list's filter.
	return isId || encodeURIComponent(text) !== text || text in Object.prototype
		? { lookup: text }
		: { segment: text };
}

/**
 * A logged request as "METHOD <room>/suffix" (the room segment decoded), or "LIST <externalId>"
 * for the list filtered on an External ID; throws if it is neither, or if its path is anything
 * but /vpaas/rooms/{one segment}.
 */
export function requestSignature(request: LoggedRequest): string {
	if (request.rawPath === '/vpaas/rooms' && request.method === 'GET') {
		return `LIST ${String(request.query.externalId)}`;
	}
	const match = /^\/vpaas\/rooms\/([^/]+)(\/join|\/stats)?$/.exec(request.rawPath);
	if (!match || /^(\.|%2e){1,2}$/i.test(match[1])) {
		throw new Error(`${request.method} ${request.rawPath} is not a path to one room`);
	}
	return `${request.method} ${decodeURIComponent(match[1])}${match[2] ?? ''}`;
}

/** Characters as the node counts them against Videsk's limits: Unicode code points. */
export const characters = (text: string) => Array.from(text).length;

/**
 * What Create and Create or Get must do with an External ID from an expression: refuse it, or
 * send it. An expression that gives nothing is refused: Create would otherwise let Videsk make
 * one up, and Create or Get cannot find the room again without one.
 */
export function expectedExternalId(
	value: unknown,
	{ required = false } = {},
): { refused: RegExp } | { sent: string } {
	if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) {
		return {
			refused: required
				? /^External ID: the expression gave .*, but it is required to find the room on a rerun$/s
				: /^External ID: the expression gave /s,
		};
	}
	if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
		return { refused: /^External ID: .* is not text$/s };
	}
	const text = String(value).trim();
	if (characters(text) > 100)
		return { refused: /^External ID: \d+ characters, Videsk allows at most 100$/s };
	if (text === '.' || text === '..')
		return { refused: /^External ID: "\.\.?" cannot identify a room/s };
	try {
		encodeURIComponent(text);
	} catch {
		return { refused: /^External ID: .* incomplete Unicode character/s };
	}
	return { sent: text };
}
