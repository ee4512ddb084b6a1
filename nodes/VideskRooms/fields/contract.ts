import type {
	IDataObject,
	IExecuteSingleFunctions,
	INodeParameters,
	INodeProperties,
	INodePropertyOptions,
	NodeParameterValueType,
} from 'n8n-workflow';
import { characterCount, DEFAULT_TIMEOUT_MS } from '../videsk';
import { shown } from '../wording';
import { invalid } from './check';
import { inTimeZone, parseDateTime } from './dates';

// The parameter contract: every parameter an operation uses is read here, once per item, before
// any request, by its declared rule (text, whole number, true/false, date-time, one of the
// choices, a JSON object). What the rule gives is a plain value of that type, or an error naming
// the field and saying what to do: nothing else reaches a query string, a body or a path.
//
// An empty value (nothing, null, "" or blanks) means "not set" only where the user left an
// optional field empty in the editor. From an expression, or in a field added to a collection
// (Additional Fields, Filters…), it is an error: the builder meant a value to be there, and a
// filter that silently disappeared would widen a list.

/** Why a value does not fit its rule, as a rule's check gives it, and what to do when the rule's advice does not say. */
class Refusal {
	constructor(
		readonly problem: string,
		readonly advice?: string,
	) {}
}

const refuse = (problem: string, advice?: string) => new Refusal(problem, advice);

export interface Rule<T> {
	/** The field as the editor shows it: errors start with it. */
	label: string;
	/** The plain value of the rule's type that `value` stands for, or why there is none. */
	check(value: unknown, context: IExecuteSingleFunctions): T | Refusal;
	/** Set for a field the operation cannot work without: why it is needed. */
	required?: string;
	/** What to do when the field is empty where it may not be. */
	whenEmpty?: string;
	/** What to do when the value does not fit. */
	advice?: string;
}

/** The parameter's value as saved, before n8n evaluates any expression in it (costs nothing). */
function savedValue(parameters: INodeParameters, path: string): unknown {
	let value: unknown = parameters;
	for (const key of path.split('.')) {
		if (typeof value !== 'object' || value === null) return undefined;
		value = (value as IDataObject)[key];
	}
	return value;
}

const isExpression = (saved: unknown) => typeof saved === 'string' && saved.startsWith('=');

export function isEmpty(value: unknown): boolean {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

/**
 * The value of the parameter at `path` by its rule, undefined when it is not set; throws the
 * error that names the field otherwise. Evaluates an expression in it once.
 */
export function readParameter<T>(
	context: IExecuteSingleFunctions,
	path: string,
	rule: Rule<T>,
): T | undefined {
	const saved = savedValue(context.getNode().parameters, path);
	if (saved === undefined && rule.required === undefined) return undefined; // not added
	const value =
		saved === undefined
			? undefined
			: context.getNodeParameter(path, saved as NodeParameterValueType);
	if (isEmpty(value)) {
		const gave = isExpression(saved) ? `the expression gave ${shown(value)}` : undefined;
		if (rule.required !== undefined) {
			const problem = gave ? `${gave}, but it is ${rule.required}` : rule.required;
			throw invalid(context, rule.label, problem, rule.whenEmpty);
		}
		const added = path.includes('.');
		if (!gave && !added) return undefined; // an optional field left empty
		throw invalid(
			context,
			rule.label,
			gave ?? 'added but empty',
			rule.whenEmpty ?? 'Give it a value, or remove the field',
		);
	}
	return checkValue(context, rule, value);
}

/**
 * `value` by `rule`, or the error naming the field; `within` names the key of a JSON field the
 * value came from (Other Settings' "maxParticipants").
 */
export function checkValue<T>(
	context: IExecuteSingleFunctions,
	rule: Rule<T>,
	value: unknown,
	within?: { label: string; key: string },
): T {
	const checked = rule.check(value, context);
	if (!(checked instanceof Refusal)) return checked;
	if (within) throw invalid(context, within.label, `${within.key}: ${checked.problem}`);
	throw invalid(context, rule.label, checked.problem, checked.advice ?? rule.advice);
}

type RuleOptions = Pick<Rule<unknown>, 'required' | 'whenEmpty' | 'advice'>;

/** Text, trimmed, at most `maxLength` characters (as Videsk counts them); numbers become text. */
export function text(
	label: string,
	options: RuleOptions & {
		maxLength?: number;
		problem?: (text: string) => string | undefined;
	} = {},
): Rule<string> {
	const { maxLength, problem, ...rest } = options;
	return {
		label,
		...rest,
		check(value) {
			if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
				return refuse(`${shown(value)} is not text`);
			}
			const trimmed = String(value).trim();
			const length = characterCount(trimmed);
			if (maxLength !== undefined && length > maxLength) {
				return refuse(`${length} characters, Videsk allows at most ${maxLength}`);
			}
			const reason = problem?.(trimmed);
			if (reason) return refuse(reason);
			return trimmed;
		},
	};
}

