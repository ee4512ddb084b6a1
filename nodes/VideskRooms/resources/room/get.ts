import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { OPERATION_NAMES, ROOM_ID, ROOMS_PATH } from '../../shared/api';
import { outputFields } from '../../shared/descriptions';
import { withOutput } from '../../shared/output';
import { sendToRoom } from '../../shared/sequences';
import { setRoomPath } from '../../shared/validation';

const show = { resource: ['room'], operation: ['get'] };

export const getOperation: INodePropertyOptions = {
	name: OPERATION_NAMES.get,
	value: 'get',
	action: 'Get room',
	description: 'Retrieve a room by its Videsk ID or your External ID',
	routing: {
		request: { method: 'GET', url: `${ROOMS_PATH}/${ROOM_ID}` },
		send: { preSend: [setRoomPath] },
		operations: { pagination: withOutput(sendToRoom) },
	},
};

export const getFields: INodeProperties[] = outputFields(show);
