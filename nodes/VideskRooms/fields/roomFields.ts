import type { IDataObject, IExecuteSingleFunctions, INodeProperties } from 'n8n-workflow';
import {
	DEFAULT_LIFETIME_HOURS,
	EXTERNAL_ID_MAX_LENGTH,
	MAX_LIFETIME_HOURS,
	NAME_MAX_LENGTH,
} from '../videsk';
import { clock } from '../transport/clock';
import { duration } from '../wording';
import { invalid } from './check';
import {
	checkValue,
	dateTime,
	jsonObject,
	quotedTime,
	readParameter,
	text,
	trueOrFalse,
	wholeNumber,
	type Instant,
	type Rule,
} from './contract';
import { roomReferenceProblem } from './room';

// A room's own fields — External ID, Name, Start, Expires At and settings — as Create, Create or
// Get, Create or Update and Update offer them; their rules, and the rules between them.

const HOUR_MS = 3_600_000;

const EXTERNAL_ID_HINT = `Unique in your Videsk account, at most ${EXTERNAL_ID_MAX_LENGTH} characters`;

/** Create or Get and Create or Update find the room by its External ID on a rerun: required. */
export const externalIdField: INodeProperties = {
	displayName: 'External ID',
	name: 'externalId',
	type: 'string',
	required: true,
	default: '',
	placeholder: 'e.g. crm-deal-4711',
	description: 'Your own identifier for the room, such as the calendar event or CRM deal ID',
	hint: `${EXTERNAL_ID_HINT}. A rerun with the same External ID finds the room instead of creating another.`,
};

/** Create's External ID: optional, Videsk generates one when it is empty. */
export const createExternalIdField: INodeProperties = {
	...externalIdField,
	name: 'createExternalId',
	required: false,
	hint: `${EXTERNAL_ID_HINT}. Leave empty to let Videsk generate one.`,
};

export const nameField: INodeProperties = {
	displayName: 'Name',
	name: 'name',
	type: 'string',
	default: '',
	placeholder: 'e.g. Team standup meeting',
	description: `Internal room name, at most ${NAME_MAX_LENGTH} characters`,
};

export const startField: INodeProperties = {
	displayName: 'Start',
	name: 'nbf',
	type: 'dateTime',
	default: '',
	description:
		'When participants can start joining (Videsk’s “not before”, nbf). Read in the workflow’s timezone unless the value has an offset; sent as UTC.',
};

export const expiresAtField: INodeProperties = {
	displayName: 'Expires At',
	name: 'exp',
	type: 'dateTime',
	default: '',
	description: `When the room expires (exp): in the future, after Start, at most ${MAX_LIFETIME_HOURS} hours after it. Read in the workflow’s timezone unless the value has an offset; sent as UTC.`,
};

const maxParticipantsField: INodeProperties = {
	displayName: 'Max Participants',
	name: 'maxParticipants',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 10,
	description: 'Room setting maxParticipants: how many people can be in the room at once',
};

const recordingEnabledField: INodeProperties = {
	displayName: 'Recording Enabled',
	name: 'recordingEnabled',
	type: 'boolean',
	default: false,
	description: 'Whether the room records the session (room setting recordingEnabled)',
};

const otherSettingsField: INodeProperties = {
	displayName: 'Other Settings (JSON)',
	name: 'otherSettings',
	type: 'json',
	default: '{}',
	description:
		'Any other room settings, as a JSON object. Videsk’s docs list only maxParticipants and recordingEnabled; the Max Participants and Recording Enabled fields win over the same keys here.',
};

/**
 * The "Additional Fields" of Create, Create or Get and Create or Update: the times first, in the
 * order they happen, then the settings.
 */
export const roomCreationFields: INodeProperties = {
	displayName: 'Additional Fields',
	name: 'additionalFields',
	type: 'collection',
	placeholder: 'Add Field',
	default: {},
	options: [
		{ ...startField, description: `${startField.description} Default: now.` },
		{
			...expiresAtField,
			description: `${expiresAtField.description} Default: ${DEFAULT_LIFETIME_HOURS} hours from now.`,
		},
		maxParticipantsField,
		recordingEnabledField,
		otherSettingsField,
	],
};

// The rules of these fields (fields/contract.ts).