/** A whole number of `min` or more (up to `max`): a number, or its digits as text ("10"). */
export function wholeNumber(
	label: string,
	options: RuleOptions & { min: number; max?: number },
): Rule<number> {
	const { min, max = Number.MAX_SAFE_INTEGER, ...rest } = options;
	const range = max === Number.MAX_SAFE_INTEGER ? `of ${min} or more` : `from ${min} to ${max}`;
	return {
		label,
		...rest,
		check(value) {
			const number =
				typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value;
			if (
				typeof number !== 'number' ||
				!Number.isSafeInteger(number) ||
				number < min ||
				number > max
			) {
				return refuse(`${shown(value)} is not a whole number ${range}`);
			}
			return number;
		},
	};
}

/**
 * "Request Options" → "Timeout", which n8n adds to every declarative node and hands to its HTTP
 * client unchecked: milliseconds, whole, at most what Node's timers hold (2^31 − 1). Read with
 * the item's other parameters, so that a wrong value fails the item before any request.
 */
const TIMEOUT_ADVICE = `Give "Request Options" → "Timeout" in milliseconds, such as 30000, or remove it (${DEFAULT_TIMEOUT_MS / 1000} s then)`;
export const TIMEOUT = wholeNumber('Timeout', {
	min: 1,
	max: 2 ** 31 - 1,
	advice: TIMEOUT_ADVICE,
	whenEmpty: TIMEOUT_ADVICE,
});

/** true or false: a boolean, or the text "true" / "false" (as a CSV or a webhook gives it). */
export function trueOrFalse(label: string, options: RuleOptions = {}): Rule<boolean> {
	return {
		label,
		...options,
		check(value) {
			if (typeof value === 'boolean') return value;
			const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
			if (text === 'true' || text === 'false') return text === 'true';
			return refuse(`${shown(value)} is not true or false`);
		},
	};
}

/** An instant, and how messages quote it. */
export interface Instant {
	utcMs: number;
	/** UTC ISO 8601, as Videsk takes it. */
	iso: string;
	/** In the workflow's timezone, named, as every date error quotes a time. */
	quoted: string;
}

/**
 * An instant as every date error quotes it: in the workflow's timezone, with its offset, and that
 * timezone named — "2026-12-08T10:00:00-05:00 (America/New_York)" — whatever form it was given in.
 */
export function quotedTime(utcMs: number, timeZone: string): string {
	return `${inTimeZone(utcMs, timeZone)} (${timeZone})`;
}

/**
 * Whether the node runs as its AI-tool variant (for an AI agent or an MCP server): n8n names that
 * variant's type after the node's, ending in "Tool", and its `@tool` display option reads the same.
 */
export function runsAsTool(context: { getNode(): { type: string } }): boolean {
	return context.getNode().type.endsWith('Tool');
}

/**
 * A value that is not a date-time, and working examples: for a model (an AI agent sees only the
 * message), in the message; for a builder, under it: the date picker, or an expression's date.
 */
