import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { roomUrl, sendToRoom, setRoomPath } from '../fields/room';
import type { OperationErrors } from '../transport/routing';
import { roomNotOpen } from './notOpen';

const errors: OperationErrors = {
	label: 'Delete',
	advice: {
		404: roomNotOpen,
		403: (target) => ({
			message: `Videsk does not allow deleting rooms through its API (${target})`,
			description:
				'Use the "End" operation instead: it marks the room as ended, which closes it for participants.',
		}),
	},
};

export const deleteRoom: INodePropertyOptions = {
	name: errors.label,
	value: 'delete',
	action: 'Delete room',
	description: 'Videsk does not allow deleting a room through its API; use End to close the room',
	routing: {
		request: { method: 'DELETE', url: roomUrl() },
		send: { preSend: [setRoomPath] },
		operations: {
			pagination: async function (request) {
				return await sendToRoom(this, errors, request);
			},
		},
	},
};

const show = { resource: ['room'], operation: ['delete'] };

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
