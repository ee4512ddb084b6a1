import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { readParameter, text } from '../fields/contract';
import { readRoom, roomTarget, roomUrl } from '../fields/room';
import { sendRouted } from '../transport/routing';
import { isJoinAnswer } from '../videsk';
import { operation } from './frame';
import { addressOf, roomNotOpen, toRoom } from './rooms';

const show = { resource: ['room'], operation: ['getJoinToken'] };

const participantField: INodeProperties = {
	displayName: 'Participant Label',
	name: 'participant',
	type: 'string',
	default: '',
	placeholder: 'e.g. nathan@example.com',
	description:
		'Who the token is for, such as the attendee’s email from the input: put in the output as "participant" beside the token, so that a later node can send each person their own. Not sent to Videsk.',
	displayOptions: { show },
};

const PARTICIPANT = text(participantField.displayName, {
	whenEmpty: 'Fix the expression, or clear the field to get the token without a label',
});

export const getJoinToken: INodePropertyOptions = {
	name: 'Get Join Token',
	value: 'getJoinToken',
	action: 'Get join token',
	description: 'Get a token that lets one participant join a room (one per input item)',
	routing: {
		request: { method: 'POST', url: roomUrl('/join'), body: {} },
		operations: {
			pagination: operation({
				errors: { label: 'Get Join Token', advice: { 404: roomNotOpen } },
				read: (context) => ({
					room: readRoom(context),
					participant: readParameter(context, 'participant', PARTICIPANT),
				}),
				target: ({ room }) => roomTarget(room),
				// Videsk's join answer is only the token. Beside it: the label, to tell the tokens of
				// one room apart, and the room as the Room field gave it, so that a later node (an
				// email) need not reach back for it.
				async send(request, { room, participant }, errors) {
					const address = await addressOf(this, errors, request, room);
					const answer = await sendRouted(this, errors, toRoom(request, address), isJoinAnswer);
					const { accessToken } = answer.body as { accessToken: string };
					const label = participant === undefined ? {} : { participant };
					const given = room.byExternalId ? { externalId: room.value } : { roomId: room.value };
					return [{ ...label, ...given, accessToken }];
				},
			}),
		},
	},
};

export const getJoinTokenFields: INodeProperties[] = [
	{
		displayName:
			'Each accessToken lets one person join the room, through your video page (Videsk’s browser SDK)',
		name: 'joinTokenNotice',
		type: 'notice',
		default: '',
		displayOptions: { show },
	},
	participantField,
];
