import type {
	IDataObject,
	IExecuteSingleFunctions,
	IN8nHttpFullResponse,
	INode,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { DEFAULT_TIMEOUT_MS, OPERATION_NAMES } from './api';

// Every Videsk answer goes through here: the node's and the trigger's requests are sent with
// `ignoreHttpStatusErrors`, so that one table below turns each status into a message that says
// what to do, keeping Videsk's own (Feathers) message.

/** What a failed request was for, as the error names it. */
export interface FailedRequest {
	/** The operation's key (e.g. `get`, `getAll`): it chooses the advice for some statuses. */
	operation: string;
	/** How the error starts, e.g. "Get" or "Room Ended trigger". */
	label: string;
	/** What the request was about, e.g. `room "standup-1"` or "the room list". */
	target: string;
	itemIndex?: number;
}

export const TOKEN_CHECKLIST =
	'Check that the Videsk credential holds an api-token (the only token type VPaaS accepts), that the token has not expired or been revoked, and that this n8n machine’s IP address is on the token’s IP allow-list.';

interface FeathersError {
	name?: string;
	message: string;
	errors?: IDataObject;
}

function feathersError(body: unknown): FeathersError | undefined {
	const error = body as FeathersError | undefined;
	return typeof error?.message === 'string' ? error : undefined;
}

/** A short, tag-free excerpt of a non-JSON body (a proxy’s HTML page, plain text). */
function textExcerpt(body: unknown): string {
	if (typeof body !== 'string' && !Buffer.isBuffer(body)) return '';
	const text = body
		.toString()
		.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
		.replace(/<[^>]+>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
	return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}

/** The answer the API documents: a JSON object (a room, a page of rooms, a token). */
export function isJsonObject(body: unknown): boolean {
	return typeof body === 'object' && body !== null && !Buffer.isBuffer(body);
}

export function operationName(context: IExecuteSingleFunctions): string {
	return OPERATION_NAMES[context.getNode().parameters.operation as string] ?? 'Videsk';
}

/** The room the failing request was about, as the user entered it. */
export function targetOf(context: IExecuteSingleFunctions): string {
	const { parameters } = context.getNode();
	if (parameters.operation === 'getAll') return 'the room list';
	if (parameters.room !== undefined) {
		return `room "${String(context.getNodeParameter('room', '', { extractValue: true }))}"`;
	}
	const externalId = String(context.getNodeParameter('externalId', '') ?? '').trim();
	return externalId !== '' ? `room with External ID "${externalId}"` : 'a new room';
}

function describe(
	status: number,
	operation: string,
	target: string,
	videsk: FeathersError | undefined,
	headers: IDataObject,
): { message: string; description: string } {
	const retryAfter = headers['retry-after'];
	switch (status) {
		case 400: {
			const fields = videsk?.errors ? Object.keys(videsk.errors) : [];
			return {
				message: `Videsk rejected the request for ${target} as invalid`,
				description: fields.length
					? `Check these fields: ${fields.map((field) => `${field} (${String(videsk!.errors![field])})`).join(', ')}.`
					: 'Check the values of the fields you filled in.',
			};
		}
		case 401:
			return {
				message: `Videsk did not accept the API token (${target})`,
				description: TOKEN_CHECKLIST,
			};
		case 403:
			return operation === 'delete'
				? {
						message: `Videsk does not allow deleting rooms through its API (${target})`,
						description:
							'Use the "End" operation instead: it marks the room as ended, which closes it for participants.',
					}
				: {
						message: `Videsk refused access for ${target}`,
						description: `The token may lack permission for this, or this machine’s IP may not be on its allow-list. ${TOKEN_CHECKLIST}`,
					};
		case 404:
			if (operation === 'getAll') {
				return {
					message: 'Videsk did not find the room list',
					description:
						'Check the Base URL of the Videsk credential: it should be the API’s root, such as https://api.videsk.io.',
				};
			}
			return operation === 'get' || operation === 'getStats'
				? {
						message: `Videsk has no ${target}`,
						description:
							'No room in this Videsk account has that ID or External ID. Check the "Room" field and that the credential belongs to the account that created the room.',
					}
				: {
						message: `Videsk found no open ${target}: it does not exist or has already ended`,
						description:
							'Videsk only changes or joins rooms that exist and have not ended. Use "Get" to check the room, or "Create" a new one.',
					};
		case 409:
			return {
				message: `A room with this External ID already exists (${target})`,
				description:
					'External IDs are unique per Videsk account. Use the "Create or Get" operation to reuse the existing room (safe when a workflow runs twice), or choose another External ID.',
			};
		case 429:
			return {
				message: `Videsk’s rate limit was reached (${target})`,
				description: `Videsk allows about 20 requests per second per token.${retryAfter ? ` It asked to retry after ${String(retryAfter)} s.` : ''} The node paces its requests by Videsk’s rate-limit headers, so something else is using this token heavily too: give this workflow its own token, or turn on "Retry On Fail" in the node’s settings.`,
			};
		default:
			if (status < 400) {
				return {
					message: `Videsk sent an unexpected answer (HTTP ${status}) for ${target}`,
					description:
						'The API documents a JSON object here. A proxy or a server change may be in the way; try again later.',
				};
			}
			return {
				message: `Videsk could not process the request for ${target} (HTTP ${status})`,
				description:
					'Videsk, or a proxy in front of it, is not answering normally. Try again later; "Retry On Fail" in the node’s settings can do that for you.',
			};
	}
}

function failedRequestOf(context: IExecuteSingleFunctions): FailedRequest {
	return {
		operation: context.getNodeParameter('operation', '') as string,
		label: operationName(context),
		target: targetOf(context),
		itemIndex: context.getItemIndex(),
	};
}

/** The error for an answer with an error status, or a success without the documented JSON. */
export function videskApiError(
	node: INode,
	response: IN8nHttpFullResponse,
	request: FailedRequest,
): NodeApiError {
	const videsk = feathersError(response.body);
	const { message, description } = describe(
		response.statusCode,
		request.operation,
		request.target,
		videsk,
		response.headers,
	);
	const said = videsk
		? ` Videsk said: "${videsk.message}".`
		: textExcerpt(response.body)
			? ` Videsk answered: "${textExcerpt(response.body)}".`
			: ' The answer had no body.';
	const errorResponse: JsonObject = videsk
		? (response.body as JsonObject)
		: { httpCode: response.statusCode, body: textExcerpt(response.body) };
	const error = new NodeApiError(node, errorResponse, {
		message: `${request.label}: ${message}`,
		description: description + said,
		httpCode: String(response.statusCode),
		itemIndex: request.itemIndex,
	});
	const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
	if (retryAfterMs !== undefined) error.context.retryAfterMs = retryAfterMs;
	return error;
}

/** `Retry-After` is either seconds or an HTTP date. */
export function parseRetryAfter(header: unknown): number | undefined {
	if (typeof header !== 'string' || header.trim() === '') return undefined;
	const seconds = Number(header);
	const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
	return Number.isNaN(ms) ? undefined : Math.max(ms, 0);
}

const NO_ANSWER_IN_TIME = `Videsk did not answer in time. Try again later, or allow more time under "Request Options" → "Timeout" (${DEFAULT_TIMEOUT_MS / 1000} s unless set).`;
const NETWORK_ADVICE: Record<string, string> = {
	ECONNREFUSED:
		'Nothing answered at the Base URL of the Videsk credential. Check that URL, and that this n8n machine can reach it (firewall, proxy).',
	ECONNABORTED: NO_ANSWER_IN_TIME,
	ETIMEDOUT: NO_ANSWER_IN_TIME,
};

/**
 * n8n reports a request that got no HTTP answer (refused, reset, timed out) with a generic
 * message; this names the room and what to do. Errors with an HTTP status pass unchanged.
 */
export function videskNetworkError(
	node: INode,
	error: unknown,
	request: FailedRequest,
): NodeApiError {
	const original = new NodeApiError(node, error as JsonObject);
	if (hasHttpStatus(original)) return original;
	const code = original.httpCode ?? '';
	// Neither `code` nor `httpCode` here: NodeApiError would swap the message for its generic one.
	return new NodeApiError(
		node,
		{ networkError: code },
		{
			message: `${request.label}: could not reach Videsk for ${request.target}: ${original.message}`,
			description:
				NETWORK_ADVICE[code] ??
				'The connection to Videsk broke before its answer was complete. Try again; "Retry On Fail" in the node’s settings can do that for you.',
			itemIndex: request.itemIndex,
		},
	);
}

function hasHttpStatus(error: NodeApiError): boolean {
	return /^\d{3}$/.test(error.httpCode ?? '');
}

export function withNetworkContext(context: IExecuteSingleFunctions, error: unknown): NodeApiError {
	const original = new NodeApiError(context.getNode(), error as JsonObject);
	// The room is looked up only for the message of an error without HTTP status.
	if (hasHttpStatus(original)) return original;
	return videskNetworkError(context.getNode(), error, failedRequestOf(context));
}

/**
 * postReceive of every operation: turns an error status, or a success without the JSON object
 * the API documents, into a NodeApiError.
 */
export async function throwOnApiError(
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
	response: IN8nHttpFullResponse,
): Promise<INodeExecutionData[]> {
	if (response.statusCode >= 400 || !isJsonObject(response.body)) {
		throw videskApiError(this.getNode(), response, failedRequestOf(this));
	}
	return items;
}
