import type { IDataObject, INodePropertyOptions } from 'n8n-workflow';
import { creationProblem, readRoomFields } from '../fields/roomFields';
import { ROOM_LIST_ADVICE } from '../transport/errors';
import { ROOMS_PATH, type Room } from '../videsk';
import { newRoomTarget } from './create';
import { operation } from './frame';
import { createOrFind, findByExternalId } from './rooms';

// Fields: External ID (required), Name, Additional Fields and Output, shared with Create or
// Update (index.ts).

export const createOrGet: INodePropertyOptions = {
	name: 'Create or Get',
	value: 'createOrGet',
	action: 'Create or get room',
	description: 'Create a room, or get the one with this External ID: safe to run twice',
	routing: {
		request: { method: 'POST', url: ROOMS_PATH },
		operations: {
			pagination: operation({
				errors: { label: 'Create or Get', advice: ROOM_LIST_ADVICE },
				read: (context) => readRoomFields(context, 'externalId'),
				target: newRoomTarget,
				turn: (fields) => fields.externalId,
				output: true,
				/**
				 * Create the room; if its External ID is taken, get that room: what makes a workflow safe
				 * to rerun. Whether a room exists decides, not the clock: for a rerun of a past event,
				 * whose times Videsk would refuse for a new room, the room is looked up first and
				 * returned as it is; only if there is none are the times refused.
				 */
				async send(request, fields, errors) {
					const externalId = fields.externalId!;
					const problem = creationProblem(this, fields, noRoomYet(externalId));
					if (problem) {
						const room = await findByExternalId(this, errors, request, externalId);
						if (room === undefined) throw problem;
						return [asFound(room, { created: false })];
					}
					const { room, created } = await createOrFind(this, errors, request, fields);
					return [asFound(room, { created })];
				},
			}),
		},
	},
};

/** What a refusal to create says after the lookup found no room. */
export const noRoomYet = (externalId: string) =>
	`no room has External ID "${externalId}" yet, so nothing was created`;

/**
 * A room as Create or Get and Create or Update return it, whether they created it or found it:
 * with what they did, marked when nobody can join it, and without an access token, which Videsk
 * gives only when it creates a room (Get Join Token gives one for a room, on every run).
 */
export function asFound(room: Room, outcome: IDataObject): IDataObject {
	const found: IDataObject = { ...room, ...outcome };
	delete found.accessToken;
	if (room.ended === true) found.alreadyEnded = true;
	return found;
}
