import { NodeConnectionTypes, type INodeType, type INodeTypeDescription } from 'n8n-workflow';
import { testVideskApiCredential } from './credentialTest';
import { toolDescriptionFields } from './fields/toolDescriptions';
import { roomOperations, unknownOperation } from './operations';
import { searchRooms } from './searchRooms';
import { wholeAnswer } from './transport/routing';

export class VideskRooms implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Videsk Rooms',
		name: 'videskRooms',
		icon: { light: 'file:../../icons/videsk.svg', dark: 'file:../../icons/videsk.dark.svg' },
		group: ['transform'],
		version: 1,
		// The operation's display name ("Create or Get"), not its value ("createOrGet"). A string
		// literal, as n8n's lint wants; a test checks it against every operation's name.
		subtitle:
			'={{ ({ create: "Create", createOrGet: "Create or Get", createOrUpdate: "Create or Update", end: "End", get: "Get", getAll: "Get Many", getJoinToken: "Get Join Token", getStats: "Get Stats", update: "Update" })[$parameter["operation"]] }}',
		description: 'Create, list, update and end Videsk video rooms, and issue join tokens',
		// Used as is; n8n appends tracking parameters to the codex URL, after its "#anchor".
		documentationUrl: 'https://github.com/videsk/n8n-nodes-videsk#operations',
		defaults: { name: 'Videsk Rooms' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'videskApi', required: true, testedBy: 'videskApiTest' }],
		// The base URL as an expression here, so that n8n lets the node reach it through the
		// credential's "Allowed HTTP Request Domains".
		requestDefaults: {
			baseURL: '={{$credentials.baseUrl}}',
			headers: { Accept: 'application/json', 'Content-Type': 'application/json' },
			json: true,
			// Error statuses come back as answers, so that the transport can say what to do.
			ignoreHttpStatusErrors: true,
		},
		properties: [
			// The tool variant's "Description", first as n8n places its own.
			...toolDescriptionFields,
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{
						name: 'Room',
						value: 'room',
						// Every operation sends its requests from its own pagination hook (operations/),
						// through the transport (transport/routing.ts), which judges each answer
						// wholeAnswer gives it; an operation without a hook is refused.
						routing: {
							send: { paginate: true },
							operations: { pagination: unknownOperation },
							output: { postReceive: [wholeAnswer] },
						},
					},
				],
				default: 'room',
			},
			...roomOperations,
		],
	};

	methods = {
		listSearch: { searchRooms },
		credentialTest: { videskApiTest: testVideskApiCredential },
	};
}
