import type { IExecuteSingleFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { readParameter, trueOrFalse } from '../fields/contract';
import { outputFields } from '../fields/output';
import { readRoom, roomTarget, roomUrl } from '../fields/room';
import {
	expiresAtField,
	nameField,
	readRoomChanges,
	roomBody,
	startField,
} from '../fields/roomFields';
import { sendRouted, withOptions } from '../transport/routing';
import { roomAskedFor, type Room } from '../videsk';
import { operation } from './frame';
import { addressOf, roomNotOpen, toRoom } from './rooms';

export const update: INodePropertyOptions = {
	name: 'Update',
	value: 'update',
	action: 'Update room',
	description: 'Change a room’s name, times or ended state, or issue a new access token',
	routing: {
		request: { method: 'PATCH', url: roomUrl() },
		operations: {
			pagination: operation({
				errors: { label: 'Update', advice: { 404: roomNotOpen } },
				read(context) {
					const room = readRoom(context);
					const switches = {
						ended: readParameter(context, 'updateFields.ended', ENDED),
						generateToken: readParameter(context, 'updateFields.generateToken', GENERATE_TOKEN),
					};
					// Off is Videsk's default for both: only "on" changes something.
					const body = roomBody({
						...readRoomChanges(context),
						ended: switches.ended || undefined,
						generateToken: switches.generateToken || undefined,
					});
					if (Object.keys(body).length === 0) throw nothingToChange(context, switches);
					return { room, body };
				},
				target: ({ room }) => roomTarget(room),
				output: true,
				async send(request, { room, body }, errors) {
					const address = await addressOf(this, errors, request, room);
					const answer = await sendRouted(
						this,
						errors,
						toRoom(withOptions(request, { body }), address),
						roomAskedFor({ ...address.asked, accessToken: body.generateToken === true }),
					);
					return [answer.body as Room];
				},
			}),
		},
	},
};

/** Update with no change: no field added, or only switches that are off. */
function nothingToChange(
	context: IExecuteSingleFunctions,
	switches: { ended?: boolean; generateToken?: boolean },
) {
	const off = [
		switches.ended === false ? endedField.displayName : undefined,
		switches.generateToken === false ? generateTokenField.displayName : undefined,
	].filter((name) => name !== undefined);
	const message =
		off.length === 0
			? 'Update Fields: no field to change'
			: `Update Fields: ${off.join(' and ')} ${off.length === 1 ? 'is' : 'are'} off, which changes nothing`;
	const description =
		off.length === 0
			? 'Click "Add Field" under "Update Fields" and pick what to change, such as Name or Expires At. Nothing was sent to Videsk. (To close a room, use the "End" operation.)'
			: `Turn ${off.length === 1 ? 'it' : 'one of them'} on, or add a field to change, such as Name or Expires At. Nothing was sent to Videsk.`;
	return new NodeOperationError(context.getNode(), message, {
		itemIndex: context.getItemIndex(),
		description,
	});
}

const endedField: INodeProperties = {
	displayName: 'Ended',
	name: 'ended',
	type: 'boolean',
	default: true,
	description: 'Whether to mark the room as ended. An ended room cannot be changed or reopened.',
};

const generateTokenField: INodeProperties = {
	displayName: 'Generate New Access Token',
	name: 'generateToken',
	type: 'boolean',
	default: true,
	description: 'Whether to issue a new access token, returned as accessToken',
};

const ENDED = trueOrFalse(endedField.displayName);
const GENERATE_TOKEN = trueOrFalse(generateTokenField.displayName);

const show = { resource: ['room'], operation: ['update'] };

/** Update Fields: the name, then the times in the order they happen, then the switches. */
export const updateFields: INodeProperties[] = [
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show },
		options: [
			{ ...nameField, description: `New ${nameField.description!.toLowerCase()}` },
			startField,
			expiresAtField,
			endedField,
			generateTokenField,
		],
	},
	...outputFields(show),
];
