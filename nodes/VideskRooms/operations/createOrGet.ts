import type {
	IExecutePaginationFunctions,
	INodeExecutionData,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { findByExternalId, roomTakingExternalId } from '../fields/room';
import { creationProblem, readRoomFields, roomBody, type RoomFields } from '../fields/roomFields';
import { ROOM_LIST_ADVICE } from '../transport/errors';
import {
	sendRouted,
	withOptions,
	type OperationErrors,
	type RoutedRequest,
} from '../transport/routing';
import { isHttpError } from '../transport/send';
import { isRoom, ROOMS_PATH, type Room } from '../videsk';
import { newRoomTarget } from './create';
import { operation } from './frame';

// Fields: External ID (required), Name, Additional Fields and Output, shared with Create or
// Update (index.ts).

export const createOrGet: INodePropertyOptions = {
	name: 'Create or Get',
	value: 'createOrGet',
	action: 'Create or get room',
	description:
		'Create a new room, or get the existing one with this External ID as it is: safe to run twice for the same event. Output "created" says which.',
	routing: {
		request: { method: 'POST', url: ROOMS_PATH },
		operations: {
			pagination: operation({
				errors: { label: 'Create or Get', advice: ROOM_LIST_ADVICE },
				read: (context) => readRoomFields(context, 'externalId'),
				target: newRoomTarget,
				turn: (fields) => fields.externalId,
				output: true,
				send: createOrGetRoom,
			}),
		},
	},
};

/** What a refusal to create says after the lookup found no room. */
export const noRoomYet = (externalId: string) =>
	`no room has External ID "${externalId}" yet, so nothing was created`;

/** An existing room as Create or Get returns it: unchanged, marked when nobody can join it. */
export const existingRoom = (room: Room, outcome: INodeExecutionData['json']) => ({
	json: { ...room, ...outcome, ...(room.ended === true ? { alreadyEnded: true } : {}) },
});

/**
 * Create the room; if Videsk answers 409 (the External ID exists), get that room. This is what
 * makes a workflow safe to rerun. Whether a room exists decides, not the clock: for a rerun of a
 * past event, whose times Videsk would refuse for a new room, the room is looked up first and
 * returned as it is; only if there is none are the times refused. `created` tells which path was
 * taken.
 */
async function createOrGetRoom(
	this: IExecutePaginationFunctions,
	request: RoutedRequest,
	fields: RoomFields,
	errors: OperationErrors,
): Promise<INodeExecutionData[]> {
	const externalId = fields.externalId!;
	const problem = creationProblem(this, fields, noRoomYet(externalId));
	if (problem) {
		const room = await findByExternalId(this, errors, request, externalId);
		if (room !== undefined) return [existingRoom(room, { created: false })];
		throw problem;
	}
	try {
		const items = await sendRouted(
			this,
			errors,
			withOptions(request, { body: roomBody(fields) }),
			isRoom,
		);
		return items.map((item) => ({ ...item, json: { ...item.json, created: true } }));
	} catch (error) {
		if (!isHttpError(error, 409)) throw error as NodeApiError;
	}
	const room = await roomTakingExternalId(this, errors, request, externalId);
	return [existingRoom(room, { created: false })];
}
