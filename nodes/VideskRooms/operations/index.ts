import type { IExecutePaginationFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { outputFields } from '../fields/output';
import { roomLocator } from '../fields/room';
import {
	createExternalIdField,
	externalIdField,
	nameField,
	roomCreationFields,
} from '../fields/roomFields';
import { create } from './create';
import { createOrGet } from './createOrGet';
import { createOrUpdate } from './createOrUpdate';
import { end, endFields } from './end';
import { get } from './get';
import { getAll, getAllFields } from './getAll';
import { getJoinToken, getJoinTokenFields } from './getJoinToken';
import { getStats, getStatsFields } from './getStats';
import { update, updateFields } from './update';

// The Room resource's operations. Each file holds one operation: its action, routing, request
// flow and its own fields. The fields several operations share are defined once here. There is
// no Delete: Videsk's API refuses every delete (End closes a room), and an action that can
// never succeed would be a trap in the list, for a builder and for an AI agent alike.

/** The operations that create a room (or may). */
const CREATING = ['create', 'createOrGet', 'createOrUpdate'];
/** The operations that find the room by its External ID on a rerun. */
const BY_EXTERNAL_ID = ['createOrGet', 'createOrUpdate'];
/** The operations on an existing room, chosen in the Room field. */
const ON_A_ROOM = ['end', 'get', 'getJoinToken', 'getStats', 'update'];

const shownFor = (operation: string[]) => ({ show: { resource: ['room'], operation } });

export const roomOperations: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['room'] } },
		options: [
			create,
			createOrGet,
			createOrUpdate,
			end,
			get,
			getJoinToken,
			getAll,
			getStats,
			update,
		],
		default: 'createOrGet',
	},
	// One copy of each field for the operations that create a room, and one Room field for every
	// operation on an existing room: n8n's routing evaluates the value of every field, shown or
	// not, for each item in both of its passes, so a copy per operation would multiply the
	// evaluations of an expression in it (about 0.5 ms each in n8n 2.x). External ID is required
	// for some of them only, so it is two fields: with two names, a workflow holds only the one
	// shown, and an expression in it is evaluated as often as in one field.
	{ ...createExternalIdField, displayOptions: shownFor(['create']) },
	{ ...externalIdField, displayOptions: shownFor(BY_EXTERNAL_ID) },
	// Videsk gives an access token only when it creates a room: a rerun that finds the room would
	// have none, so these operations never pass one on (the output is the same on every run).
	{
		displayName:
			'This gives no access token, even when it creates the room. To let people join, add a Get Join Token step.',
		name: 'noTokenNotice',
		type: 'notice',
		default: '',
		displayOptions: shownFor(BY_EXTERNAL_ID),
	},
	{
		...nameField,
		description: `${nameField.description}. Create or Update renames an existing room only when this is filled in.`,
		displayOptions: shownFor(CREATING),
	},
	{
		...roomCreationFields,
		description:
			'For a new room. Create or Get returns an existing room unchanged; Create or Update changes its Start and Expires At where they differ (Videsk cannot change the other settings later).',
		displayOptions: shownFor(CREATING),
	},
	...outputFields({ resource: ['room'], operation: CREATING }),
	{ ...roomLocator, displayOptions: shownFor(ON_A_ROOM) },
	...endFields,
	...outputFields({ resource: ['room'], operation: ['get'] }),
	...getJoinTokenFields,
	...getAllFields,
	...getStatsFields,
	...updateFields,
];

/**
 * The pagination hook of an operation this node does not have (one saved by an older version,
 * such as Delete): every operation above sends its requests from its own hook, so this one only
 * refuses, before any request.
 */
export async function unknownOperation(this: IExecutePaginationFunctions): Promise<never> {
	const operation = String(this.getNodeParameter('operation', ''));
	const advice =
		operation === 'delete'
			? 'Videsk does not allow deleting rooms through its API. Use the "End" operation to close the room.'
			: 'Choose one of the operations in the list.';
	throw new NodeOperationError(this.getNode(), `Operation "${operation}" is not available`, {
		itemIndex: this.getItemIndex(),
		description: `${advice} Nothing was sent to Videsk.`,
	});
}
