import type {
	IDataObject,
	IExecuteSingleFunctions,
	IHttpRequestOptions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { outputFields, withOutput } from '../fields/output';
import { roomUrl, sendToRoom, setRoomPath } from '../fields/room';
import { expiresAtField, nameField, startField, validateRoomBody } from '../fields/roomFields';
import type { OperationErrors } from '../transport/routing';
import { roomNotOpen } from './notOpen';

const errors: OperationErrors = { label: 'Update', advice: { 404: roomNotOpen } };

export const update: INodePropertyOptions = {
	name: errors.label,
	value: 'update',
	action: 'Update room',
	description:
		'Change the name, start, expiry or ended state of a room, or issue a new access token',
	routing: {
		request: { method: 'PATCH', url: roomUrl() },
		send: { preSend: [validateRoomBody, requireUpdateField, setRoomPath] },
		operations: {
			pagination: withOutput(async function (request) {
				return await sendToRoom(this, errors, request);
			}),
		},
	},
};

const show = { resource: ['room'], operation: ['update'] };

export const updateFields: INodeProperties[] = [
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{
				displayName: 'Ended',
				name: 'ended',
				type: 'boolean',
				default: true,
				description:
					'Whether to mark the room as ended. An ended room cannot be changed or reopened.',
				routing: { send: { type: 'body', property: 'ended' } },
			},
			expiresAtField,
			{
				displayName: 'Generate New Access Token',
				name: 'generateToken',
				type: 'boolean',
				default: true,
				description: 'Whether to issue a new access token, returned as accessToken',
				routing: { send: { type: 'body', property: 'generateToken' } },
			},
			{ ...nameField, description: `New ${nameField.description!.toLowerCase()}` },
			startField,
		],
	},
	...outputFields(show),
];

/** preSend: Update needs at least one field; an empty PATCH would change nothing. */
async function requireUpdateField(
	this: IExecuteSingleFunctions,
	requestOptions: IHttpRequestOptions,
): Promise<IHttpRequestOptions> {
	if (Object.keys(requestOptions.body as IDataObject).length === 0) {
		throw new NodeOperationError(
			this.getNode(),
			'Update Fields: add at least one field to change',
			{
				itemIndex: this.getItemIndex(),
				description:
					'Nothing was sent to Videsk. To close a room, the "End" operation is simplest.',
			},
		);
	}
	return requestOptions;
}
