import type {
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	INodeExecutionData,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { invalid } from '../fields/check';
import { withOutput } from '../fields/output';
import { findByExternalId, roomTakingExternalId } from '../fields/room';
import { checkLifetime, setExternalId, validateRoomBody } from '../fields/roomFields';
import { ROOM_LIST_ADVICE } from '../transport/errors';
import {
	sendRouted,
	withOptions,
	type OperationErrors,
	type RoutedRequest,
} from '../transport/routing';
import { isHttpError } from '../transport/send';
import { roomPath, ROOMS_PATH, type Room } from '../videsk';
import { externalIdRequired } from './createOrGet';

// Fields: External ID, Name, Additional Fields and Output, shared with Create and Create or Get
// (index.ts).

const errors: OperationErrors = { label: 'Create or Update', advice: ROOM_LIST_ADVICE };

export const createOrUpdate: INodePropertyOptions = {
	name: errors.label,
	value: 'createOrUpdate',
	action: 'Create or update room',
	description:
		'Create a new room, or update the one with this External ID to the given name and times (upsert): for rescheduled events. Output "created" and "updated" say which.',
	routing: {
		request: { method: 'POST', url: ROOMS_PATH },
		send: { preSend: [setExternalId, validateRoomBody] },
		operations: { pagination: withOutput(createOrUpdateRoom) },
	},
};

/**
 * Upsert by External ID, for rescheduled events: find the room by External ID; create it if
 * there is none, else PATCH only the name, Start and Expires At that differ. An ended room is
 * reported, not changed: Videsk does not reopen it (its PATCH answers 404). Output `created` and
 * `updated` say which happened.
 */
async function createOrUpdateRoom(
	this: IExecutePaginationFunctions,
	request: RoutedRequest,
): Promise<INodeExecutionData[]> {
	const body = request.options.body as IDataObject;
	const externalId = body.externalId as string | undefined;
	if (externalId === undefined) throw externalIdRequired(this);
	const outcome = (items: INodeExecutionData[], created: boolean, updated: boolean) =>
		items.map((item) => ({ ...item, json: { ...item.json, created, updated } }));

	let room = await findByExternalId(this, errors, request, externalId);
	if (room === undefined) {
		// A new room without Start starts now (validateRoomBody left this check to here).
		if (body.nbf === undefined && body.exp !== undefined) {
			checkLifetime(this, 'exp', Date.now(), Date.parse(body.exp as string), true);
		}
		try {
			return outcome(await sendRouted(this, errors, request), true, false);
		} catch (error) {
			if (!isHttpError(error, 409)) throw error as NodeApiError;
		}
		// Created by someone else since the lookup (e.g. the same event, run twice at once).
		room = await roomTakingExternalId(this, errors, request, externalId);
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
	const changes: IDataObject = {};
	if (body.name !== undefined && body.name !== room.name) changes.name = body.name;
	for (const field of ['nbf', 'exp'] as const) {
		const wanted = body[field] as string | undefined;
		if (wanted !== undefined && Date.parse(wanted) !== Date.parse(room[field] ?? '')) {
			changes[field] = wanted;
		}
	}
	if (Object.keys(changes).length === 0) return outcome([{ json: room }], false, false);
	checkRescheduledTimes(this, room, changes);
	try {
		const patch = withOptions(request, { method: 'PATCH', url: roomPath(room.id), body: changes });
		return outcome(await sendRouted(this, errors, patch), false, true);
	} catch (error) {
		// Videsk's 404 on PATCH means "not found or already ended"; the room was just found.
		if (isHttpError(error, 404)) throw roomEnded();
		throw error as NodeApiError;
	}
}

/**
 * An existing room's new Start or Expires At: Videsk checks it together with the room's own
 * value of the other one, so this does too, before the PATCH.
 */
function checkRescheduledTimes(
	context: IExecuteSingleFunctions,
	room: Room,
	changes: IDataObject,
): void {
	if (changes.nbf === undefined && changes.exp === undefined) return;
	const nbf = String(changes.nbf ?? room.nbf);
	const exp = String(changes.exp ?? room.exp);
	const [nbfMs, expMs] = [Date.parse(nbf), Date.parse(exp)];
	// The field the user gave; with both given, validateRoomBody has already checked the pair.
	const field = changes.exp === undefined ? 'nbf' : 'exp';
	if (expMs <= Date.now()) {
		throw invalid(context, 'exp', `the room expired at ${exp}; give a new Expires At`);
	}
	if (nbfMs >= expMs) {
		throw invalid(
			context,
			field,
			field === 'nbf'
				? `${nbf} must be before the room’s Expires At (${exp}); give the new Expires At too`
				: `${exp} must be after the room’s Start (${nbf})`,
		);
	}
	checkLifetime(context, field, nbfMs, expMs);
}
