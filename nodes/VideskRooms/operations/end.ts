import type {
	IExecutePaginationFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { readParameter, trueOrFalse } from '../fields/contract';
import { outputFields } from '../fields/output';
import { readRoom, roomRequest, roomTarget, roomUrl, type ChosenRoom } from '../fields/room';
import {
	sendRouted,
	withOptions,
	type OperationErrors,
	type RoutedRequest,
} from '../transport/routing';
import { isHttpError } from '../transport/send';
import { isRoom } from '../videsk';
import { operation } from './frame';
import { roomNotOpen } from './notOpen';

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
	description: 'Close a room for everyone by marking it as ended; it cannot be reopened',
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
				send: endRoom,
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

/**
 * PATCH `{ended: true}`. Videsk answers 404 both for an unknown room and for one that has
 * already ended; a GET tells them apart, so the message can say which, and "Already Ended"
 * can be treated as success when the user chose that.
 */
async function endRoom(
	this: IExecutePaginationFunctions,
	unresolved: RoutedRequest,
	{ room: chosen, alreadyEndedIsSuccess }: EndParameters,
	errors: OperationErrors,
): Promise<INodeExecutionData[]> {
	const request = await roomRequest(this, errors, unresolved, chosen);
	try {
		return await sendRouted(this, errors, request, isRoom);
	} catch (error) {
		if (!isHttpError(error, 404)) throw error as NodeApiError;
		let room: INodeExecutionData[];
		try {
			room = await sendRouted(
				this,
				errors,
				withOptions(request, { method: 'GET', body: undefined }),
				isRoom,
			);
		} catch {
			throw error as NodeApiError; // the room does not exist: Videsk's 404 says so
		}
		if (room[0].json.ended !== true) throw error as NodeApiError;
		if (alreadyEndedIsSuccess) {
			return room.map((item) => ({ ...item, json: { ...item.json, alreadyEnded: true } }));
		}
		throw new NodeApiError(
			this.getNode(),
			{},
			{
				message: `${errors.label}: room "${String(room[0].json.externalId ?? room[0].json.id)}" has already ended`,
				description:
					'Nothing was changed. To let the workflow go on when the room is already closed, turn on "Options" → "Treat Already Ended as Success".',
				httpCode: '404',
				itemIndex: this.getItemIndex(),
			},
		);
	}
}
