import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { OPERATION_NAMES, ROOMS_PATH } from '../../shared/api';
import {
	externalIdField,
	nameField,
	roomCreationFields,
	simplifyField,
} from '../../shared/descriptions';
import { setExternalId, validateRoomBody } from '../../shared/validation';

const show = { resource: ['room'], operation: ['create'] };

export const createOperation: INodePropertyOptions = {
	name: OPERATION_NAMES.create,
	value: 'create',
	action: 'Create a room',
	description: 'Create a video room and get its first access token',
	routing: {
		request: { method: 'POST', url: ROOMS_PATH },
		send: { preSend: [setExternalId, validateRoomBody] },
	},
};

export const createFields: INodeProperties[] = [
	{ ...externalIdField(false), displayOptions: { show } },
	{ ...nameField, displayOptions: { show } },
	{
		...roomCreationFields,
		displayOptions: { show },
	},
	{ ...simplifyField, displayOptions: { show } },
];
