import type {
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

const TOKEN_CHECKLIST =
	'check that the credential holds an api-token (the only token type Videsk VPaaS accepts), that it has not expired or been revoked, and that this n8n machine’s IP address is on the token’s IP allow-list';

export class VideskApi implements ICredentialType {
	name = 'videskApi';

	displayName = 'Videsk API';

	icon: Icon = { light: 'file:../icons/videsk.svg', dark: 'file:../icons/videsk.dark.svg' };

	documentationUrl = 'https://github.com/videsk/n8n-nodes-videsk#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'A token of type api-token, created in the Videsk dashboard. Tip: for development, create one without an IP allow-list so that a changing IP does not lock you out.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.videsk.io',
			description:
				'Where the Videsk API is. Change it only to point at a test server such as this package’s local sandbox.',
		},
	];

	// The token header and the base URL, set without expressions: n8n (2.x) evaluates each
	// expression of a request in an isolated VM, about half a millisecond apiece, and the node's
	// routing used to evaluate `={{$credentials.baseUrl}}` twice per item plus the token once.
	// Requests that name their own base URL (trigger, list search, credential test) keep it.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		requestOptions.baseURL ??= credentials.baseUrl as string;
		requestOptions.headers = {
			...requestOptions.headers,
			Authorization: `Bearer ${String(credentials.apiToken)}`,
		};
		return requestOptions;
	}

	// The cheapest real request: list at most one room.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/vpaas/rooms',
			qs: { $limit: 1 },
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: `Videsk rejected the token: ${TOKEN_CHECKLIST}.` },
			},
			{
				type: 'responseCode',
				properties: {
					value: 403,
					message: `Videsk refused this token: ${TOKEN_CHECKLIST}.`,
				},
			},
		],
	};
}
