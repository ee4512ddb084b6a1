import type { IDataObject, IExecuteSingleFunctions, IHttpRequestOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import {
	DEFAULT_TIMEOUT_MS,
	EXTERNAL_ID_MAX_LENGTH,
	MAX_LIFETIME_HOURS,
	NAME_MAX_LENGTH,
	ROOM_ID,
	roomPath,
	ROOMS_PATH,
} from './api';
import type { Room } from './api';
import { parseDateTime } from './dates';

// preSend hooks: routing cannot validate, so these check what can be known before any request
// and name the field to fix.

const OBJECT_ID = /^[0-9a-f]{24}$/i;
/** A UTF-16 surrogate without its pair: it has no UTF-8 form, so it cannot be sent in a URL. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Operations whose room starts now unless Start is set (Videsk's default for `nbf`). */
const CREATING_OPERATIONS = ['create', 'createOrGet'];

/** Field labels as the user sees them, keyed by wire name. */
const LABELS: Record<string, string> = {
	name: 'Name',
	externalId: 'External ID',
	nbf: 'Start',
	exp: 'Expires At',
	settings: 'Other Settings (JSON)',
	room: 'Room',
	limit: 'Limit',
};

function invalid(context: IExecuteSingleFunctions, field: string, problem: string) {
	return new NodeOperationError(context.getNode(), `${LABELS[field]}: ${problem}`, {
		itemIndex: context.getItemIndex(),
		description: `Fix the "${LABELS[field]}" field of this item; nothing was sent to Videsk.`,
	});
}

/** A value as the user would recognise it in a message: text quoted, anything else as written. */
function shown(value: unknown): string {
	if (typeof value === 'string') return JSON.stringify(value);
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return JSON.stringify(value) ?? String(value);
}

/**
 * A text field's value, trimmed; undefined when not set (null, undefined, blank). Numbers from
 * expressions become text; anything else (an object, a list, true/false, NaN) is refused.
 */
function textOf(context: IExecuteSingleFunctions, field: string, value: unknown) {
	if (value === null || value === undefined) return undefined;
	if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
		throw invalid(context, field, `${shown(value)} is not text`);
	}
	const text = String(value).trim();
	return text === '' ? undefined : text;
}

export function isRoomId(text: string): boolean {
	return OBJECT_ID.test(text);
}

/**
 * Why a text cannot identify a room in Videsk's URL `/vpaas/rooms/{room}`, or undefined. Every
 * other text is sent URL-encoded as one path segment (`a/b` as `a%2Fb`). `.` and `..` are path
 * navigation, and so are their encoded forms (`%2E`): HTTP clients and proxies resolve them, so
 * the request would reach another address, such as every room. A lone UTF-16 surrogate has no
 * URL form at all. (Length is checked separately: each field words it its own way.)
 */
export function roomReferenceProblem(text: string): string | undefined {
	if (text === '.' || text === '..') {
		return `${shown(text)} cannot identify a room: in a URL it means "this folder" or "the folder above", so the request would reach another address. Use another External ID`;
	}
	if (LONE_SURROGATE.test(text)) {
		return `${shown(text)} contains an incomplete Unicode character (a lone UTF-16 surrogate), which cannot be sent in a URL`;
	}
	return undefined;
}

/**
 * The room chosen in the Room field: from the list or by ID, a room ID; by External ID, any text
 * that can be sent in the URL. Throws, naming the field, when there is none or it cannot be used.
 */
export function chosenRoom(context: IExecuteSingleFunctions): {
	value: string;
	byExternalId: boolean;
} {
	// One read of the locator (an expression in it is evaluated once); no mode extracts a part.
	const locator = context.getNodeParameter('room', undefined, { extractValue: false }) as {
		mode?: string;
		value?: unknown;
	};
	const value = textOf(context, 'room', locator.value);
	if (value === undefined) {
		throw invalid(
			context,
			'room',
			'no room was given. Choose one from the list, or enter its ID or External ID',
		);
	}
	const byExternalId = locator.mode === 'externalId';
	if (!byExternalId && !isRoomId(value)) {
		throw invalid(
			context,
			'room',
			`${shown(value)} is not a room ID (24 hexadecimal characters). To use your own identifier, choose "By External ID"`,
		);
	}
	if (byExternalId && value.length > EXTERNAL_ID_MAX_LENGTH) {
		throw invalid(
			context,
			'room',
			`an External ID has at most ${EXTERNAL_ID_MAX_LENGTH} characters`,
		);
	}
	const problem = byExternalId ? roomReferenceProblem(value) : undefined;
	if (problem) throw invalid(context, 'room', problem);
	return { value, byExternalId };
}

