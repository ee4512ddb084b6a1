import type {
	ICredentialTestFunctions,
	IDataObject,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INode,
} from 'n8n-workflow';
import { CREDENTIAL_TYPE, DEFAULT_TIMEOUT_MS } from '../videsk';
import type { RequestPurpose } from './errors';
import { pacerFor, pacerKey } from './pacer';
import { sendToVidesk, timeoutFor, type VideskAnswer } from './send';

// The one request path for code that cannot go through routing: the trigger's polls and lookups,
// the Room list search (both with n8n's authenticated request helper) and the credential test
// (which n8n gives only its older request helper). The Timeout is fixed here: none of them has
// the node's "Request Options".

export interface VideskRead {
	/** Path under the Base URL, e.g. /vpaas/rooms. Query objects go in Feathers' bracket form. */
	url: string;
	qs?: IDataObject;
	purpose: RequestPurpose;
	expects?: (body: unknown) => boolean;
	handles?: (answer: VideskAnswer) => boolean;
	/** What to do when Videsk asks for a wait longer than the Timeout. */
	timeoutAdvice: string;
	/** When the caller's time ends (a poll's): each attempt, wait and retry ends by then. */
	deadline?: number;
}

/** The Videsk API credential, as getCredentials gives it. */
export interface VideskCredential {
	apiToken: string;
	baseUrl: string;
}

/** What can send with the credential's authentication: a poll or a list search context. */
interface AuthenticatedHelpers {
	getNode(): INode;
	helpers: {
		httpRequestWithAuthentication(
			credentialType: string,
			options: IHttpRequestOptions,
		): Promise<unknown>;
	};
}

/**
 * A GET with the node's Videsk credential (as the caller read it), on the one path. The
 * context's requests (a trigger's polls, a list search's pages) take turns with executions.
 */
export async function readFromVidesk(
	context: AuthenticatedHelpers,
	{ apiToken, baseUrl }: VideskCredential,
	read: VideskRead,
): Promise<VideskAnswer> {
	const node = context.getNode();
	const exchange = { timeoutMs: DEFAULT_TIMEOUT_MS, deadline: read.deadline };
	const { answer } = await sendToVidesk({
		...exchange,
		node,
		pacer: pacerFor(pacerKey(apiToken, baseUrl)),
		flow: context,
		method: 'GET',
		baseUrl,
		apiToken,
		purpose: read.purpose,
		timeoutAdvice: read.timeoutAdvice,
		expects: read.expects,
		handles: read.handles,
		attempt: async () => {
			const response = (await context.helpers.httpRequestWithAuthentication.call(
				context,
				CREDENTIAL_TYPE,
				{
					method: 'GET',
					baseURL: baseUrl,
					url: read.url,
					qs: read.qs,
					headers: { Accept: 'application/json' },
					json: true,
					timeout: timeoutFor(exchange),
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
				},
			)) as IN8nHttpFullResponse;
			return { answer: response, result: undefined };
		},
	});
	return answer;
}

/**
 * The credential test's GET, on the one path, with the token given (n8n's credential test has no
 * authenticated helper). `node` stands for the credential in errors; it holds no parameters.
 */
export async function readWithToken(
	request: ICredentialTestFunctions['helpers']['request'],
	credential: VideskCredential,
	read: VideskRead,
): Promise<VideskAnswer> {
	const node: INode = {
		id: 'videsk-credential-test',
		name: 'Videsk API credential',
		type: CREDENTIAL_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const { answer } = await sendToVidesk({
		node,
		pacer: pacerFor(pacerKey(credential.apiToken, credential.baseUrl)),
		flow: {},
		method: 'GET',
		baseUrl: credential.baseUrl,
		apiToken: credential.apiToken,
		timeoutMs: DEFAULT_TIMEOUT_MS,
		purpose: read.purpose,
		timeoutAdvice: read.timeoutAdvice,
		expects: read.expects,
		handles: read.handles,
		attempt: async () => {
			const response = (await request({
				method: 'GET',
				uri: `${credential.baseUrl.replace(/\/+$/, '')}${read.url}`,
				qs: read.qs,
				headers: {
					Accept: 'application/json',
					Authorization: `Bearer ${credential.apiToken.trim()}`,
				},
				json: true,
				simple: false,
				resolveWithFullResponse: true,
				timeout: DEFAULT_TIMEOUT_MS,
			})) as { statusCode: number; headers: IDataObject; body: unknown };
			return {
				answer: { statusCode: response.statusCode, headers: response.headers, body: response.body },
				result: undefined,
			};
		},
	});
	return answer;
}
