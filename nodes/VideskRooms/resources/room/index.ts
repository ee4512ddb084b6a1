import type { INodeProperties } from 'n8n-workflow';
import { roomLocator } from '../../shared/descriptions';
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
	...createFields,
	...createOrGetFields,
	...createOrUpdateFields,
	...deleteFields,
	// One Room field for every operation on an existing room: n8n's routing evaluates the value
	// of every field, shown or not, for each item in both of its passes, so a copy per operation
	// would multiply the evaluations of an expression in Room (about 0.5 ms each in n8n 2.x).
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