/**
 * Replaces {roomId} in the URL with the chosen room, URL-encoded so it stays one path segment.
 * An External ID of 24 hexadecimal characters could also be another room's ID, which Videsk's
 * path accepts too: {roomId} then stays, and the room is first found through the list's
 * `externalId` filter (resolveRoom in sequences.ts).
 */
export async function setRoomPath(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const { value, byExternalId } = chosenRoom(this);
	if (!(byExternalId && isRoomId(value))) {
		requestOptions.url = requestOptions.url!.replace(`${ROOMS_PATH}/${ROOM_ID}`, roomPath(value));
	}
	return requestOptions;
}

/** The instants of Start and Expires At in the body, converted there to UTC ISO 8601. */
function normalizeDates(context: IExecuteSingleFunctions, body: IDataObject) {
	const instants: { nbf?: number; exp?: number } = {};
	for (const field of ['nbf', 'exp'] as const) {
		if (!(field in body)) continue;
		const raw = body[field];
		if (raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '')) {
			delete body[field];
			continue;
		}
		const parsed = parseDateTime(raw, context.getTimezone());
		if (!('utcMs' in parsed)) {
			throw invalid(
				context,
				field,
				`${shown(raw)} is not a date-time${parsed.reason ? ` (${parsed.reason})` : ''}. Use the date picker, or an ISO 8601 value such as 2026-05-01T09:30:00 (read in the workflow’s timezone) or 2026-05-01T09:30:00Z`,
			);
		}
		body[field] = new Date(parsed.utcMs).toISOString();
		instants[field] = parsed.utcMs;
	}
	return instants;
}

/**
 * Puts External ID into the body. Routing's `send` would read the field in each of its two
 * passes, evaluating an expression in it twice per item (about 0.5 ms each in n8n 2.x); bulk
 * creates set it per item, so it is read once, here.
 */
export async function setExternalId(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	(requestOptions.body as IDataObject).externalId = this.getNodeParameter('externalId', '');
	return requestOptions;
}

/**
 * Checks and normalizes the room fields that routing put in the body: text fields trimmed and
 * within Videsk's lengths, an External ID that can address the room later, dates as UTC ISO 8601,
 * expiry in the future, and — where the room's start is known — start before expiry and a
 * lifetime within Videsk's documented maximum. Update knows the start only when Start is set
 * (the room's current one is not read first), so otherwise it leaves those two rules to Videsk.
 */
export async function validateRoomBody(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const body = requestOptions.body as IDataObject;
	const maxLengths: Record<string, number> = {
		name: NAME_MAX_LENGTH,
		externalId: EXTERNAL_ID_MAX_LENGTH,
	};
	for (const field of Object.keys(maxLengths)) {
		if (!(field in body)) continue;
		const text = textOf(this, field, body[field]);
		if (text === undefined) {
			delete body[field];
			continue;
		}
		if (text.length > maxLengths[field]) {
			throw invalid(
				this,
				field,
				`${text.length} characters, Videsk allows at most ${maxLengths[field]}`,
			);
		}
		// A room created with an External ID that cannot be sent in a URL could never be reached again.
		const problem = field === 'externalId' ? roomReferenceProblem(text) : undefined;
		if (problem) throw invalid(this, field, problem);
		body[field] = text;
	}

	const { nbf, exp } = normalizeDates(this, body);
	const now = Date.now();
	if (exp !== undefined && exp <= now) {
		throw invalid(this, 'exp', `${body.exp as string} is not in the future`);
	}
	const creating = CREATING_OPERATIONS.includes(this.getNodeParameter('operation', '') as string);
	const start = nbf ?? (creating ? now : undefined);
	if (exp === undefined || start === undefined) return requestOptions;
	if (nbf !== undefined && nbf >= exp) {
		throw invalid(
			this,
			'nbf',
			`${body.nbf as string} must be before Expires At (${body.exp as string})`,
		);
	}
	checkLifetime(this, 'exp', start, exp, nbf === undefined);
	return requestOptions;
}