const EXTERNAL_ID_LIMITS = { maxLength: EXTERNAL_ID_MAX_LENGTH, problem: roomReferenceProblem };
export const EXTERNAL_ID = text(externalIdField.displayName, {
	...EXTERNAL_ID_LIMITS,
	required: 'required to find the room on a rerun',
	whenEmpty: 'Fill in "External ID" (e.g. the calendar event or deal ID)',
});
const CREATE_EXTERNAL_ID = text(createExternalIdField.displayName, {
	...EXTERNAL_ID_LIMITS,
	whenEmpty: 'Fix the expression, or clear the field to let Videsk generate an External ID',
});
const NAME = text(nameField.displayName, {
	maxLength: NAME_MAX_LENGTH,
	whenEmpty:
		'Fix the expression, or clear the field: Videsk names a new room itself, and an existing one keeps its name',
});
const NEW_NAME = text(nameField.displayName, {
	maxLength: NAME_MAX_LENGTH,
	whenEmpty: 'Give the new name, or remove Name from Update Fields',
});
const START = dateTime(startField.displayName);
const EXPIRES_AT = dateTime(expiresAtField.displayName);
const MAX_PARTICIPANTS = wholeNumber(maxParticipantsField.displayName, { min: 1 });
const RECORDING_ENABLED = trueOrFalse(recordingEnabledField.displayName);
const OTHER_SETTINGS = jsonObject(otherSettingsField.displayName, '{"layout": "grid"}');

/** A room's fields as the user gave them: plain values, checked. */
export interface RoomFields {
	externalId?: string;
	name?: string;
	nbf?: Instant;
	exp?: Instant;
	settings?: IDataObject;
}

/** The settings, merged: Other Settings (JSON), with the documented keys checked by their rules. */
function readSettings(context: IExecuteSingleFunctions): IDataObject | undefined {
	const typed: IDataObject = {};
	const maxParticipants = readParameter(
		context,
		'additionalFields.maxParticipants',
		MAX_PARTICIPANTS,
	);
	if (maxParticipants !== undefined) typed.maxParticipants = maxParticipants;
	const recordingEnabled = readParameter(
		context,
		'additionalFields.recordingEnabled',
		RECORDING_ENABLED,
	);
	if (recordingEnabled !== undefined) typed.recordingEnabled = recordingEnabled;
	const other = readParameter(context, 'additionalFields.otherSettings', OTHER_SETTINGS) ?? {};
	const documented: Record<string, Rule<number | boolean>> = {
		maxParticipants: MAX_PARTICIPANTS,
		recordingEnabled: RECORDING_ENABLED,
	};
	for (const [key, rule] of Object.entries(documented)) {
		if (key in other && !(key in typed)) {
			other[key] = checkValue(context, rule, other[key], { label: OTHER_SETTINGS.label, key });
		}
	}
	const settings = { ...other, ...typed };
	return Object.keys(settings).length > 0 ? settings : undefined;
}

/**
 * The fields of Create (its own External ID), Create or Get and Create or Update, checked on
 * their own and against each other; what depends on the clock is checked where a room is
 * created (creationProblem) or its times changed.
 */
export function readRoomFields(
	context: IExecuteSingleFunctions,
	externalId: 'externalId' | 'createExternalId',
): RoomFields {
	const fields: RoomFields = {
		externalId: readParameter(
			context,
			externalId,
			externalId === 'externalId' ? EXTERNAL_ID : CREATE_EXTERNAL_ID,
		),
		name: readParameter(context, 'name', NAME),
		nbf: readParameter(context, 'additionalFields.nbf', START),
		exp: readParameter(context, 'additionalFields.exp', EXPIRES_AT),
		settings: readSettings(context),
	};
	checkStartAndExpiry(context, fields.nbf, fields.exp);
	return fields;
}

/** The name and times of Update's Update Fields, checked on their own and against each other. */
export function readRoomChanges(context: IExecuteSingleFunctions): Omit<RoomFields, 'externalId'> {
	const changes = {
		name: readParameter(context, 'updateFields.name', NEW_NAME),
		nbf: readParameter(context, 'updateFields.nbf', START),
		exp: readParameter(context, 'updateFields.exp', EXPIRES_AT),
	};
	checkStartAndExpiry(context, changes.nbf, changes.exp);
	// A time that changes is checked against the clock; Videsk's room keeps its other one.
	if (changes.exp) checkInFuture(context, changes.exp);
	return changes;
}

/** A room's fields in Videsk's wire names: what is set, the times as UTC ISO 8601. */
export function roomBody(
	fields: Omit<RoomFields, 'externalId'> & {
		externalId?: string;
		ended?: boolean;
		generateToken?: boolean;
	},
): IDataObject {
	const body: IDataObject = {
		externalId: fields.externalId,
		name: fields.name,
		nbf: fields.nbf?.iso,
		exp: fields.exp?.iso,
		settings: fields.settings,
		ended: fields.ended,
		generateToken: fields.generateToken,
	};
	for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
	return body;
}

/** Start before Expires At and a lifetime within Videsk's maximum, when both are given. */
function checkStartAndExpiry(
	context: IExecuteSingleFunctions,
	nbf: Instant | undefined,
	exp: Instant | undefined,
): void {
	if (nbf === undefined || exp === undefined) return;
	if (nbf.utcMs >= exp.utcMs) {
		throw invalid(context, EXPIRES_AT.label, `${exp.quoted} must be after Start ${nbf.quoted}`);
	}
	checkLifetime(context, EXPIRES_AT.label, nbf.utcMs, exp.utcMs);
}

