import type {
	ICredentialDataDecryptedObject,
	IHttpRequestOptions,
	Icon,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

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
				'A token of type api-token, created in the Videsk dashboard. Tip: for development, create one that is not limited to some IP addresses, so that a changing address does not lock you out.',
			hint: 'In the Videsk dashboard, create a token of type <b>api-token</b> and paste it here',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.videsk.io',
			description:
				'Where the Videsk API is. Change it only to point at a test server such as this package’s local sandbox.',
			hint: 'Keep https://api.videsk.io; change it only to use a test server',
		},
	];

	// The token header, set without an expression: n8n (2.x) evaluates each expression of a
	// request in an isolated VM, about half a millisecond apiece, once per item. (The base URL
	// stays an expression in the node's requestDefaults: n8n allows that host through the
	// credential's "Allowed HTTP Request Domains" only when the node names it there.) The token
	// is sent trimmed, as the nodes pace it and hide it: blanks pasted around it are no part of it.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		requestOptions.headers = {
			...requestOptions.headers,
			Authorization: `Bearer ${String(credentials.apiToken).trim()}`,
		};
		return requestOptions;
	}

	// Tested by the Videsk Rooms node (testedBy: testVideskApiCredential in
	// nodes/VideskRooms/credentialTest.ts), so that an unreachable Base URL is named.
}
