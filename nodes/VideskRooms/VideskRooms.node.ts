import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { searchRooms } from './listSearch/searchRooms';
import { roomDescription } from './resources/room';
import { throwOnApiError } from './shared/errors';
import { sendWithRetry } from './shared/sequences';
import { applyDefaultTimeout } from './shared/validation';

export class VideskRooms implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Videsk Rooms',
		name: 'videskRooms',
		icon: { light: 'file:../../icons/videsk.svg', dark: 'file:../../icons/videsk.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Create, list, update and end Videsk video rooms, and issue join tokens',
		defaults: { name: 'Videsk Rooms' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'videskApi', required: true }],
		// The base URL comes from the credential (its authenticate), not from an expression here.
		requestDefaults: {
			headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
			json: true,
			// Error statuses come back as responses so that throwOnApiError can say what to do.
			ignoreHttpStatusErrors: true,
		},
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Room',
						value: 'room',
						// For every room operation: requests go through sendWithRetry (routing's
						// pagination hook; operations that take several requests replace it), and
						// throwOnApiError runs before any other postReceive.
						routing: {
							send: { paginate: true, preSend: [applyDefaultTimeout] },
							operations: { pagination: sendWithRetry },
							output: { postReceive: [throwOnApiError] },
						},
					},
				],
				default: 'room',
			},
			...roomDescription,
		],
	};

	methods = { listSearch: { searchRooms } };
}
