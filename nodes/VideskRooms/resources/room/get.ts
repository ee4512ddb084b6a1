import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { OPERATION_NAMES, ROOM_ID, ROOMS_PATH } from '../../shared/api';
import { simplifyField } from '../../shared/descriptions';
import { setRoomPath } from '../../shared/validation';

const show = { resource: ['room'], operation: ['get'] };

export const getOperation: INodePropertyOptions = {
	name: OPERATION_NAMES.get,
	value: 'get',
	action: 'Get a room',
	description: 'Get a room by its ID or External ID',
	routing: {
		request: { method: 'GET', url: `${ROOMS_PATH}/${ROOM_ID}` },
		send: { preSend: [setRoomPath] },
	},
};

export const getFields: INodeProperties[] = [{ ...simplifyField, displayOptions: { show } }];
