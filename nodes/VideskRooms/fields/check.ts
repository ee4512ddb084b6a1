import type { IExecuteSingleFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

// Errors made before any request (or before any change): each names the field to fix, as the
// user sees it, and says what to do.

export function invalid(
	context: IExecuteSingleFunctions,
	label: string,
	problem: string,
	advice = `Fix the "${label}" field of this item`,
	outcome = 'nothing was sent to Videsk',
) {
	return new NodeOperationError(context.getNode(), `${label}: ${problem}`, {
		itemIndex: context.getItemIndex(),
		description: `${advice}; ${outcome}.`,
	});
}

/** Luxon's DateTime, as expressions give it ($now, DateTime.fromISO(…)). */
export function isDateTimeLike(value: unknown): value is { toISO(): string | null } {
	return typeof (value as { toISO?: unknown } | null)?.toISO === 'function';
}

/** A value as the user would recognise it in a message: text quoted, anything else as written. */
export function shown(value: unknown): string {
	if (typeof value === 'string') return JSON.stringify(value);
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	if (value === undefined) return 'undefined';
	if (value instanceof Date) {
		return Number.isNaN(value.getTime()) ? 'an invalid date' : `the date ${value.toISOString()}`;
	}
	if (isDateTimeLike(value)) return `the date-time ${value.toISO()}`;
	return JSON.stringify(value) ?? String(value);
}
