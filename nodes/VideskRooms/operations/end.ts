import type {
	IExecutePaginationFunctions,
	INodeExecutionData,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { outputFields, withOutput } from '../fields/output';
import { resolveRoom, roomUrl, setRoomPath } from '../fields/room';
import {
	sendRouted,
	withOptions,
	type OperationErrors,
	type RoutedRequest,
} from '../transport/routing';
import { isHttpError } from '../transport/send';
import { roomNotOpen } from './notOpen';

const errors: OperationErrors = { label: 'End', advice: { 404: roomNotOpen } };

export const end: INodePropertyOptions = {
	name: errors.label,
	value: 'end',
	action: 'End room',
	description: 'Close a room for everyone by marking it as ended; it cannot be reopened',
	routing: {
		request: { method: 'PATCH', url: roomUrl(), body: { ended: true } },
		send: { preSend: [setRoomPath] },
		operations: { pagination: withOutput(endRoom) },
	},
};

const show = { resource: ['room'], operation: ['end'] };

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

/**
 * PATCH `{ended: true}`. Videsk answers 404 both for an unknown room and for one that has
 * already ended; a GET tells them apart, so the message can say which, and "Already Ended"
 * can be treated as success when the user chose that.
 */
async function endRoom(
	this: IExecutePaginationFunctions,
	unresolved: RoutedRequest,
): Promise<INodeExecutionData[]> {
	const request = await resolveRoom(this, errors, unresolved);
	try {
		return await sendRouted(this, errors, request);
	} catch (error) {
		if (!isHttpError(error, 404)) throw error as NodeApiError;
		let room: INodeExecutionData[];
		try {
			room = await sendRouted(
				this,
				errors,
				withOptions(request, { method: 'GET', body: undefined }),
			);
		} catch {
			throw error as NodeApiError; // the room does not exist: Videsk's 404 says so
		}
		if (room[0]?.json.ended !== true) throw error as NodeApiError;
		if (this.getNodeParameter('options.alreadyEndedIsSuccess', false) === true) {
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
