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
import { toUtcIso } from './dates';

// preSend hooks: routing cannot validate, so these check what can be known before any request
// and name the field to fix.

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** Field labels as the user sees them, keyed by wire name. */
const LABELS: Record<string, string> = {
	name: 'Name',
	externalId: 'External ID',
	nbf: 'Start',
	exp: 'Expires At',
	settings: 'Other Settings (JSON)',
	room: 'Room',
};

function invalid(context: IExecuteSingleFunctions, field: string, problem: string) {
	return new NodeOperationError(context.getNode(), `${LABELS[field]}: ${problem}`, {
		itemIndex: context.getItemIndex(),
		description: `Fix the "${LABELS[field]}" field of this item; nothing was sent to Videsk.`,
	});
}

/** Numbers from expressions become text; null, undefined and blank text count as "not set". */
function optionalText(value: unknown): string | undefined {
	if (value === null || value === undefined) return undefined;
	const text = typeof value === 'string' ? value.trim() : String(value);
	return text === '' ? undefined : text;
}

/** Replaces {roomId} in the URL with the chosen room, URL-encoded so it stays one path segment. */
export async function setRoomPath(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	// One read of the locator (an expression in it is evaluated once); no mode extracts a part.
	const locator = this.getNodeParameter('room', undefined, { extractValue: false }) as {
		mode?: string;
		value?: unknown;
	};
	const roomId = optionalText(locator.value);
	if (roomId === undefined) {
		throw invalid(
			this,
			'room',
			'no room was given. Choose one from the list, or enter its ID or External ID',
		);
	}
	if (locator.mode === 'id' && !OBJECT_ID.test(roomId)) {
		throw invalid(
			this,
			'room',
			`"${roomId}" is not a room ID (24 hexadecimal characters). To use your own identifier, choose "By External ID"`,
		);
	}
	if (locator.mode === 'externalId' && roomId.length > EXTERNAL_ID_MAX_LENGTH) {
		throw invalid(this, 'room', `an External ID has at most ${EXTERNAL_ID_MAX_LENGTH} characters`);
	}
	requestOptions.url = requestOptions.url!.replace(`${ROOMS_PATH}/${ROOM_ID}`, roomPath(roomId));
	return requestOptions;
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
 * within Videsk's lengths, dates as UTC ISO 8601, start before expiry, expiry in the future,
 * lifetime within Videsk's documented maximum.
 */
export async function validateRoomBody(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	const body = requestOptions.body as IDataObject;
	const limits: Record<string, number> = {
		name: NAME_MAX_LENGTH,
		externalId: EXTERNAL_ID_MAX_LENGTH,
	};
	for (const field of Object.keys(limits)) {
		if (!(field in body)) continue;
		const text = optionalText(body[field]);
		if (text === undefined) {
			delete body[field];
		} else if (text.length > limits[field]) {
			throw invalid(
				this,
				field,
				`${text.length} characters, Videsk allows at most ${limits[field]}`,
			);
		} else {
			body[field] = text;
		}
	}

	const instants: Record<string, number> = {};
	for (const field of ['nbf', 'exp']) {
		if (!(field in body)) continue;
		if (optionalText(body[field]) === undefined) {
			delete body[field];
			continue;
		}
		const utc = toUtcIso(body[field], this.getTimezone());
		if (utc === undefined) {
			throw invalid(
				this,
				field,
				`${JSON.stringify(body[field])} is not a date-time. Use the date picker, or an ISO 8601 value such as 2026-05-01T09:30:00 (read in the workflow’s timezone) or 2026-05-01T09:30:00Z`,
			);
		}
		body[field] = utc;
		instants[field] = Date.parse(utc);
	}
	const now = Date.now();
	if (instants.exp !== undefined && instants.exp <= now) {
		throw invalid(this, 'exp', `${body.exp as string} is not in the future`);
	}
	if (instants.nbf !== undefined && instants.exp !== undefined && instants.nbf >= instants.exp) {
		throw invalid(
			this,
			'nbf',
			`${body.nbf as string} must be before Expires At (${body.exp as string})`,
		);
	}
	const lifetimeHours = (instants.exp - (instants.nbf ?? now)) / 3_600_000;
	if (instants.exp !== undefined && lifetimeHours > MAX_LIFETIME_HOURS) {
		throw invalid(
			this,
			'exp',
			`the room would last ${Math.round(lifetimeHours)} hours, Videsk allows at most ${MAX_LIFETIME_HOURS}`,
		);
	}
	return requestOptions;
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
