import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { OPERATION_NAMES, ROOMS_PATH } from '../../shared/api';
import {
	externalIdField,
	nameField,
	outputFields,
	roomCreationFields,
} from '../../shared/descriptions';
import { withOutput } from '../../shared/output';
import { createOrUpdateRoom } from '../../shared/sequences';
import { setExternalId, validateRoomBody } from '../../shared/validation';

const show = { resource: ['room'], operation: ['createOrUpdate'] };

export const createOrUpdateOperation: INodePropertyOptions = {
	name: OPERATION_NAMES.createOrUpdate,
	value: 'createOrUpdate',
	action: 'Create or update room',
	description:
		'Create a new room, or update the one with this External ID to the given name and times (upsert): for rescheduled events',
	routing: {
		request: { method: 'POST', url: ROOMS_PATH },
		send: { preSend: [setExternalId, validateRoomBody] },
		operations: { pagination: withOutput(createOrUpdateRoom) },
	},
};

export const createOrUpdateFields: INodeProperties[] = [
	{
		...externalIdField(true),
		displayOptions: { show },
		hint: 'Output fields "created" and "updated" say whether this run created the room or changed it',
	},
	{
		...nameField,
		displayOptions: { show },
		description: `${nameField.description}. An existing room is renamed only when this is filled in.`,
	},
	{
		...roomCreationFields,
		displayOptions: { show },
		description:
			'Start and Expires At also update an existing room (only those that differ); the settings are used only when the room is created, as Videsk cannot change them later',
	},
	...outputFields(show),
];
