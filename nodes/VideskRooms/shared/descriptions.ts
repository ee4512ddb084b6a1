import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';
import { EXTERNAL_ID_MAX_LENGTH, NAME_MAX_LENGTH } from './api';
import { ROOM_FIELD_OPTIONS } from './output';
import { mergeOtherSettings } from './validation';

// Field definitions shared by several operations; each operation file adds its displayOptions.

export const roomLocator: INodeProperties = {
	displayName: 'Room',
	name: 'room',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The room, chosen from the list, by its Videsk ID, or by your External ID',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a room...',
			typeOptions: { searchListMethod: 'searchRooms', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 64f1a2b3c4d5e6f7a8b9c0d1',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: '^\\s*[0-9a-fA-F]{24}\\s*$',
						errorMessage: 'A Videsk room ID has 24 hexadecimal characters',
					},
				},
			],
		},
		{
			displayName: 'By External ID',
			name: 'externalId',
			type: 'string',
			placeholder: 'e.g. standup-2024-08-14',
		},
	],
};

/**
 * "Output" and, for "Selected Fields", the fields to keep; applied by withOutput (output.ts),
 * which the operation's routing must use. Default Simplified, as in n8n's Microsoft Entra ID node.
 */
export function outputFields(show: IDisplayOptions['show']): INodeProperties[] {
	return [
		{
			displayName: 'Output',
			name: 'output',
			type: 'options',
			default: 'simple',
			displayOptions: { show },
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

export const externalIdField: INodeProperties = {
	displayName: 'External ID',
	name: 'externalId',
	type: 'string',
	default: '',
	placeholder: 'e.g. crm-deal-4711',
	description: `Your own identifier for the room, such as the calendar event or CRM deal ID: unique in your Videsk account, at most ${EXTERNAL_ID_MAX_LENGTH} characters. Create or Get and Create or Update find the room by it on a rerun, so they need it; Create lets Videsk generate one when it is empty.`,
	// Sent by the setExternalId preSend, not by routing: see there. Not marked required, as
	// Create does without it; Create or Get and Create or Update refuse an empty one before any
	// request (externalIdRequired in sequences.ts).
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