/** Videsk's maximum lifetime, from Start (or now, when a new room gets no Start) to Expires At. */
export function checkLifetime(
	context: IExecuteSingleFunctions,
	field: 'nbf' | 'exp',
	startMs: number,
	expMs: number,
	fromNow = false,
): void {
	const lifetimeHours = (expMs - startMs) / 3_600_000;
	if (lifetimeHours > MAX_LIFETIME_HOURS) {
		throw invalid(
			context,
			field,
			`the room would last ${Math.round(lifetimeHours)} hours${fromNow ? ' from now' : ''}, Videsk allows at most ${MAX_LIFETIME_HOURS}`,
		);
	}
}

/**
 * Create or Update of an existing room: Videsk checks the new Start or Expires At together with
 * the room's own value of the other one, so this does too, before the PATCH.
 */
export function checkRescheduledTimes(
	context: IExecuteSingleFunctions,
	room: Room,
	changes: IDataObject,
): void {
	if (changes.nbf === undefined && changes.exp === undefined) return;
	const nbf = String(changes.nbf ?? room.nbf);
	const exp = String(changes.exp ?? room.exp);
	const [nbfMs, expMs] = [Date.parse(nbf), Date.parse(exp)];
	// The field the user gave; with both given, validateRoomBody has already checked the pair.
	const field = changes.exp === undefined ? 'nbf' : 'exp';
	if (expMs <= Date.now()) {
		throw invalid(context, 'exp', `the room expired at ${exp}; give a new Expires At`);
	}
	if (nbfMs >= expMs) {
		throw invalid(
			context,
			field,
			field === 'nbf'
				? `${nbf} must be before the room’s Expires At (${exp}); give the new Expires At too`
				: `${exp} must be after the room’s Start (${nbf})`,
		);
	}
	checkLifetime(context, field, nbfMs, expMs);
}

/**
 * Get Many's Limit: a whole number of 1 or more, however it was given (typed, or from an
 * expression as a number or as text). Anything else is an error, never "all rooms".
 * Undefined when Return All is on.
 */
export function requestedLimit(context: IExecuteSingleFunctions): number | undefined {
	if (context.getNodeParameter('returnAll', false) === true) return undefined;
	const raw = context.getNodeParameter('limit', 50) as unknown;
	const limit = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
	if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
		throw new NodeOperationError(
			context.getNode(),
			`Limit: ${shown(raw)} is not a whole number of 1 or more`,
			{
				itemIndex: context.getItemIndex(),
				description:
					'Set Limit to how many rooms you want (e.g. 50), or turn on "Return All" to get every room. Nothing was sent to Videsk.',
			},
		);
	}
	return limit;
}

/** Merges "Other Settings (JSON)" into `settings`; the typed settings fields win. */
export async function mergeOtherSettings(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const raw = this.getNodeParameter('additionalFields.otherSettings', '{}') as unknown;
	let other: unknown = raw;
	if (typeof raw === 'string') {
		try {
			other = raw.trim() === '' ? {} : JSON.parse(raw);
		} catch (error) {
			throw invalid(this, 'settings', `not valid JSON (${(error as Error).message})`);
		}
	}
	if (other === null || typeof other !== 'object' || Array.isArray(other)) {
		throw invalid(this, 'settings', 'must be a JSON object, e.g. {"layout": "grid"}');
	}
	const body = requestOptions.body as IDataObject;
	body.settings = { ...(other as IDataObject), ...((body.settings as IDataObject) ?? {}) };
	return requestOptions;
}

/** Update needs at least one field; an empty PATCH would change nothing. */
export async function requireUpdateField(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	if (Object.keys(requestOptions.body as IDataObject).length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			'Update Fields: add at least one field to change',
			{
				itemIndex: this.getItemIndex(),
				description:
					'Nothing was sent to Videsk. To close a room, the "End" operation is simplest.',
			},
		);
	}
	return requestOptions;
}

/** A Videsk call answers in well under a second; n8n would otherwise wait 300 s for a hung one. */
export async function applyDefaultTimeout(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	if (!this.getNodeParameter('requestOptions.timeout', 0))
		requestOptions.timeout = DEFAULT_TIMEOUT_MS;
	return requestOptions;
}
