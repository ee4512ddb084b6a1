import type { INodeProperties } from 'n8n-workflow';
import {
	externalIdField,
	nameField,
	roomCreationFields,
	roomLocator,
} from '../../shared/descriptions';
import { createFields, createOperation } from './create';
import { createOrGetFields, createOrGetOperation } from './createOrGet';
import { createOrUpdateFields, createOrUpdateOperation } from './createOrUpdate';
import { deleteFields, deleteOperation } from './delete';
import { endFields, endOperation } from './end';
import { getFields, getOperation } from './get';
import { getAllFields, getAllOperation } from './getAll';
import { getJoinTokenFields, getJoinTokenOperation } from './getJoinToken';
import { getStatsFields, getStatsOperation } from './getStats';
import { updateFields, updateOperation } from './update';

/** The operations that create a room (or may). */
const CREATING = ['create', 'createOrGet', 'createOrUpdate'];

export const roomDescription: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['room'] } },
		options: [
			createOperation,
			createOrGetOperation,
			createOrUpdateOperation,
			deleteOperation,
			endOperation,
			getOperation,
			getJoinTokenOperation,
			getAllOperation,
			getStatsOperation,
			updateOperation,
		],
		default: 'createOrGet',
	},
	// One copy of each field for the operations that create a room, and one Room field for every
	// operation on an existing room: n8n's routing evaluates the value of every field, shown or
	// not, for each item in both of its passes, so a copy per operation would multiply the
	// evaluations of an expression in it (about 0.5 ms each in n8n 2.x).
	...[
		externalIdField,
		{
			...nameField,
			description: `${nameField.description}. Create or Update renames an existing room only when this is filled in.`,
		},
		{
			...roomCreationFields,
			description:
				'For a new room. Create or Get returns an existing room unchanged; Create or Update changes its Start and Expires At where they differ (Videsk cannot change the other settings later).',
		},
	].map((field) => ({
		...field,
		displayOptions: { show: { resource: ['room'], operation: CREATING } },
	})),
	...createFields,
	...createOrGetFields,
	...createOrUpdateFields,
	...deleteFields,
	{
		...roomLocator,
		displayOptions: {
			show: {
				resource: ['room'],
				operation: ['delete', 'end', 'get', 'getJoinToken', 'getStats', 'update'],
			},
		},
	},
	...endFields,
	...getFields,
	...getJoinTokenFields,
	...getAllFields,
	...getStatsFields,
	...updateFields,
];
