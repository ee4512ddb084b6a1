import type { IExecuteSingleFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

// Checks made before any request (routing cannot validate): each error names the field to fix.

/** Field labels as the user sees them, keyed by parameter or wire name. */
const LABELS: Record<string, string> = {
	name: 'Name',
	externalId: 'External ID',
	nbf: 'Start',
	exp: 'Expires At',
	settings: 'Other Settings (JSON)',
	room: 'Room',
	limit: 'Limit',
};

export function invalid(context: IExecuteSingleFunctions, field: string, problem: string) {
	return new NodeOperationError(context.getNode(), `${LABELS[field]}: ${problem}`, {
		itemIndex: context.getItemIndex(),
		description: `Fix the "${LABELS[field]}" field of this item; nothing was sent to Videsk.`,
	});
}

/** A value as the user would recognise it in a message: text quoted, anything else as written. */
export function shown(value: unknown): string {
	if (typeof value === 'string') return JSON.stringify(value);
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return JSON.stringify(value) ?? String(value);
}

/**
 * A text field's value, trimmed; undefined when not set (null, undefined, blank). Numbers from
 * expressions become text; anything else (an object, a list, true/false, NaN) is refused.
 */
export function textOf(context: IExecuteSingleFunctions, field: string, value: unknown) {
	if (value === null || value === undefined) return undefined;
	if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
		throw invalid(context, field, `${shown(value)} is not text`);
	}
	const text = String(value).trim();
	return text === '' ? undefined : text;
}
