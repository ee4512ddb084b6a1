import type {
	ICredentialTestFunctions,
	IDataObject,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	INode,
} from 'n8n-workflow';
import { CREDENTIAL_TYPE, DEFAULT_TIMEOUT_MS, type AnswerShape } from '../videsk';
import { clock } from './clock';
import type { UsableCredential } from './credential';
import type { RequestPurpose, VideskAnswer } from './errors';
import { pacerFor } from './pacer';
import { sendToVidesk } from './send';

// The one request path for code that cannot go through routing: the trigger's polls and lookups,
// the Room list search (both with n8n's authenticated request helper) and the credential test
// (which n8n gives only its older request helper). None of them has the node's "Request
// Options": each says how long it waits.

export interface VideskRead {
	/** Path under the Base URL, e.g. /vpaas/rooms. Query objects go in Feathers' bracket form. */
	url: string;
	qs?: IDataObject;
	purpose: RequestPurpose;
	expects: AnswerShape<unknown>;
	handles?: (answer: VideskAnswer) => boolean;
	/** How to give a request more time, as the caller can. */
	timeoutAdvice: string;
	/** How long an attempt may take; default DEFAULT_TIMEOUT_MS. */
	timeoutMs?: number;
	/** When the caller's time ends (a poll's): each attempt, wait and retry ends by then. */
	deadline?: number;
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

const HEADERS = { Accept: 'application/json' };

/**
 * A GET with the node's Videsk credential (as the caller read it), on the one path. The
 * context's requests (a trigger's polls, a list search's pages) take turns with executions.
 */
export async function readFromVidesk(
	context: AuthenticatedHelpers,
	credential: UsableCredential,
	read: VideskRead,
): Promise<VideskAnswer> {
	return await sendToVidesk({
		...read,
		node: context.getNode(),
		pacer: pacerFor(credential.pacerKey),
		flow: context,
		method: 'GET',
		baseUrl: credential.baseUrl,
		apiToken: credential.apiToken,
		timeoutMs: read.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		attempt: async (signal, timeout) =>
			(await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, {
				method: 'GET',
				baseURL: credential.baseUrl,
				url: read.url,
				qs: read.qs,
				headers: HEADERS,
				json: true,
				timeout: clock.httpTimeoutMs(timeout),
				abortSignal: signal,
				disableFollowRedirect: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			})) as IN8nHttpFullResponse,
	});
}

/**
 * The credential test's GET, on the one path, with the token given (n8n's credential test has no
 * authenticated helper): one attempt, never sent again. `node` stands for the credential in
 * errors; it holds no parameters.
 */
export async function readWithToken(
	request: ICredentialTestFunctions['helpers']['request'],
	credential: UsableCredential,
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
	return await sendToVidesk({
		...read,
		node,
		pacer: pacerFor(credential.pacerKey),
		flow: {},
		method: 'GET',
		baseUrl: credential.baseUrl,
		apiToken: credential.apiToken,
		timeoutMs: read.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		retries: 0,
		attempt: async (_signal, timeout) => {
			// n8n's older helper takes no abort signal: the exchange still ends by its deadline.
			const response = (await request({
				method: 'GET',
				uri: `${credential.baseUrl.replace(/\/+$/, '')}${read.url}`,
				qs: read.qs,
				headers: { ...HEADERS, Authorization: `Bearer ${credential.apiToken}` },
				json: true,
				simple: false,
				resolveWithFullResponse: true,
				followRedirect: false,
				timeout: clock.httpTimeoutMs(timeout),
			})) as { statusCode: number; headers: IDataObject; body: unknown };
			return { statusCode: response.statusCode, headers: response.headers, body: response.body };
		},
	});
}
