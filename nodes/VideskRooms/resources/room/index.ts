import type { INodeProperties } from 'n8n-workflow';
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
	...endFields,
	...getFields,
	...getJoinTokenFields,
	...getAllFields,
	...getStatsFields,
	...updateFields,
];
