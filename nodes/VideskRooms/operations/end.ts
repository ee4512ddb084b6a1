import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { readParameter, trueOrFalse } from '../fields/contract';
import { outputFields } from '../fields/output';
import { readRoom, roomTarget, roomUrl, type ChosenRoom } from '../fields/room';
import { answerError, sendRouted } from '../transport/routing';
import { isNotFound, roomAskedFor, type Room } from '../videsk';
import { operation } from './frame';
import { addressOf, readRoomAt, refusedThoughOpen, roomNotOpen, toRoom } from './rooms';

const show = { resource: ['room'], operation: ['end'] };

const alreadyEndedIsSuccessField: INodeProperties = {
	displayName: 'Treat Already Ended as Success',
	name: 'alreadyEndedIsSuccess',
	type: 'boolean',
	default: true,
	description:
		'Whether a room that has already ended is returned (with alreadyEnded: true) instead of failing the item',
};

const ALREADY_ENDED_IS_SUCCESS = trueOrFalse(alreadyEndedIsSuccessField.displayName);

interface EndParameters {
	room: ChosenRoom;
	alreadyEndedIsSuccess: boolean;
}

export const end: INodePropertyOptions = {
	name: 'End',
	value: 'end',
	action: 'End room',
	description: 'Close a room for everyone; it cannot be reopened',
	routing: {
		request: { method: 'PATCH', url: roomUrl(), body: { ended: true } },
		operations: {
			pagination: operation<EndParameters>({
				errors: { label: 'End', advice: { 404: roomNotOpen } },
				read: (context) => ({
					room: readRoom(context),
					alreadyEndedIsSuccess:
						readParameter(context, 'options.alreadyEndedIsSuccess', ALREADY_ENDED_IS_SUCCESS) ??
						false,
				}),
				target: ({ room }) => roomTarget(room),
				output: true,
				/**
				 * PATCH `{ended: true}`. Videsk answers NotFound both for an unknown room and for one
				 * that has already ended; a GET tells them apart, so the message can say which, and
				 * "Already Ended" can be treated as success when the user chose that.
				 */
				async send(request, { room: chosen, alreadyEndedIsSuccess }, errors) {
					const address = await addressOf(this, errors, request, chosen);
					let ended = address.room?.ended === true ? address.room : undefined;
					if (ended === undefined) {
						const expects = roomAskedFor(address.asked);
						const answer = await sendRouted(
							this,
							errors,
							toRoom(request, address),
							expects,
							isNotFound,
						);
						if (!isNotFound(answer)) return [answer.body as Room];
						const found = await sendRouted(
							this,
							errors,
							toRoom(readRoomAt(request), address),
							expects,
						);
						if ((found.body as Room).ended !== true) {
							const advice = { 404: refusedThoughOpen('end') };
							throw await answerError(this, { ...errors, advice }, answer, 'PATCH');
						}
						ended = found.body as Room;
					}
					if (alreadyEndedIsSuccess) return [{ ...ended, alreadyEnded: true }];
					throw new NodeApiError(
						this.getNode(),
						{},
						{
							message: `${errors.label}: room "${ended.externalId ?? ended.id}" has already ended`,
							description:
								'Nothing was changed. To let the workflow go on when the room is already closed, turn on "Options" → "Treat Already Ended as Success".',
							httpCode: '404',
							itemIndex: this.getItemIndex(),
						},
					);
				},
			}),
		},
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
		options: [alreadyEndedIsSuccessField],
	},
	...outputFields(show),
];
