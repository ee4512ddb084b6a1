import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { OPERATION_NAMES, ROOM_ID, ROOMS_PATH } from '../../shared/api';
import { setRoomPath } from '../../shared/validation';

const show = { resource: ['room'], operation: ['getJoinToken'] };

export const getJoinTokenOperation: INodePropertyOptions = {
	name: OPERATION_NAMES.getJoinToken,
	value: 'getJoinToken',
	action: 'Get a join token for a room',
	description:
		'Issue an access token for one participant; run it once per participant (one input item each)',
	routing: {
		request: { method: 'POST', url: `${ROOMS_PATH}/${ROOM_ID}/join`, body: {} },
		send: { preSend: [setRoomPath] },
	},
};

export const getJoinTokenFields: INodeProperties[] = [
	{
		displayName:
			'The output accessToken is what the participant’s browser hands to Videsk’s WebRTC SDK',
		name: 'joinTokenNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
];
