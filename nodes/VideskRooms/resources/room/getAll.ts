import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { MAX_PAGE_SIZE, OPERATION_NAMES, ROOMS_PATH } from '../../shared/api';
import { outputFields } from '../../shared/descriptions';
import { withOutput } from '../../shared/output';
import { paginateRooms } from '../../shared/sequences';

const show = { resource: ['room'], operation: ['getAll'] };

export const getAllOperation: INodePropertyOptions = {
	name: OPERATION_NAMES.getAll,
	value: 'getAll',
	action: 'Get many rooms',
	description: 'Retrieve a list of the account’s rooms, with filters and sorting',
	routing: {
		request: { method: 'GET', url: ROOMS_PATH },
		operations: { pagination: withOutput(paginateRooms) },
	},
};

export const getAllFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		displayOptions: { show },
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		displayOptions: { show: { ...show, returnAll: [false] } },
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		// Read and checked by paginateRooms: a whole number of 1 or more, never "all".
		hint: `Videsk sends at most ${MAX_PAGE_SIZE} rooms per request; larger limits take several requests`,
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		displayOptions: { show },
		options: [
			{
				// A choice, not a boolean: an added boolean filter would silently mean "not ended".
				// Shaped like the GitHub node's issue filter "State" (Open / Closed).
				displayName: 'Status',
				name: 'status',
				type: 'options',
				options: [
					{ name: 'Ended', value: 'ended', description: 'Only rooms that have ended' },
					{ name: 'Not Ended', value: 'notEnded', description: 'Only rooms still open' },
				],
				default: 'notEnded',
				description: 'Return only ended rooms, or only rooms that have not ended',
				routing: {
					send: { type: 'query', property: 'ended', value: '={{ $value === "ended" }}' },
				},
			},
			{
				displayName: 'External ID',
				name: 'externalId',
				type: 'string',
				default: '',
				description: 'Return only the room with this External ID',
				routing: { send: { type: 'query', property: 'externalId' } },
			},
		],
	},
	{
		displayName: 'Sort',
		name: 'sort',
		type: 'fixedCollection',
		placeholder: 'Add Sort',
		default: {},
		displayOptions: { show },
		description: 'The order of the rooms; without it, Videsk’s default order',
		options: [
			{
				displayName: 'Sort',
				name: 'value',
				values: [
					{
						displayName: 'Field',
						name: 'field',
						type: 'options',
						// Videsk documents sorting by createdAt; the other fields are Feathers defaults.
						options: [
							{ name: 'Created At', value: 'createdAt' },
							{ name: 'Expires At', value: 'exp' },
							{ name: 'External ID', value: 'externalId' },
							{ name: 'Name', value: 'name' },
							{ name: 'Start', value: 'nbf' },
						],
						default: 'createdAt',
					},
					{
						displayName: 'Direction',
						name: 'direction',
						type: 'options',
						options: [
							{ name: 'Ascending', value: 1 },
							{ name: 'Descending', value: -1 },
						],
						default: -1,
						// Sent in Feathers' form: $sort[field]=1 or -1.
						routing: { send: { type: 'query', property: '={{"$sort." + $parent.field}}' } },
					},
				],
			},
		],
	},
	...outputFields(show),
];
