import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { roomUrl, sendToRoom, setRoomPath } from '../fields/room';
import type { OperationErrors } from '../transport/routing';

const errors: OperationErrors = { label: 'Get Stats' };

export const getStats: INodePropertyOptions = {
	name: errors.label,
	value: 'getStats',
	action: 'Get room quality stats',
	description: 'Retrieve the WebRTC quality analysis of a room’s session (Videsk telemetry)',
	routing: {
		request: { method: 'GET', url: roomUrl('/stats') },
		send: { preSend: [setRoomPath] },
		operations: {
			pagination: async function (request) {
				return await sendToRoom(this, errors, request);
			},
		},
	},
};

const show = { resource: ['room'], operation: ['getStats'] };

export const getStatsFields: INodeProperties[] = [
	{
		displayName: 'View',
		name: 'view',
		type: 'options',
		displayOptions: { show },
		options: [
			{
				name: 'Report',
				value: 'report',
				description:
					'Full analysis of the session: quality score, key metrics, detected patterns and recommendations',
			},
			{
				name: 'Snapshot',
				value: 'snapshot',
				description: 'Computed live from raw telemetry; useful while the session is still running',
			},
			{
				name: 'Summary',
				value: 'summary',
				description:
					'Stored rollup per participant and per minute, available once the session has been compiled',
			},
		],
		default: 'report',
		description:
			'Which analysis to get. Videsk documents no schema for it: the answer is passed through as is.',
		routing: { send: { type: 'query', property: 'view' } },
	},
];
