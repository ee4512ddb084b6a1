import type {
	IDataObject,
	IDisplayOptions,
	IExecutePaginationFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import type { RoutedRequest } from '../transport/routing';

// The "Output" parameter (Simplified / Raw / Selected Fields), as n8n's UX guidelines ask of
// nodes usable as AI tools. It shapes an operation's final items, after all of its requests:
// Create or Update and End read fields of the room they fetched, so shaping each response as it
// arrives (a postReceive) would hide from them what they compare.

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
/** What the operation did (not room fields): kept whatever the Output. */
const OUTCOME_FIELDS = ['created', 'updated', 'alreadyEnded'];

/**
 * "Output" and, for "Selected Fields", the fields to keep; applied by withOutput (and by the
 * trigger, which has no `show`: its Output is always there).
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
						'Return the room’s ID, External ID, name, start (nbf), expiry (exp), ended state and access token (when Videsk sent one)',
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

/** The room fields "Output" keeps (`selected`: those of "Selected Fields"); all for Raw. */
export function keptFields(output: string, selected: string[]): string[] | undefined {
	if (output === 'raw') return undefined;
	return output === 'fields' ? ['id', ...selected] : SIMPLIFIED_FIELDS;
}

/** `room`'s `fields` that it has, in that order. */
export function pick(room: IDataObject, fields: string[]): IDataObject {
	const picked: IDataObject = {};
	for (const field of fields) if (room[field] !== undefined) picked[field] = room[field];
	return picked;
}

type Flow = (
	this: IExecutePaginationFunctions,
	request: RoutedRequest,
) => Promise<INodeExecutionData[]>;

/** Wraps an operation's request flow (routing's pagination hook) to apply "Output". */
export function withOutput(flow: Flow): Flow {
	return async function (this: IExecutePaginationFunctions, request) {
		const items = await flow.call(this, request);
		const output = this.getNodeParameter('output', 'raw') as string;
		const fields = keptFields(output, this.getNodeParameter('fields', []) as string[]);
		if (fields === undefined) return items;
		return items.map((item) => ({
			...item,
			json: pick(item.json, [...fields, ...OUTCOME_FIELDS]),
		}));
	};
}
