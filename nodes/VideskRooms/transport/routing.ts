import type {
	DeclarativeRestApiSettings,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
} from 'n8n-workflow';
import { CREDENTIAL_TYPE, DEFAULT_TIMEOUT_MS } from '../videsk';
import type { RequestPurpose } from './errors';
import { pacerFor, pacerKey } from './pacer';
import { sendToVidesk } from './send';

// The action node's side of the one request path. Routing builds each request (fields, preSend)
// and every operation's pagination hook sends it here with `makeRoutingRequest`, which sends
// exactly as routing would and runs the operation's postReceive hooks; the first of those keeps
// Videsk's whole answer (status, headers, body) for the transport.

export type RoutedRequest = DeclarativeRestApiSettings.ResultOptions;

/** How an operation's errors start, what they name, and what a status means for it. */
export interface OperationErrors {
	label: string;
	/** What the request is about, as the operation read it: `room "standup-1"`, "a new room". */
	target: string;
	advice?: RequestPurpose['advice'];
}

const TIMEOUT_ADVICE =
	'Raise "Request Options" → "Timeout", run fewer items at once, or give this workflow its own Videsk token.';

// An item sends one request at a time, so its answer is found by the node's run (one object
// per run of the node) and the item's index.
const answers = new WeakMap<object, Map<number, IN8nHttpFullResponse>>();
const NO_RUN = {};

function answersOf(context: IExecuteSingleFunctions) {
	const run = context.getExecuteData() ?? NO_RUN;
	let byItem = answers.get(run);
	if (byItem === undefined) {
		byItem = new Map();
		answers.set(run, byItem);
	}
	return byItem;
}

// The node's credential is read once per run of the node (n8n decrypts it on every
// getCredentials): its pacer's key (its token and base URL), and its token, hidden in errors.
const credentials = new WeakMap<object, Promise<{ pacerKey: string; apiToken: string }>>();

function credentialOf(context: IExecutePaginationFunctions) {
	const run = context.getExecuteData() ?? NO_RUN;
	let credential = credentials.get(run);
	if (credential === undefined) {
		credential = context
			.getCredentials<{ apiToken?: string; baseUrl?: string }>(CREDENTIAL_TYPE)
			.then(({ apiToken = '', baseUrl = '' }) => ({
				pacerKey: pacerKey(String(apiToken), String(baseUrl)),
				apiToken: String(apiToken),
			}));
		if (run !== NO_RUN) credentials.set(run, credential);
	}
	return credential;
}

/** postReceive of every operation, first: keeps Videsk's answer for sendRouted. */
export async function keepAnswer(
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	answersOf(this).set(this.getItemIndex(), response);
	return items;
}

export function purposeOf(
	context: IExecuteSingleFunctions,
	operation: OperationErrors,
): RequestPurpose {
	return { ...operation, itemIndex: context.getItemIndex() };
}

export function withOptions(request: RoutedRequest, options: RoutedRequest['options']) {
	return { ...request, options: { ...request.options, ...options } };
}

/**
 * Sends one request of an operation through routing, on the one request path (send.ts): paced,
 * retried, failures worded for `operation`. Resolves with the items routing made of the answer.
 */
export async function sendRouted(
	context: IExecutePaginationFunctions,
	operation: OperationErrors,
	request: RoutedRequest,
	expects?: (body: unknown) => boolean,
): Promise<INodeExecutionData[]> {
	const node = context.getNode();
	const baseUrl = String(request.options.baseURL);
	const credential = await credentialOf(context);
	const { result } = await sendToVidesk({
		node,
		pacer: pacerFor(credential.pacerKey),
		apiToken: credential.apiToken,
		// The node's run in its execution: executions (and polls) take turns.
		flow: context.getExecuteData() ?? NO_RUN,
		method: request.options.method ?? 'GET',
		baseUrl,
		timeoutMs: request.options.timeout ?? DEFAULT_TIMEOUT_MS,
		signal: context.getExecutionCancelSignal(),
		purpose: purposeOf(context, operation),
		timeoutAdvice: TIMEOUT_ADVICE,
		expects,
		attempt: async () => {
			const kept = answersOf(context);
			kept.delete(context.getItemIndex());
			const items = await context.makeRoutingRequest(request);
			const response = kept.get(context.getItemIndex())!;
			kept.delete(context.getItemIndex());
			return {
				answer: { statusCode: response.statusCode, headers: response.headers, body: response.body },
				result: items,
			};
		},
	});
	return result;
}