function notADateTime(problem: string, timeZone: string, tool: boolean): Refusal {
	const example = `${new Date().getUTCFullYear() + 1}-05-01T09:30:00`;
	if (tool) {
		return refuse(
			`${problem}. Give an ISO 8601 date-time such as ${example} (read in the workflow’s timezone, ${timeZone}) or ${example}Z (UTC)`,
		);
	}
	return refuse(
		problem,
		`Pick it with the date picker, or give a value such as ${example} (read in ${timeZone}, the workflow’s timezone). In an expression, a date such as {{ $now.plus({ days: 1 }) }} works`,
	);
}

/**
 * A date-time: text such as the date picker gives (without an offset, in the workflow's
 * timezone), with an offset or Z, a Date, or a Luxon DateTime from an expression.
 */
export function dateTime(label: string): Rule<Instant> {
	return {
		label,
		check(value, context) {
			const timeZone = context.getTimezone();
			const parsed = parseDateTime(value, timeZone);
			if (!('utcMs' in parsed)) {
				return notADateTime(
					`${shown(value)} is not a date-time${parsed.reason ? ` (${parsed.reason})` : ''}`,
					timeZone,
					runsAsTool(context),
				);
			}
			const iso = new Date(parsed.utcMs).toISOString();
			return { utcMs: parsed.utcMs, iso, quoted: quotedTime(parsed.utcMs, timeZone) };
		},
	};
}

/** One of the choices of an options parameter: its value, or that value as text ("-1"). */
export function oneOf<T extends string | number>(
	property: INodeProperties,
	options: RuleOptions = {},
): Rule<T> {
	const values = (property.options as INodePropertyOptions[]).map((option) => option.value as T);
	return {
		label: property.displayName,
		...options,
		check(value) {
			const text = typeof value === 'string' ? value.trim() : value;
			const chosen = values.find((choice) => choice === text || String(choice) === text);
			if (chosen === undefined) {
				return refuse(
					`${shown(value)} is not one of the choices: ${values.map((choice) => JSON.stringify(choice)).join(', ')}`,
				);
			}
			return chosen;
		},
	};
}

/** Some of the choices of a multi-options parameter, as a list of their values. */
export function someOf(property: INodeProperties): Rule<string[]> {
	const values = (property.options as INodePropertyOptions[]).map((option) => String(option.value));
	return {
		label: property.displayName,
		check(value) {
			if (!Array.isArray(value) || !value.every((choice) => values.includes(choice as string))) {
				return refuse(
					`${shown(value)} is not a list of these choices: ${values.map((choice) => JSON.stringify(choice)).join(', ')}`,
				);
			}
			return [...new Set(value as string[])];
		},
	};
}

function isPlainObject(value: unknown): value is IDataObject {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
	const prototype = Object.getPrototypeOf(value) as unknown;
	return prototype === Object.prototype || prototype === null;
}

/** A key that starts with "$", at any depth: a query operator to Feathers and MongoDB. */
function operatorKey(value: unknown): string | undefined {
	if (typeof value !== 'object' || value === null) return undefined;
	for (const [key, inner] of Object.entries(value)) {
		if (key.startsWith('$')) return key;
		const found = operatorKey(inner);
		if (found) return found;
	}
	return undefined;
}

/**
 * A JSON object: as JSON text, or an object from an expression. Its keys may not start with
 * "$": Feathers and MongoDB read those as query operators, not as data.
 */
export function jsonObject(label: string, example: string): Rule<IDataObject> {
	return {
		label,
		check(value) {
			let object = value;
			if (typeof value === 'string') {
				try {
					object = JSON.parse(value);
				} catch (error) {
					return refuse(`not valid JSON (${(error as Error).message})`);
				}
			}
			if (!isPlainObject(object)) return refuse(`must be a JSON object, e.g. ${example}`);
			const operator = operatorKey(object);
			if (operator) {
				return refuse(
					`the key ${JSON.stringify(operator)} starts with "$", which Videsk’s server reads as a query operator`,
				);
			}
			return object;
		},
	};
}
