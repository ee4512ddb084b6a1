import type { INodePropertyOptions } from 'n8n-workflow';
import { creationProblem, readRoomFields, roomBody, type RoomFields } from '../fields/roomFields';
import { ROOM_LIST_ADVICE } from '../transport/errors';
import { sendRouted, withOptions } from '../transport/routing';
import { roomAskedFor, ROOMS_PATH, type Room } from '../videsk';
import { operation } from './frame';

// Fields: its own External ID; Name, Additional Fields and Output, shared with Create or Get and
// Create or Update (index.ts).

/** How the errors of the operations that create a room name it. */
export const newRoomTarget = ({ externalId }: RoomFields) =>
	externalId !== undefined ? `room with External ID "${externalId}"` : 'a new room';

export const create: INodePropertyOptions = {
	name: 'Create',
	value: 'create',
	action: 'Create room',
	description: 'Create a new video room and get its first access token',
	routing: {
		request: { method: 'POST', url: ROOMS_PATH },
		operations: {
			pagination: operation({
				errors: { label: 'Create', advice: ROOM_LIST_ADVICE },
				read: (context) => readRoomFields(context, 'createExternalId'),
				target: newRoomTarget,
				turn: (fields) => fields.externalId,
				output: true,
				async send(request, fields, errors) {
					const problem = creationProblem(this, fields);
					if (problem) throw problem;
					const answer = await sendRouted(
						this,
						errors,
						withOptions(request, { body: roomBody(fields) }),
						roomAskedFor({ externalId: fields.externalId, accessToken: true }),
					);
					return [answer.body as Room];
				},
			}),
		},
	},
};
