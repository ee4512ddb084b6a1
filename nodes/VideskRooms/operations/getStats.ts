import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { oneOf, readParameter } from '../fields/contract';
import { readRoom, roomTarget, roomUrl, sendToRoom } from '../fields/room';
import { withOptions } from '../transport/routing';
import { isJsonObject } from '../videsk';
import { operation } from './frame';

const show = { resource: ['room'], operation: ['getStats'] };

const viewField: INodeProperties = {
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
};

const VIEW = oneOf<string>(viewField);

export const getStats: INodePropertyOptions = {
	name: 'Get Stats',
	value: 'getStats',
	action: 'Get room quality stats',
	description: 'Retrieve the WebRTC quality analysis of a room’s session (Videsk telemetry)',
	routing: {
		request: { method: 'GET', url: roomUrl('/stats') },
		operations: {
			pagination: operation({
				errors: { label: 'Get Stats' },
				read: (context) => ({
					room: readRoom(context),
					view: readParameter(context, 'view', VIEW) ?? 'report',
				}),
				target: ({ room }) => roomTarget(room),
				// Videsk documents no schema for the stats: any JSON object is passed through.
				async send(request, { room, view }, errors) {
					const withView = withOptions(request, { qs: { view } });
					return await sendToRoom(this, errors, withView, room, isJsonObject);
				},
			}),
		},
	},
};

export const getStatsFields: INodeProperties[] = [viewField];
