import type {
	IExecutePaginationFunctions,
	INodeExecutionData,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { findByExternalId, roomTakingExternalId } from '../fields/room';
import {
	checkRescheduledTimes,
	creationProblem,
	readRoomFields,
	roomBody,
	type RoomFields,
} from '../fields/roomFields';
import { ROOM_LIST_ADVICE } from '../transport/errors';
import {
	sendRouted,
	withOptions,
	type OperationErrors,
	type RoutedRequest,
} from '../transport/routing';
import { isHttpError } from '../transport/send';
import { isRoom, roomPath, ROOMS_PATH, type Room } from '../videsk';
import { newRoomTarget } from './create';
import { existingRoom, noRoomYet } from './createOrGet';
import { operation } from './frame';

// Fields: External ID (required), Name, Additional Fields and Output, shared with Create or Get
// (index.ts).

export const createOrUpdate: INodePropertyOptions = {
	name: 'Create or Update',
	value: 'createOrUpdate',
	action: 'Create or update room',
	description:
		'Create a new room, or update the one with this External ID to the given name and times (upsert): for rescheduled events. Output "created" and "updated" say which.',
	routing: {
		request: { method: 'POST', url: ROOMS_PATH },
		operations: {
			pagination: operation({
				errors: { label: 'Create or Update', advice: ROOM_LIST_ADVICE },
				read: (context) => readRoomFields(context, 'externalId'),
				target: newRoomTarget,
				// Items with the same External ID are applied in input order: the last one's fields
				// are the room's, and each output is the room as its item left it.
				turn: (fields) => fields.externalId,
				output: true,
				send: createOrUpdateRoom,
			}),
		},
	},
};

/** The name and times given that differ from the room's. */
function differences(room: Room, fields: RoomFields): Pick<RoomFields, 'name' | 'nbf' | 'exp'> {
	const changes: Pick<RoomFields, 'name' | 'nbf' | 'exp'> = {};
	if (fields.name !== undefined && fields.name !== room.name) changes.name = fields.name;
	for (const field of ['nbf', 'exp'] as const) {
		const wanted = fields[field];
		if (wanted !== undefined && wanted.utcMs !== Date.parse(room[field] ?? '')) {
			changes[field] = wanted;
		}
	}
	return changes;
}

/**
 * Upsert by External ID, for rescheduled events: find the room by External ID; create it if
 * there is none, else PATCH only the name, Start and Expires At that differ. The room decides,
 * not the clock: an existing room as given (a rerun of a past event) is returned unchanged, and
 * the times are checked when a room is created or a time is changed. An ended room is reported,
 * not changed: Videsk does not reopen it (its PATCH answers 404). Output `created` and `updated`
 * say which happened.
 */
async function createOrUpdateRoom(
	this: IExecutePaginationFunctions,
	request: RoutedRequest,
	fields: RoomFields,
	errors: OperationErrors,
): Promise<INodeExecutionData[]> {
	const externalId = fields.externalId!;
	const outcome = (items: INodeExecutionData[], created: boolean, updated: boolean) =>
		items.map((item) => ({ ...item, json: { ...item.json, created, updated } }));

	let room = await findByExternalId(this, errors, request, externalId);
	if (room === undefined) {
		const problem = creationProblem(this, fields, noRoomYet(externalId));
		if (problem) throw problem;
		try {
			const create = withOptions(request, { body: roomBody(fields) });
			return outcome(await sendRouted(this, errors, create, isRoom), true, false);
		} catch (error) {
			if (!isHttpError(error, 409)) throw error as NodeApiError;
		}
		// Created by someone else since the lookup (e.g. the same event, in another execution).
		room = await roomTakingExternalId(this, errors, request, externalId);
	}

	const changes = differences(room, fields);
	if (Object.keys(changes).length === 0) {
		return [existingRoom(room, { created: false, updated: false })];
	}
	const roomEnded = () =>
		new NodeOperationError(
			this.getNode(),
			`${errors.label}: room "${externalId}" has ended, so it cannot be updated`,
			{
				itemIndex: this.getItemIndex(),
				description:
					'Nothing was changed. Videsk does not reopen ended rooms, and the External ID stays taken: for a new meeting, use a new External ID (e.g. with the new date in it).',
			},
		);
	if (room.ended === true) throw roomEnded();
	checkRescheduledTimes(this, room, changes);
	try {
		const patch = withOptions(request, {
			method: 'PATCH',
			url: roomPath(room.id),
			body: roomBody(changes),
		});
		return outcome(await sendRouted(this, errors, patch, isRoom), false, true);
	} catch (error) {
		// Videsk's 404 on PATCH means "not found or already ended"; the room was just found.
		if (isHttpError(error, 404)) throw roomEnded();
		throw error as NodeApiError;
	}
}
