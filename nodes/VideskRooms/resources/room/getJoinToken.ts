import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { OPERATION_NAMES, ROOM_ID, ROOMS_PATH } from '../../shared/api';
import { labelParticipant } from '../../shared/output';
import { setRoomPath } from '../../shared/validation';

const show = { resource: ['room'], operation: ['getJoinToken'] };

export const getJoinTokenOperation: INodePropertyOptions = {
	name: OPERATION_NAMES.getJoinToken,
	value: 'getJoinToken',
	action: 'Get join token',
	description:
		'Issue an access token for one participant to join a room; run it once per participant (one input item each)',
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
	{
		displayName: 'Participant Label',
		name: 'participant',
		type: 'string',
		default: '',
		placeholder: 'e.g. nathan@example.com',
		description:
			'Who the token is for, such as the attendee’s email from the input: put in the output as "participant" beside the token, so that a later node can send each person their own. Not sent to Videsk.',
		displayOptions: { show },
		routing: { output: { postReceive: [labelParticipant] } },
	},
];