function checkInFuture(context: IExecuteSingleFunctions, exp: Instant): void {
	if (exp.utcMs <= clock.now()) {
		throw invalid(context, EXPIRES_AT.label, `${exp.quoted} is not in the future`);
	}
}

/** Videsk's maximum lifetime, from Start (or now, for a new room without Start) to Expires At. */
function lifetimeProblem(
	context: IExecuteSingleFunctions,
	label: string,
	startMs: number,
	expMs: number,
	fromNow = false,
	outcome?: string,
): Error | undefined {
	const lifetimeMs = expMs - startMs;
	const maxMs = MAX_LIFETIME_HOURS * HOUR_MS;
	if (lifetimeMs <= maxMs) return undefined;
	return invalid(
		context,
		label,
		`the room would last ${duration(lifetimeMs, fromNow)}${fromNow ? ' from now' : ''}, ${duration(lifetimeMs - maxMs, fromNow)} more than the ${MAX_LIFETIME_HOURS} hours Videsk allows`,
		undefined,
		outcome,
	);
}

function checkLifetime(
	context: IExecuteSingleFunctions,
	label: string,
	startMs: number,
	expMs: number,
) {
	const problem = lifetimeProblem(context, label, startMs, expMs);
	if (problem) throw problem;
}

/**
 * Why Videsk would refuse to create a room with these fields now, or undefined: what depends on
 * the clock. A room that starts now by default (no Start) counts its lifetime from now; one with
 * a Start but no Expires At gets Videsk's default expiry, 3 hours from now, which must be after
 * its Start.
 */
export function creationProblem(
	context: IExecuteSingleFunctions,
	fields: RoomFields,
	outcome?: string,
): Error | undefined {
	const now = clock.now();
	const { nbf, exp } = fields;
	if (exp && exp.utcMs <= now) {
		return invalid(
			context,
			EXPIRES_AT.label,
			`${exp.quoted} is not in the future`,
			undefined,
			outcome,
		);
	}
	if (exp && !nbf) return lifetimeProblem(context, EXPIRES_AT.label, now, exp.utcMs, true, outcome);
	if (!exp && nbf && nbf.utcMs >= now + DEFAULT_LIFETIME_HOURS * HOUR_MS) {
		return invalid(
			context,
			EXPIRES_AT.label,
			`not set, and a new room without it expires ${DEFAULT_LIFETIME_HOURS} hours from now (Videsk’s default), before its Start ${nbf.quoted}`,
			`Set Expires At too: after Start, at most ${MAX_LIFETIME_HOURS} hours after it`,
			outcome,
		);
	}
	return undefined;
}

/**
 * An existing room's new Start or Expires At: Videsk checks it together with the room's own
 * value of the other one, so this does too, before the PATCH, where the room shows it (the docs
 * do not promise it does). `changes` holds only what differs.
 */
export function checkRescheduledTimes(
	context: IExecuteSingleFunctions,
	room: { nbf?: string; exp?: string },
	changes: { nbf?: Instant; exp?: Instant },
): void {
	if (changes.nbf === undefined && changes.exp === undefined) return;
	const nbfMs = changes.nbf?.utcMs ?? Date.parse(room.nbf ?? '');
	const expMs = changes.exp?.utcMs ?? Date.parse(room.exp ?? '');
	const timeZone = context.getTimezone();
	const quoted = (given: Instant | undefined, roomMs: number, roomValue?: string) =>
		given?.quoted ?? (Number.isNaN(roomMs) ? String(roomValue) : quotedTime(roomMs, timeZone));
	const nbf = quoted(changes.nbf, nbfMs, room.nbf);
	const exp = quoted(changes.exp, expMs, room.exp);
	// The field the user gave; with both given, readRoomFields has already checked the pair.
	const lifetimeLabel = changes.exp === undefined ? START.label : EXPIRES_AT.label;
	const unchanged = 'nothing was changed';
	if (expMs <= clock.now()) {
		throw invalid(
			context,
			EXPIRES_AT.label,
			changes.exp
				? `${exp} is not in the future`
				: `the room expired at ${exp}; give a new Expires At`,
			undefined,
			unchanged,
		);
	}
	// A time the room does not show (NaN) is Videsk's to check.
	if (Number.isNaN(nbfMs) || Number.isNaN(expMs)) return;
	// Expires At is the field to fix: the new one, or one to give with the new Start.
	if (nbfMs >= expMs) {
		throw invalid(
			context,
			EXPIRES_AT.label,
			changes.exp
				? `${exp} must be after the room’s Start ${nbf}`
				: `the room’s Expires At ${exp} is not after the new Start ${nbf}; give a new Expires At too`,
			undefined,
			unchanged,
		);
	}
	const problem = lifetimeProblem(context, lifetimeLabel, nbfMs, expMs, false, unchanged);
	if (problem) throw problem;
}
