import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { OPERATION_NAMES, ROOMS_PATH } from '../../shared/api';
import { outputFields } from '../../shared/descriptions';
import { withOutput } from '../../shared/output';
import { createOrGetRoom } from '../../shared/sequences';
import { setExternalId, validateRoomBody } from '../../shared/validation';

const show = { resource: ['room'], operation: ['createOrGet'] };

export const createOrGetOperation: INodePropertyOptions = {
	name: OPERATION_NAMES.createOrGet,
	value: 'createOrGet',
	action: 'Create or get room',
	description:
		'Create a new room, or get the existing one with this External ID as it is: safe to run twice for the same event. Output "created" says which.',
	routing: {
		request: { method: 'POST', url: ROOMS_PATH },
		send: { preSend: [setExternalId, validateRoomBody] },
		operations: { pagination: withOutput(createOrGetRoom) },
	},
};

// External ID, Name and Additional Fields: shared with Create and Create or Update
// (resources/room/index.ts).
export const createOrGetFields: INodeProperties[] = outputFields(show);
