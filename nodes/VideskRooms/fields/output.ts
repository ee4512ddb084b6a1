import type {
	IDataObject,
	IDisplayOptions,
	IExecuteSingleFunctions,
	INodeProperties,
} from 'n8n-workflow';
import { oneOf, readParameter, runsAsTool, someOf } from './contract';
import { inTimeZone } from './dates';

// The "Output" parameter (Simplified / Raw / Selected Fields), as n8n's UX guidelines ask of
// nodes usable as AI tools. It shapes an operation's final items, after all of its requests:
// Create or Update and End read fields of the room they fetched, so shaping each response as it
// arrives (a postReceive) would hide from them what they compare. It is read, like every
// parameter, before any request.

/** Room fields as the user picks them under "Selected Fields"; `id` is always returned. */
const ROOM_FIELD_OPTIONS = [
	{ name: 'Access Token', value: 'accessToken' },
	{ name: 'Authorizations', value: 'authorizations' },
	{ name: 'Created At', value: 'createdAt' },
	{ name: 'Ended', value: 'ended' },
	{ name: 'Expires At', value: 'exp' },
	{ name: 'External ID', value: 'externalId' },
	{ name: 'Name', value: 'name' },
	{ name: 'Settings', value: 'settings' },
	{ name: 'Start', value: 'nbf' },
];

export const SIMPLIFIED_FIELDS = ['id', 'externalId', 'name', 'nbf', 'exp', 'ended', 'accessToken'];
/**
 * Simplified for an AI agent: no accessToken. It lets whoever holds it join the room, and an agent
 * may repeat what it reads to anyone (the chat, an email, another tool). Get Join Token, whose
 * output is a token for one participant, is the operation for handing one out; Raw and Selected
 * Fields still return it when the user picks them.
 */
export const TOOL_SIMPLIFIED_FIELDS = SIMPLIFIED_FIELDS.filter((field) => field !== 'accessToken');
/** What the operation did (not room fields): kept whatever the Output. */
const OUTCOME_FIELDS = ['created', 'updated', 'alreadyEnded'];

/**
 * "Output" and, for "Selected Fields", the fields to keep; applied by shapeOutput (the trigger's
 * has no `show`: it is always there).
 */
export function outputFields(show?: IDisplayOptions['show']): INodeProperties[] {
	return [
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			// Simplified by default, as in n8n's Microsoft Entra ID node.
			default: 'simple',
			...(show ? { displayOptions: { show } } : {}),
			options: [
				{
					name: 'Simplified',
					value: 'simple',
					description:
						'Main fields; times in UTC (nbf, exp) and in the workflow’s timezone (start, expiresAt)',
				},
				{ name: 'Raw', value: 'raw', description: 'Return every field Videsk sends' },
				{
					name: 'Selected Fields',
					value: 'fields',
					description: 'Return the ID and the fields you select',
				},
			],
		},
		{
			displayName: 'Fields',
			name: 'fields',
			type: 'multiOptions',
			default: [],
			displayOptions: { show: { ...show, output: ['fields'] } },
			options: ROOM_FIELD_OPTIONS,
			description:
				'The room fields to return besides its ID (Start is nbf, Expires At is exp in the output)',
		},
	];
}

function pick(room: IDataObject, fields: string[]): IDataObject {
	const picked: IDataObject = {};
	for (const field of fields) if (room[field] !== undefined) picked[field] = room[field];
	return picked;
}

const OUTPUT = oneOf<'simple' | 'raw' | 'fields'>(outputFields({})[0]);
const FIELDS = someOf(outputFields({})[1]);

/**
 * What Output keeps of a room: every field (Raw), or these; with `timeZone` (Simplified), the
 * room's times also as wall times in it (`start`, `expiresAt`), beside Videsk's UTC `nbf`, `exp`.
 */
export interface OutputShape {
	fields: string[] | 'all';
	timeZone?: string;
}

/** Output as read before any request. */
export function readOutput(context: IExecuteSingleFunctions): OutputShape {
	const output = readParameter(context, 'output', OUTPUT) ?? 'simple';
	const selected = output === 'fields' ? (readParameter(context, 'fields', FIELDS) ?? []) : [];
	return outputShape(output, selected, context.getTimezone(), runsAsTool(context));
}

/** What "Output" keeps (`selected`: the fields of "Selected Fields"). */
export function outputShape(
	output: string,
	selected: string[],
	timeZone: string,
	tool = false,
): OutputShape {
	if (output === 'raw') return { fields: 'all' };
	if (output === 'fields') return { fields: ['id', ...selected] };
	return { fields: tool ? TOOL_SIMPLIFIED_FIELDS : SIMPLIFIED_FIELDS, timeZone };
}

/** The room's times in `timeZone`, as the form's Start and Expires At read them. */
function localTimes(room: IDataObject, timeZone: string): IDataObject {
	const times: IDataObject = {};
	for (const [field, local] of [
		['nbf', 'start'],
		['exp', 'expiresAt'],
	] as const) {
		const utcMs = typeof room[field] === 'string' ? Date.parse(room[field]) : Number.NaN;
		if (!Number.isNaN(utcMs)) times[local] = inTimeZone(utcMs, timeZone);
	}
	return times;
}

/** Applies "Output" to an operation's final results, after all of its requests. */
export function shapeOutput(rooms: IDataObject[], { fields, timeZone }: OutputShape) {
	if (fields === 'all') return rooms;
	return rooms.map((room) => {
		const picked = pick(room, [...fields, ...OUTCOME_FIELDS]);
		if (timeZone === undefined) return picked;
		// start and expiresAt right after Videsk's nbf and exp, as the table's columns show them.
		const times = localTimes(room, timeZone);
		const shaped: IDataObject = {};
		for (const [field, value] of Object.entries(picked)) {
			shaped[field] = value;
			if (field === 'exp') Object.assign(shaped, times);
		}
		return Object.assign(shaped, times);
	});
}
