import type { IExecutePaginationFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import {
	checkRescheduledTimes,
	creationProblem,
	readRoomFields,
	roomBody,
	type RoomFields,
} from '../fields/roomFields';
import { ROOM_LIST_ADVICE } from '../transport/errors';
import { answerError, sendRouted, withOptions, type OperationErrors } from '../transport/routing';
import { isNotFound, roomAskedFor, roomPath, ROOMS_PATH, type Room } from '../videsk';
import { newRoomTarget } from './create';
import { asFound, noRoomYet } from './createOrGet';
import { operation } from './frame';
import {
	addressOfFound,
	createOrFind,
	findByExternalId,
	readRoomAt,
	refusedThoughOpen,
	toRoom,
} from './rooms';

// Fields: External ID (required), Name, Additional Fields and Output, shared with Create or Get
// (index.ts).

export const createOrUpdate: INodePropertyOptions = {
	name: 'Create or Update',
	value: 'createOrUpdate',
	action: 'Create or update room',
	description: 'Create a room, or change the one with this External ID: for rescheduled events',
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
				/**
				 * For rescheduled events: find the room by External ID; create it if there is none,
				 * else PATCH only the name, Start and Expires At that differ. The room decides, not
				 * the clock: an existing room as given (a rerun of a past event) is returned
				 * unchanged, and the times are checked when a room is created or a time is changed.
				 * An ended room is reported, not changed: Videsk does not reopen it.
				 */
				async send(request, fields, errors) {
					const externalId = fields.externalId!;
					let room = await findByExternalId(this, errors, request, externalId);
					if (room === undefined) {
						const problem = creationProblem(this, fields, noRoomYet(externalId));
						if (problem) throw problem;
						const outcome = await createOrFind(this, errors, request, fields);
						if (outcome.created) return [asFound(outcome.room, { created: true, updated: false })];
						// Created by someone else since the lookup (e.g. the same event, in another execution).
						room = outcome.room;
					}
					const changes = differences(room, fields);
					if (Object.keys(changes).length === 0) {
						return [asFound(room, { created: false, updated: false })];
					}
					if (room.ended === true) throw roomEnded(this, errors, externalId);
					checkRescheduledTimes(this, room, changes);
					const address = await addressOfFound(this, errors, request, room);
					const patch = withOptions(request, {
						method: 'PATCH',
						url: roomPath(address.path),
						body: roomBody(changes),
					});
					const answer = await sendRouted(
						this,
						errors,
						patch,
						roomAskedFor(address.asked),
						isNotFound,
					);
					// Videsk's NotFound on PATCH means "not found or already ended"; the room was just found
					// open, so a read tells which (or that Videsk refused an open room).
					if (isNotFound(answer)) {
						const read = toRoom(readRoomAt(request), address);
						const now = await sendRouted(
							this,
							errors,
							read,
							roomAskedFor(address.asked),
							isNotFound,
						);
						if (isNotFound(now) || (now.body as Room).ended === true) {
							throw roomEnded(this, errors, externalId);
						}
						const advice = { 404: refusedThoughOpen('update') };
						throw await answerError(this, { ...errors, advice }, answer, 'PATCH');
					}
					return [asFound(answer.body as Room, { created: false, updated: true })];
				},
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

function roomEnded(
	context: IExecutePaginationFunctions,
	errors: OperationErrors,
	externalId: string,
) {
	return new NodeOperationError(
		context.getNode(),
		`${errors.label}: room "${externalId}" has ended, so it cannot be updated`,
		{
			itemIndex: context.getItemIndex(),
			description:
				'Nothing was changed. Videsk does not reopen ended rooms, and the External ID stays taken: for a new meeting, use a new External ID (e.g. with the new date in it).',
		},
	);
}
