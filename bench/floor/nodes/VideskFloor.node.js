// The floor for the benchmark: what n8n's declarative routing costs for the benchmark's
// requests with nothing of ours on top (no preSend, postReceive or pagination hooks, no
// validation, no error messages). Same credential, request defaults and routing as Videsk Rooms.
const ROOMS = '/vpaas/rooms';

const roomField = (name, operation, suffix) => ({
	displayName: 'Room',
	name,
	type: 'string',
	default: '',
	displayOptions: { show: { operation: [operation].flat() } },
	routing: { request: { url: `={{"${ROOMS}/" + encodeURIComponent($value) + "${suffix}"}}` } },
});

class VideskFloor {
	description = {
		displayName: 'Videsk Floor (benchmark only)',
		name: 'videskFloor',
		group: ['transform'],
		version: 1,
		description: 'The benchmark floor: plain declarative routing, no hooks',
		defaults: { name: 'Videsk Floor' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: 'videskApi', required: true }],
		requestDefaults: {
			baseURL: '={{$credentials.baseUrl}}',
			headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
			json: true,
		},
		properties: [
			{
				displayName: 'Operation',
				name: 'operation',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Create', value: 'create', routing: { request: { method: 'POST', url: ROOMS } } },
					{ name: 'Get', value: 'get', routing: { request: { method: 'GET' } } },
					{
						name: 'Get Join Token',
						value: 'getJoinToken',
						routing: { request: { method: 'POST' } },
					},
					{ name: 'Update', value: 'update', routing: { request: { method: 'PATCH' } } },
					{
						// n8n's built-in offset pagination: every room, 100 at a time.
						name: 'Get Many',
						value: 'getAll',
						routing: {
							request: { method: 'GET', url: ROOMS },
							send: { paginate: true },
							operations: {
								pagination: {
									type: 'offset',
									properties: {
										type: 'query',
										limitParameter: '$limit',
										offsetParameter: '$skip',
										pageSize: 100,
										rootProperty: 'data',
									},
								},
							},
						},
					},
				],
				default: 'get',
			},
			roomField('room', ['get', 'update'], ''),
			roomField('joinRoom', 'getJoinToken', '/join'),
			{
				displayName: 'External ID',
				name: 'externalId',
				type: 'string',
				default: '',
				displayOptions: { show: { operation: ['create'] } },
				routing: { send: { type: 'body', property: 'externalId' } },
			},
			{
				displayName: 'Name',
				name: 'name',
				type: 'string',
				default: '',
				displayOptions: { show: { operation: ['update'] } },
				routing: { send: { type: 'body', property: 'name' } },
			},
		],
	};
}

module.exports = { VideskFloor };
