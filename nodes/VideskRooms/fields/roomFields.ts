import type {
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';
import { EXTERNAL_ID_MAX_LENGTH, MAX_LIFETIME_HOURS, NAME_MAX_LENGTH } from '../videsk';
import { invalid, shown, textOf } from './check';
import { parseDateTime } from './dates';
import { roomReferenceProblem } from './room';

// A room's own fields — External ID, Name, Start, Expires At and settings — as Create, Create or
// Get, Create or Update and Update offer them, and the checks on their values before any request.

export const externalIdField: INodeProperties = {
	displayName: 'External ID',
	name: 'externalId',
	type: 'string',
	default: '',
	placeholder: 'e.g. crm-deal-4711',
	description: `Your own identifier for the room, such as the calendar event or CRM deal ID: unique in your Videsk account, at most ${EXTERNAL_ID_MAX_LENGTH} characters. Create or Get and Create or Update find the room by it on a rerun, so they need it; Create lets Videsk generate one when it is empty.`,
	// Sent by the setExternalId preSend, not by routing: see there. Not marked required, as
	// Create does without it; Create or Get and Create or Update refuse an empty one before any
	// request.
};

export const nameField: INodeProperties = {
	displayName: 'Name',
	name: 'name',
	type: 'string',
	default: '',
	placeholder: 'e.g. Team standup meeting',
	description: `Internal room name, at most ${NAME_MAX_LENGTH} characters`,
	routing: { send: { type: 'body', property: 'name' } },
};

export const startField: INodeProperties = {
	displayName: 'Start',
	name: 'nbf',
	type: 'dateTime',
	default: '',
	description:
		'When participants can start joining (Videsk’s “not before”, nbf). Read in the workflow’s timezone unless the value has an offset; sent as UTC.',
	routing: { send: { type: 'body', property: 'nbf' } },
};

export const expiresAtField: INodeProperties = {
	displayName: 'Expires At',
	name: 'exp',
	type: 'dateTime',
	default: '',
	description:
		'When the room expires (exp): in the future, after Start, at most 72 hours after it. Read in the workflow’s timezone unless the value has an offset; sent as UTC.',
	routing: { send: { type: 'body', property: 'exp' } },
};

/**
 * The "Additional Fields" of Create, Create or Get and Create or Update ("otherSettings" is
 * read by name). Alphabetical, like Update's "Update Fields", as in n8n's own nodes.
 */
export const roomCreationFields: INodeProperties = {
	displayName: 'Additional Fields',
	name: 'additionalFields',
	type: 'collection',
	placeholder: 'Add Field',
	default: {},
	options: [
		{
			...expiresAtField,
			description: `${expiresAtField.description} Default: 3 hours from now.`,
		},
		{
			displayName: 'Max Participants',
			name: 'maxParticipants',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 10,
			description: 'Room setting maxParticipants: how many people can be in the room at once',
			routing: { send: { type: 'body', property: 'settings.maxParticipants' } },
		},
		{
			displayName: 'Other Settings (JSON)',
			name: 'otherSettings',
			type: 'json',
			default: '{}',
			description:
				'Any other room settings, as a JSON object. Videsk’s docs list only maxParticipants and recordingEnabled; the Max Participants and Recording Enabled fields win over the same keys here.',
			routing: { send: { preSend: [mergeOtherSettings] } },
		},
		{
			displayName: 'Recording Enabled',
			name: 'recordingEnabled',
			type: 'boolean',
			default: false,
			description: 'Whether the room records the session (room setting recordingEnabled)',
			routing: { send: { type: 'body', property: 'settings.recordingEnabled' } },
		},
		{
			...startField,
			description: `${startField.description} Default: now.`,
		},
	],
};

/** Operations whose room starts now unless Start is set (Videsk's default for `nbf`). */
const STARTS_NOW_BY_DEFAULT = ['create', 'createOrGet'];

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
 * preSend of the operations that send a room's fields: text fields trimmed and within Videsk's
 * lengths, an External ID that can address the room later, dates as UTC ISO 8601, expiry in the
 * future, and — where the room's start is known — start before expiry and a lifetime within
 * Videsk's documented maximum. Update knows the start only when Start is set (the room's current
 * one is not read first), so otherwise it leaves those two rules to Videsk.
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
	const operation = this.getNodeParameter('operation', '') as string;
	const start = nbf ?? (STARTS_NOW_BY_DEFAULT.includes(operation) ? now : undefined);
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
