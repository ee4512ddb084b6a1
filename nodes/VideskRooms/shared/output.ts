import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	INodeExecutionData,
} from 'n8n-workflow';

// The "Output" parameter (Simplified / Raw / Selected Fields), as n8n's UX guidelines ask of
// nodes usable as AI tools. It shapes an operation's final items, after all of its requests:
// Create or Update and End read fields of the room they fetched, so shaping each response as it
// arrives (a postReceive) would hide from them what they compare.

/** Room fields as the user picks them under "Selected Fields"; `id` is always returned. */
export const ROOM_FIELD_OPTIONS = [
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
/** What the operation did (not room fields): kept whatever the Output. */
const OUTCOME_FIELDS = ['created', 'updated', 'alreadyEnded'];

function pick(room: IDataObject, fields: string[]): IDataObject {
	const picked: IDataObject = {};
	for (const field of fields) if (room[field] !== undefined) picked[field] = room[field];
	return picked;
}

type Sequence = (
	this: IExecutePaginationFunctions,
	request: DeclarativeRestApiSettings.ResultOptions,
) => Promise<INodeExecutionData[]>;

/** Wraps an operation's request sequence (routing's pagination hook) to apply "Output". */
export function withOutput(sequence: Sequence): Sequence {
	return async function (this: IExecutePaginationFunctions, request) {
		const items = await sequence.call(this, request);
		const output = this.getNodeParameter('output', 'raw') as string;
		if (output === 'raw') return items;
		const fields =
			output === 'fields'
				? ['id', ...(this.getNodeParameter('fields', []) as string[])]
				: SIMPLIFIED_FIELDS;
		return items.map((item) => ({
			...item,
			json: pick(item.json, [...fields, ...OUTCOME_FIELDS]),
		}));
	};
}

/**
 * Get Join Token's "Participant Label" (postReceive): Videsk's join answer is only the token,
 * so the label the user gives goes beside it, to tell the tokens of one room apart.
 */
export async function labelParticipant(
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const label = this.getNodeParameter('participant', '') as unknown;
	const participant = label === null || label === undefined ? '' : String(label).trim();
	if (participant === '') return items;
	return items.map((item) => ({ ...item, json: { participant, ...item.json } }));
}
