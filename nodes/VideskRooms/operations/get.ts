import type { INodePropertyOptions } from 'n8n-workflow';
import { withOutput } from '../fields/output';
import { roomUrl, sendToRoom, setRoomPath } from '../fields/room';
import type { OperationErrors } from '../transport/routing';

// Fields: Room (index.ts) and Output.

export const getErrors: OperationErrors = { label: 'Get' };

export const get: INodePropertyOptions = {
	name: getErrors.label,
	value: 'get',
	action: 'Get room',
	description: 'Retrieve a room by its Videsk ID or your External ID',
	routing: {
		request: { method: 'GET', url: roomUrl() },
		send: { preSend: [setRoomPath] },
		operations: {
			pagination: withOutput(async function (request) {
				return await sendToRoom(this, getErrors, request);
			}),
		},
	},
};
