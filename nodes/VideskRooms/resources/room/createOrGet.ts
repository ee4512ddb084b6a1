import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { OPERATION_NAMES, ROOMS_PATH } from '../../shared/api';
import {
	externalIdField,
	nameField,
	outputFields,
	roomCreationFields,
} from '../../shared/descriptions';
import { withOutput } from '../../shared/output';
import { createOrGetRoom } from '../../shared/sequences';
import { setExternalId, validateRoomBody } from '../../shared/validation';

const show = { resource: ['room'], operation: ['createOrGet'] };

export const createOrGetOperation: INodePropertyOptions = {
	name: OPERATION_NAMES.createOrGet,
	value: 'createOrGet',
	action: 'Create or get room',
	description:
		'Create a new room, or get the existing one with this External ID as it is: safe to run twice for the same event',
	routing: {
		request: { method: 'POST', url: ROOMS_PATH },
		send: { preSend: [setExternalId, validateRoomBody] },
		operations: { pagination: withOutput(createOrGetRoom) },
	},
};

export const createOrGetFields: INodeProperties[] = [
	{
		...externalIdField(true),
		displayOptions: { show },
		hint: 'Output field "created" is true when this run created the room, false when it existed already',
	},
	{ ...nameField, displayOptions: { show } },
	{
		...roomCreationFields,
		displayOptions: { show },
		description: 'Used only when the room is created; an existing room is returned unchanged',
	},
	...outputFields(show),
];
