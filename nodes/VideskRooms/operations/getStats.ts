import type { IDataObject, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { oneOf, readParameter } from '../fields/contract';
import { readRoom, roomTarget, roomUrl } from '../fields/room';
import { answerError, sendRouted, withOptions } from '../transport/routing';
import { isJsonObject, isNotFound, roomAskedFor } from '../videsk';
import { operation } from './frame';
import { addressOf, readRoomAt, toRoom } from './rooms';

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
			description: 'Full analysis: quality score, key metrics, patterns and recommendations',
		},
		{
			name: 'Snapshot',
			value: 'snapshot',
			description: 'Computed live from raw telemetry; useful while the session is still running',
		},
		{
			name: 'Summary',
			value: 'summary',
			description: 'Per participant and per minute, once the session has been compiled',
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
	description: 'Get the call quality of a room’s session (from WebRTC stats)',
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
				// Videsk documents no schema for the stats: any JSON object is passed through. It
				// cannot show which room it is about, so the room's path is checked first. Videsk's
				// NotFound may be about the room or its stats: a GET of the room tells which.
				async send(request, { room, view }, errors) {
					const address = await addressOf(this, errors, request, room);
					const withView = withOptions(request, { qs: { view } });
					const answer = await sendRouted(
						this,
						errors,
						toRoom(withView, address),
						isJsonObject,
						isNotFound,
					);
					if (!isNotFound(answer)) return [answer.body as IDataObject];
					if (address.room === undefined) {
						await sendRouted(
							this,
							errors,
							toRoom(readRoomAt(request), address),
							roomAskedFor(address.asked),
						);
					}
					throw await answerError(this, { ...errors, advice: { 404: noStats } }, answer, 'GET');
				},
			}),
		},
	},
};

export const getStatsFields: INodeProperties[] = [viewField];

/** Videsk's NotFound from the stats of a room it has. */
const noStats = (target: string) => ({
	message: `Videsk has no stats for ${target} yet`,
	description:
		'The room exists, but its session has no stats of this View: Summary is there once the session has been compiled; Report and Snapshot while it runs or after. Run it again later, or choose another View.',
});
