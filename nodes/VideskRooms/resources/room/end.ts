import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { OPERATION_NAMES, ROOM_ID, ROOMS_PATH } from '../../shared/api';
import { outputFields } from '../../shared/descriptions';
import { withOutput } from '../../shared/output';
import { endRoom } from '../../shared/sequences';
import { setRoomPath } from '../../shared/validation';

const show = { resource: ['room'], operation: ['end'] };

export const endOperation: INodePropertyOptions = {
	name: OPERATION_NAMES.end,
	value: 'end',
	action: 'End room',
	description: 'Close a room for everyone by marking it as ended; it cannot be reopened',
	routing: {
		request: { method: 'PATCH', url: `${ROOMS_PATH}/${ROOM_ID}`, body: { ended: true } },
		send: { preSend: [setRoomPath] },
		operations: { pagination: withOutput(endRoom) },
	},
};

export const endFields: INodeProperties[] = [
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Treat Already Ended as Success',
				name: 'alreadyEndedIsSuccess',
				type: 'boolean',
				default: true,
				description:
					'Whether a room that has already ended is returned (with alreadyEnded: true) instead of failing the item',
			},
		],
	},
	...outputFields(show),
];
