import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { readRoom, roomTarget, roomUrl, sendToRoom } from '../fields/room';
import { isJsonObject } from '../videsk';
import { operation } from './frame';
import { roomNotOpen } from './notOpen';

export const deleteRoom: INodePropertyOptions = {
	name: 'Delete',
	value: 'delete',
	action: 'Delete room',
	description: 'Videsk does not allow deleting a room through its API; use End to close the room',
	routing: {
		request: { method: 'DELETE', url: roomUrl() },
		operations: {
			pagination: operation({
				errors: {
					label: 'Delete',
					advice: {
						404: roomNotOpen,
						403: (target) => ({
							message: `Videsk does not allow deleting rooms through its API (${target})`,
							description:
								'Use the "End" operation instead: it marks the room as ended, which closes it for participants.',
						}),
					},
				},
				read: readRoom,
				target: roomTarget,
				async send(request, room, errors) {
					return await sendToRoom(this, errors, request, room, isJsonObject);
				},
			}),
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
