import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { OPERATION_NAMES, ROOM_ID, ROOMS_PATH } from '../../shared/api';
import { setRoomPath } from '../../shared/validation';

const show = { resource: ['room'], operation: ['delete'] };

export const deleteOperation: INodePropertyOptions = {
	name: OPERATION_NAMES.delete,
	value: 'delete',
	action: 'Delete room',
	description: 'Videsk does not allow deleting a room through its API; use End to close the room',
	routing: {
		request: { method: 'DELETE', url: `${ROOMS_PATH}/${ROOM_ID}` },
		send: { preSend: [setRoomPath] },
	},
};

export const deleteFields: INodeProperties[] = [
	{
		displayName:
			'Videsk does not allow deleting rooms through its API: this operation always fails with “Forbidden”. Use the “End” operation to close a room.',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
];
