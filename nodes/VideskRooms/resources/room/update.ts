import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { OPERATION_NAMES, ROOM_ID, ROOMS_PATH } from '../../shared/api';
import { expiresAtField, nameField, outputFields, startField } from '../../shared/descriptions';
import { withOutput } from '../../shared/output';
import { sendToRoom } from '../../shared/sequences';
import { requireUpdateField, setRoomPath, validateRoomBody } from '../../shared/validation';

const show = { resource: ['room'], operation: ['update'] };

export const updateOperation: INodePropertyOptions = {
	name: OPERATION_NAMES.update,
	value: 'update',
	action: 'Update room',
	description:
		'Change the name, start, expiry or ended state of a room, or issue a new access token',
	routing: {
		request: { method: 'PATCH', url: `${ROOMS_PATH}/${ROOM_ID}` },
		send: { preSend: [validateRoomBody, requireUpdateField, setRoomPath] },
		operations: { pagination: withOutput(sendToRoom) },
	},
};

export const updateFields: INodeProperties[] = [
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Ended',
				name: 'ended',
				type: 'boolean',
				default: true,
				description:
					'Whether to mark the room as ended. An ended room cannot be changed or reopened.',
				routing: { send: { type: 'body', property: 'ended' } },
			},
			expiresAtField,
			{
				displayName: 'Generate New Access Token',
				name: 'generateToken',
				type: 'boolean',
				default: true,
				description: 'Whether to issue a new access token, returned as accessToken',
				routing: { send: { type: 'body', property: 'generateToken' } },
			},
			{ ...nameField, description: `New ${nameField.description!.toLowerCase()}` },
			startField,
		],
	},
	...outputFields(show),
];
