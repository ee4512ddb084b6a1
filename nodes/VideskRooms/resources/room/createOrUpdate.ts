import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { OPERATION_NAMES, ROOMS_PATH } from '../../shared/api';
import { outputFields } from '../../shared/descriptions';
import { withOutput } from '../../shared/output';
import { createOrUpdateRoom } from '../../shared/sequences';
import { setExternalId, validateRoomBody } from '../../shared/validation';

const show = { resource: ['room'], operation: ['createOrUpdate'] };

export const createOrUpdateOperation: INodePropertyOptions = {
	name: OPERATION_NAMES.createOrUpdate,
	value: 'createOrUpdate',
	action: 'Create or update room',
	description:
		'Create a new room, or update the one with this External ID to the given name and times (upsert): for rescheduled events. Output "created" and "updated" say which.',
	routing: {
		request: { method: 'POST', url: ROOMS_PATH },
		send: { preSend: [setExternalId, validateRoomBody] },
		operations: { pagination: withOutput(createOrUpdateRoom) },
	},
};

// External ID, Name and Additional Fields: shared with Create and Create or Get
// (resources/room/index.ts).
export const createOrUpdateFields: INodeProperties[] = outputFields(show);
