import type {
	IDataObject,
	IExecutePaginationFunctions,
	INodeExecutionData,
	INodePropertyOptions,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { withOutput } from '../fields/output';
import { roomTakingExternalId } from '../fields/room';
import { setExternalId, validateRoomBody } from '../fields/roomFields';
import { ROOM_LIST_ADVICE } from '../transport/errors';
import { sendRouted, type OperationErrors, type RoutedRequest } from '../transport/routing';
import { isHttpError } from '../transport/send';
import { ROOMS_PATH } from '../videsk';

// Fields: External ID, Name, Additional Fields and Output, shared with Create and Create or
// Update (index.ts).

const errors: OperationErrors = { label: 'Create or Get', advice: ROOM_LIST_ADVICE };

export const createOrGet: INodePropertyOptions = {
	name: errors.label,
	value: 'createOrGet',
	action: 'Create or get room',
	description:
		'Create a new room, or get the existing one with this External ID as it is: safe to run twice for the same event. Output "created" says which.',
	routing: {
		request: { method: 'POST', url: ROOMS_PATH },
		send: { preSend: [setExternalId, validateRoomBody] },
		operations: { pagination: withOutput(createOrGetRoom) },
	},
};

/** Create or Get and Create or Update find the room by its External ID: they need one. */
export function externalIdRequired(context: IExecutePaginationFunctions) {
	return new NodeOperationError(
		context.getNode(),
		'External ID: required to find the room on a rerun',
		{
			itemIndex: context.getItemIndex(),
			description:
				'Fill in "External ID" (e.g. the calendar event or deal ID); nothing was sent to Videsk.',
		},
	);
}

/**
 * Create the room; if Videsk answers 409 (the External ID exists), get that room. This is what
 * makes a workflow safe to rerun. `created` tells which path was taken, and an existing room that
 * has ended is marked `alreadyEnded: true`: nobody can join it any more.
 */
async function createOrGetRoom(
	this: IExecutePaginationFunctions,
	request: RoutedRequest,
): Promise<INodeExecutionData[]> {
	const externalId = (request.options.body as IDataObject).externalId as string | undefined;
	if (externalId === undefined) throw externalIdRequired(this);
	try {
		const items = await sendRouted(this, errors, request);
		return items.map((item) => ({ ...item, json: { ...item.json, created: true } }));
	} catch (error) {
		if (!isHttpError(error, 409)) throw error as NodeApiError;
	}
	const existing = await roomTakingExternalId(this, errors, request, externalId);
	const ended = existing.ended === true ? { alreadyEnded: true } : {};
	return [{ json: { ...existing, created: false, ...ended } }];
}
