import type { INodePropertyOptions } from 'n8n-workflow';
import { withOutput } from '../fields/output';
import { setExternalId, validateRoomBody } from '../fields/roomFields';
import { ROOM_LIST_ADVICE } from '../transport/errors';
import { sendRouted, type OperationErrors } from '../transport/routing';
import { ROOMS_PATH } from '../videsk';

// Fields: External ID, Name, Additional Fields and Output, shared with Create or Get and Create
// or Update (index.ts).

export const createErrors: OperationErrors = { label: 'Create', advice: ROOM_LIST_ADVICE };

export const create: INodePropertyOptions = {
	name: createErrors.label,
	value: 'create',
	action: 'Create room',
	description: 'Create a new video room and get its first access token',
	routing: {
		request: { method: 'POST', url: ROOMS_PATH },
		send: { preSend: [setExternalId, validateRoomBody] },
		operations: {
			pagination: withOutput(async function (request) {
				return await sendRouted(this, createErrors, request);
			}),
		},
	},
};
