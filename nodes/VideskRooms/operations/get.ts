import type { INodePropertyOptions } from 'n8n-workflow';
import { readRoom, roomTarget, roomUrl, sendToRoom } from '../fields/room';
import { isRoom } from '../videsk';
import { operation } from './frame';

// Fields: Room (index.ts) and Output.

export const get: INodePropertyOptions = {
	name: 'Get',
	value: 'get',
	action: 'Get room',
	description: 'Retrieve a room by its Videsk ID or your External ID',
	routing: {
		request: { method: 'GET', url: roomUrl() },
		operations: {
			pagination: operation({
				errors: { label: 'Get' },
				read: readRoom,
				target: roomTarget,
				output: true,
				async send(request, room, errors) {
					return await sendToRoom(this, errors, request, room, isRoom);
				},
			}),
		},
	},
};
