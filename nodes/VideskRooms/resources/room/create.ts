import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { OPERATION_NAMES, ROOMS_PATH } from '../../shared/api';
import { outputFields } from '../../shared/descriptions';
import { withOutput } from '../../shared/output';
import { sendWithRetry } from '../../shared/sequences';
import { setExternalId, validateRoomBody } from '../../shared/validation';

const show = { resource: ['room'], operation: ['create'] };

export const createOperation: INodePropertyOptions = {
	name: OPERATION_NAMES.create,
	value: 'create',
	action: 'Create room',
	description: 'Create a new video room and get its first access token',
	routing: {
		request: { method: 'POST', url: ROOMS_PATH },
		send: { preSend: [setExternalId, validateRoomBody] },
		operations: { pagination: withOutput(sendWithRetry) },
	},
};

// External ID, Name and Additional Fields: shared with Create or Get and Create or Update
// (resources/room/index.ts).
export const createFields: INodeProperties[] = outputFields(show);
