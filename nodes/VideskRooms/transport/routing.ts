import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	IExecuteSingleFunctions,
	IN8nHttpFullResponse,
	INodeExecutionData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { CREDENTIAL_TYPE, DEFAULT_TIMEOUT_MS, type AnswerShape } from '../videsk';
import { duration } from '../wording';
import { clock } from './clock';
import { usableCredential, type UsableCredential } from './credential';
import { videskApiError, type RequestPurpose, type VideskAnswer } from './errors';
import { pacerFor } from './pacer';
import { sendToVidesk } from './send';

// The action node's side of the one request path. Routing builds each request, and every
// operation's pagination hook sends it here with `makeRoutingRequest`, which sends exactly as
// routing would and runs the operation's postReceive hooks: the only one, `wholeAnswer`, gives
// back Videsk's whole answer (status, headers, body) for the transport to judge.

export type RoutedRequest = DeclarativeRestApiSettings.ResultOptions;

/** How an operation's errors start, what they name, and what a status means for it. */
export type OperationErrors = Omit<RequestPurpose, 'itemIndex'>;

/** The postReceive of every operation: routing's answer, whole, as its one item. */
export async function wholeAnswer(
	this: IExecuteSingleFunctions,
	_items: INodeExecutionData[],
	{ statusCode, headers, body }: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	return [{ json: { statusCode, headers, body } as IDataObject }];
}

// The credential is read once per run of the node (n8n decrypts it on every getCredentials), by
// the node: a run (its execute data) can be shared by several nodes, such as the tools an AI
// agent calls in n8n 1.x.
const credentials = new WeakMap<object, Map<string, Promise<UsableCredential>>>();

/**
 * The node's Videsk credential, trimmed; an error naming the Base URL when it cannot be used,
 * before any request.
 */
export async function credentialOf(context: IExecuteSingleFunctions): Promise<UsableCredential> {
	const run = context.getExecuteData();
	const node = context.getNode().name;
	let byNode = run === undefined ? undefined : credentials.get(run);
	let credential = byNode?.get(node);
	if (credential === undefined) {
		credential = context
			.getCredentials(CREDENTIAL_TYPE)
			.then(usableCredential)
			.then((usable) => {
				if ('problem' in usable) {
					throw new NodeOperationError(context.getNode(), usable.problem, {
						itemIndex: context.getItemIndex(),
						description: 'Fix the Base URL in the Videsk credential; nothing was sent to Videsk.',
					});
				}
				return usable;
			});
		credential.catch(() => {});
		if (run !== undefined) {
			if (byNode === undefined) credentials.set(run, (byNode = new Map()));
			byNode.set(node, credential);
		}
	}
	return await credential;
}

export function withOptions(request: RoutedRequest, options: RoutedRequest['options']) {
	return { ...request, options: { ...request.options, ...options } };
}

/**
 * Sends one request of an operation through routing, on the one request path (send.ts): paced,
 * ended by its Timeout, retried, failures worded for `operation`. Resolves with Videsk's answer:
 * of the shape `expects`, or one the caller `handles` itself.
 */
export async function sendRouted(
	context: IExecutePaginationFunctions,
	operation: OperationErrors,
	request: RoutedRequest,
	expects: AnswerShape<unknown>,
	handles?: (answer: VideskAnswer) => boolean,
): Promise<VideskAnswer> {
	const credential = await credentialOf(context);
	const timeoutMs = request.options.timeout ?? DEFAULT_TIMEOUT_MS;
	return await sendToVidesk({
		node: context.getNode(),
		pacer: pacerFor(credential.pacerKey),
		apiToken: credential.apiToken,
		// The node's run in its execution: executions (and polls) take turns.
		flow: context.getExecuteData() ?? context,
		method: request.options.method ?? 'GET',
		baseUrl: credential.baseUrl,
		timeoutMs,
		signal: context.getExecutionCancelSignal(),
		purpose: { ...operation, itemIndex: context.getItemIndex() },
		timeoutAdvice: `To give it more time, raise "Request Options" → "Timeout" (now ${duration(timeoutMs)}).`,
		expects,
		handles,
		attempt: async (signal, attemptMs) => {
			const [answer] = await context.makeRoutingRequest(
				withOptions(request, {
					baseURL: credential.baseUrl,
					timeout: clock.httpTimeoutMs(attemptMs),
					abortSignal: signal,
					// A redirect is an answer: following it would turn a POST or a PATCH into a GET.
					disableFollowRedirect: true,
				}),
			);
			return answer.json as unknown as VideskAnswer;
		},
	});
}

/** The error for an answer an operation `handles` and then finds it cannot use after all. */
export async function answerError(
	context: IExecutePaginationFunctions,
	operation: OperationErrors,
	answer: VideskAnswer,
	method: string,
) {
	const { apiToken } = await credentialOf(context);
	return videskApiError(
		context.getNode(),
		answer,
		{ ...operation, itemIndex: context.getItemIndex() },
		{ method, apiToken },
	);
}
