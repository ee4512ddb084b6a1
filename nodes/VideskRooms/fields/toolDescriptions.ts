import type { INodeProperties } from 'n8n-workflow';
import { EXTERNAL_ID_MAX_LENGTH, MAX_LIFETIME_HOURS } from '../videsk';
import { TOOL_SIMPLIFIED_FIELDS } from './output';

// What an AI agent (or an MCP client) is told each operation does, as the node's AI-tool variant
// offers it. n8n's own default is the operation's action, "Create or get room in Videsk Rooms",
// which says nothing of External ID, dates or the answer. A node that has a `toolDescription`
// parameter gets none from n8n (its "Tool Description: Set Automatically / Manually" pair), so
// these take its place: one per operation, shown only in the tool variant (`@tool`), each with
// its operation's text as default.

const MEANINGS: Record<string, string> = {
	nbf: 'nbf (its start, UTC)',
	exp: 'exp (its expiry, UTC)',
};
/** The room as the tool's Simplified output gives it: its times also in the workflow's timezone. */
const ROOM = TOOL_SIMPLIFIED_FIELDS.flatMap((field) =>
	field === 'exp'
		? [MEANINGS.exp, "start and expiresAt (the same times in the workflow's timezone)"]
		: [MEANINGS[field] ?? field],
).join(', ');

/** Create or Get and Create or Update never pass on an access token, even for a room they create. */
const NO_TOKEN =
	'It returns no access token: to let someone join, call Get Join Token for each participant.';

const DATES = `Start and Expires At are ISO 8601 date-times: without an offset (2026-05-01T09:30:00) they are read in the workflow's timezone, with one (2026-05-01T09:30:00+02:00, or Z for UTC) as given; empty, Start is now and Expires At 3 hours later. Expires At must be in the future, after Start, at most ${MAX_LIFETIME_HOURS} hours after it.`;

const SAFE_TO_REPEAT = `External ID (your own ID for the meeting, at most ${EXTERNAL_ID_MAX_LENGTH} characters) is required: calling again with the same External ID is safe and never creates a second room.`;

export const TOOL_DESCRIPTIONS: Record<string, string> = {
	create: `Creates a new Videsk video room: every call creates another one (an External ID already in use is refused). ${DATES} Returns [{${ROOM}}].`,
	createOrGet: `Creates a Videsk video room, or returns the existing room with this External ID unchanged. ${SAFE_TO_REPEAT} ${DATES} Returns [{${ROOM}, created}]: created is false when the room already existed (alreadyEnded is true if it has ended). ${NO_TOKEN}`,
	createOrUpdate: `Creates a Videsk video room, or updates the existing room with this External ID: its Start and Expires At where they differ, and its name when one is given. ${SAFE_TO_REPEAT} ${DATES} Returns [{${ROOM}, created, updated}]. ${NO_TOKEN}`,
	end: `Ends a Videsk video room for everyone: no one can join it any more, and it cannot be reopened. Returns [{${ROOM}}] with ended true.`,
	get: `Gets one Videsk video room. Returns [{${ROOM}}].`,
	getAll: `Lists the account's Videsk video rooms. Returns one object per room: [{${ROOM}}, …].`,
	getJoinToken:
		'Issues a new access token for one participant to join a Videsk video room. Returns [{participant, roomId or externalId (the room as given), accessToken}]: whoever holds the token can join the room, so give it only to that participant.',
	getStats:
		"Gets the call-quality analysis of a Videsk video room's session (from WebRTC telemetry), as Videsk sends it.",
	update: `Changes a Videsk video room: its name, Start, Expires At or ended state. ${DATES} Returns [{${ROOM}}].`,
};

export const toolDescriptionFields: INodeProperties[] = Object.entries(TOOL_DESCRIPTIONS).map(
	([operation, text]) => ({
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string',
		default: text,
		required: true,
		typeOptions: { rows: 4 },
		description:
			'What the AI agent is told this tool does and returns. The default describes the Simplified output; change it if you pick another Output or want to tell the agent more.',
		displayOptions: { show: { '@tool': [true], resource: ['room'], operation: [operation] } },
	}),
);
