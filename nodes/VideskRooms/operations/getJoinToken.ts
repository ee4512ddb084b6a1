import type {
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { chosenRoom, ROOM_ID, roomUrl, sendToRoom, setRoomPath } from '../fields/room';
import type { OperationErrors } from '../transport/routing';
import { roomNotOpen } from './notOpen';

const errors: OperationErrors = { label: 'Get Join Token', advice: { 404: roomNotOpen } };

export const getJoinToken: INodePropertyOptions = {
	name: errors.label,
	value: 'getJoinToken',
	action: 'Get join token',
	description:
		'Issue an access token for one participant to join a room; run it once per participant (one input item each)',
	routing: {
		request: { method: 'POST', url: roomUrl('/join'), body: {} },
		send: { preSend: [setRoomPath] },
		operations: {
			pagination: async function (request) {
				const items = await sendToRoom(this, errors, request);
				// The room beside its token, so that a later node (an email) need not reach back.
				const room = roomOf(this, request.options.url!);
				return items.map((item) => {
					const { participant, ...rest } = item.json;
					return { ...item, json: { ...(participant ? { participant } : {}), ...room, ...rest } };
				});
			},
		},
	},
};

const show = { resource: ['room'], operation: ['getJoinToken'] };

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

/**
 * The room a join URL addresses, as the Room field gave it: by ID (From List, By ID), or by
 * External ID. Read from the URL setRoomPath made and the saved mode (never an expression), so
 * that the Room field is not evaluated again — except for an External ID of 24 hexadecimal
 * characters, which is not in the URL (the room was looked up by it).
 */
function roomOf(context: IExecutePaginationFunctions, url: string): IDataObject {
	const segment = url.split('/')[3];
	if (segment === ROOM_ID) return { externalId: chosenRoom(context).value };
	const mode = (context.getNode().parameters.room as { mode?: string } | undefined)?.mode;
	const value = decodeURIComponent(segment);
	return mode === 'externalId' ? { externalId: value } : { roomId: value };
}

/**
 * postReceive: Videsk's join answer is only the token, so the label the user gives goes beside
 * it, to tell the tokens of one room apart.
 */
async function labelParticipant(
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const label = this.getNodeParameter('participant', '') as unknown;
	const participant = label === null || label === undefined ? '' : String(label).trim();
	if (participant === '') return items;
	return items.map((item) => ({ ...item, json: { participant, ...item.json } }));
}
