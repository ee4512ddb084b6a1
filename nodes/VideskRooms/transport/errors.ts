import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { DEFAULT_TIMEOUT_MS, isJsonObject, type AnswerShape } from '../videsk';
import { readRateLimit, retryAfterUntil } from './pacer';
import type { VideskAnswer } from './send';

// One table turns each answer Videsk (or something in front of it) can give into a message that
// says what to do, keeping Videsk's own (Feathers) message; one more names what a request that got
// no answer at all ran into. Every request of both nodes ends here when it fails.

/** What a message says: its first line, and what to do. */
export interface Advice {
	message: string;
	description: string;
}

/** What a request was for, as its error names it. */
export interface RequestPurpose {
	/** How the error starts: the operation ("Get"), or the trigger's event ("Room Ended"). */
	label: string;
	/** What the request was about, e.g. `room "standup-1"` or "the room list". */
	target: string;
	/** What a status means for this request, where the table's general advice would mislead. */
	advice?: Partial<Record<number, (target: string) => Advice>>;
	itemIndex?: number;
}

export const TOKEN_CHECKLIST =
	'Check that the Videsk credential holds an api-token (the only token type VPaaS accepts), that the token has not expired or been revoked, and that this n8n machine’s IP address is on the token’s IP allow-list.';

export const BASE_URL_ADVICE =
	'Check the Base URL of the Videsk credential: it should be the API’s root, such as https://api.videsk.io.';

/** Where the path is Videsk's own (the room list, creating a room), a 404 means a wrong Base URL. */
export const ROOM_LIST_ADVICE: RequestPurpose['advice'] = {
	404: () => ({ message: 'Videsk did not find the room list', description: BASE_URL_ADVICE }),
};

interface FeathersError {
	name?: string;
	message: string;
	errors?: unknown;
}

function feathersError(body: unknown): FeathersError | undefined {
	const error = body as FeathersError | undefined;
	return typeof error?.message === 'string' ? error : undefined;
}

const EXCERPT_LENGTH = 160;

/** A JSON Web Token (an access token), wherever it appears in a text. */
const JWT = /eyJ[\w-]*\.[\w-]+\.[\w-]*/g;
const HIDDEN = '(hidden)';

/** `text` with the api-token (as sent: trimmed) and every JWT in it hidden. */
function hideTokens(text: string, apiToken: string): string {
	const token = apiToken.trim();
	return (token === '' ? text : text.split(token).join(HIDDEN)).replace(JWT, HIDDEN);
}

/**
 * The answer with the api-token and access tokens hidden in every text of its body: Videsk's
 * (Feathers) messages may quote them, and errors copy those messages.
 */
export function withoutTokens(answer: VideskAnswer, apiToken: string): VideskAnswer {
	const hide = (value: unknown): unknown => {
		if (typeof value === 'string') return hideTokens(value, apiToken);
		if (Buffer.isBuffer(value)) return hideTokens(value.toString(), apiToken);
		if (Array.isArray(value)) return value.map(hide);
		if (typeof value === 'object' && value !== null) {
			return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, hide(inner)]));
		}
		return value;
	};
	return { ...answer, body: hide(answer.body) };
}

/** JSON with the values of token fields hidden: an answer may carry a room's access token. */
function jsonWithoutTokens(body: unknown): string {
	return (
		JSON.stringify(body, (key, value: unknown) =>
			/token/i.test(key) && typeof value === 'string' ? HIDDEN : value,
		) ?? ''
	);
}

/**
 * A short excerpt of a body that is not a Feathers error: a proxy's HTML page or plain text
 * without its tags, a JSON body (a gateway's `{"error": …}`) as JSON, token fields hidden.
 */
function excerptOf(body: unknown): string {
	let text: string;
	if (typeof body === 'string' || Buffer.isBuffer(body)) {
		text = body
			.toString()
			.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
			.replace(/<[^>]+>/g, ' ');
	} else {
		text = body === undefined ? '' : jsonWithoutTokens(body);
	}
	text = text.replace(/\s+/g, ' ').trim();
	return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
}

/** A validation detail's text: its message, or the detail as JSON (never "[object Object]"). */
function detailText(detail: unknown): string {
	if (typeof detail === 'string') return detail;
	const { message, msg } = (detail ?? {}) as { message?: unknown; msg?: unknown };
	const text = message ?? msg;
	return typeof text === 'string' ? text : (JSON.stringify(detail) ?? String(detail));
}

/** The field a validation detail in a list names (Joi's path, express-validator's param…). */
function detailField(detail: unknown): string | undefined {
	if (typeof detail !== 'object' || detail === null) return undefined;
	const { path, field, param, property, instancePath } = detail as Record<string, unknown>;
	const named = path ?? field ?? param ?? property ?? instancePath;
	if (Array.isArray(named)) return named.join('.');
	return typeof named === 'string' && named !== '' ? named : undefined;
}

/**
 * Feathers' validation details as "field: message", whether they come as an object keyed by
 * field (values text, or objects with a message) or as a list of details.
 */
function fieldErrors(errors: unknown): string[] {
	if (Array.isArray(errors)) {
		return errors.map((detail) => {
			const field = detailField(detail);
			return field ? `${field}: ${detailText(detail)}` : detailText(detail);
		});
	}
	if (typeof errors !== 'object' || errors === null) return [];
	return Object.entries(errors).map(([field, detail]) => `${field}: ${detailText(detail)}`);
}

/** The wait a 429's Retry-After (seconds or an HTTP date) asks for, in whole seconds. */
function waitAsked(headers: IDataObject): string {
	const now = Date.now();
	const until = retryAfterUntil(readRateLimit(headers, 429, { sentAt: now, receivedAt: now }));
	return until === undefined ? '' : ` It asked to wait ${Math.ceil((until - now) / 1000)} s.`;
}

/** The general advice for a status; a request's own advice (RequestPurpose.advice) comes first. */
function generalAdvice(
	status: number,
	target: string,
	videsk: FeathersError | undefined,
	headers: IDataObject,
): Advice {
	switch (status) {
		case 400: {
			const fields = fieldErrors(videsk?.errors);
			return {
				message: `Videsk rejected the request for ${target} as invalid`,
				description: fields.length
					? `Check these fields: ${fields.join('; ')}.`
					: 'Check the values of the fields you filled in.',
			};
		}
		case 401:
			return {
				message: `Videsk did not accept the API token (${target})`,
				description: TOKEN_CHECKLIST,
			};
		case 403:
			return {
				message: `Videsk refused access for ${target}`,
				description: `The token may lack permission for this, or this machine’s IP may not be on its allow-list. ${TOKEN_CHECKLIST}`,
			};
		case 404:
			return {
				message: `Videsk has no ${target}`,
				description:
					'No room in this Videsk account has that ID or External ID. Check the "Room" field and that the credential belongs to the account that created the room.',
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
				description: `Videsk allows about 20 requests per second per token.${waitAsked(headers)} The node paces its requests by Videsk’s rate-limit headers, so something else is likely using this token heavily too: give this workflow its own token, or run it when that other use is over.`,
			};
		default:
			return {
				message: `Videsk could not process the request for ${target} (HTTP ${status})`,
				description:
					'Videsk, or a proxy in front of it, is not answering normally. Try again later; "Retry On Fail" in the node’s settings can do that for you.',
			};
	}
}

/** What a status means for `purpose`, in its words: its own advice, else the general one. */
export function adviceFor(answer: VideskAnswer, purpose: RequestPurpose): Advice {
	const own = purpose.advice?.[answer.statusCode];
	if (own) return own(purpose.target);
	return generalAdvice(
		answer.statusCode,
		purpose.target,
		feathersError(answer.body),
		answer.headers,
	);
}

/** A write whose answer did not come as expected: the change may be made all the same. */
const MAY_HAVE_CHANGED =
	'Videsk may have made the change all the same: check the room before running the item again.';

/** What a successful answer in the wrong shape says: what came back, and what it means. */
function wrongShape(
	answer: VideskAnswer,
	target: string,
	shape: AnswerShape,
	write: boolean,
): Advice {
	return {
		message: `Videsk answered ${answer.statusCode} with ${shape.whatCame(answer.body)} (${target})`,
		description: `Its API documents another answer here. A proxy or a server change may be in the way.${write ? ` ${MAY_HAVE_CHANGED}` : ''}`,
	};
}

/**
 * The error for an answer with an error status, or for a success without the shape the request
 * expected (an AnswerShape says what came back instead; a JSON object by default). Whatever it
 * copies of the answer has the request's api-token and every access token hidden.
 */
export function videskApiError(
	node: INode,
	received: VideskAnswer,
	purpose: RequestPurpose,
	request: { method: string; apiToken: string; expects?: (body: unknown) => boolean },
): NodeApiError {
	const { expects } = request;
	const answer = withoutTokens(received, request.apiToken);
	const shape = expects && 'whatCame' in expects ? (expects as AnswerShape) : isJsonObject;
	const write = request.method !== 'GET';
	const videsk = answer.statusCode >= 400 ? feathersError(answer.body) : undefined;
	const { message, description } =
		answer.statusCode < 400
			? wrongShape(answer, purpose.target, shape, write)
			: adviceFor(answer, purpose);
	const excerpt = excerptOf(answer.body);
	const said = videsk
		? ` Videsk said: "${videsk.message}".`
		: excerpt
			? ` Videsk answered: "${excerpt}".`
			: ' The answer had no body.';
	const errorResponse: JsonObject = videsk
		? (answer.body as JsonObject)
		: { httpCode: answer.statusCode, body: excerpt };
	return new NodeApiError(node, errorResponse, {
		message: `${purpose.label}: ${message}`,
		description: description + said,
		httpCode: String(answer.statusCode),
		itemIndex: purpose.itemIndex,
	});
}

/**
 * What a request that got no HTTP answer ran into, by its error code, and what to do. A `write`
 * whose connection broke or timed out may have reached Videsk: it is not to be sent again blindly.
 */
export function networkProblem(
	code: string,
	baseUrl: string,
	write = false,
): { problem: string; fix: string } {
	const timeoutAdvice = `"Request Options" → "Timeout" (${DEFAULT_TIMEOUT_MS / 1000} s unless set)`;
	const host = URL.canParse(baseUrl) ? new URL(baseUrl).hostname : baseUrl;
	switch (code) {
		case 'ECONNREFUSED':
			return {
				problem: 'nothing answered there (connection refused)',
				fix: 'Check its host and port, and that the server runs.',
			};
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return {
				problem: `there is no host "${host}" (DNS)`,
				fix: 'Check its spelling; Videsk’s is https://api.videsk.io.',
			};
		case 'ETIMEDOUT':
		case 'ECONNABORTED':
			return {
				problem: 'no answer in time',
				fix: write
					? `${MAY_HAVE_CHANGED} A node can allow more time under ${timeoutAdvice}.`
					: `Try again later; check that this n8n machine can reach it (firewall, proxy); a node can allow more time under ${timeoutAdvice}.`,
			};
		case 'EPROTO':
			return {
				problem: 'the connection was closed during its set-up',
				fix: 'Check that its protocol (http or https) and port are right.',
			};
		default:
			return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)
				? { problem: `its TLS certificate was not accepted (${code})`, fix: 'Check the URL.' }
				: {
						problem: 'the connection to Videsk broke before its answer was complete',
						fix: write
							? MAY_HAVE_CHANGED
							: 'Try again; "Retry On Fail" in the node’s settings can do that for you.',
					};
	}
}

function hasHttpStatus(error: NodeApiError): boolean {
	return /^\d{3}$/.test(error.httpCode ?? '');
}

/** n8n's error for a request that got no HTTP answer carries the system code (ECONNREFUSED…). */
export function networkErrorCode(node: INode, error: unknown): string {
	const wrapped =
		error instanceof NodeApiError ? error : new NodeApiError(node, error as JsonObject);
	return wrapped.httpCode ?? '';
}

/**
 * n8n reports a request that got no HTTP answer (refused, reset, timed out) with a generic
 * message; this names what it was for and what to do. Errors with an HTTP status pass unchanged.
 */
export function videskNetworkError(
	node: INode,
	error: unknown,
	purpose: RequestPurpose,
	request: { baseUrl: string; method: string },
): NodeApiError {
	const { baseUrl } = request;
	const original =
		error instanceof NodeApiError ? error : new NodeApiError(node, error as JsonObject);
	if (hasHttpStatus(original)) return original;
	const code = original.httpCode ?? '';
	const { problem, fix } = networkProblem(code, baseUrl, request.method !== 'GET');
	// Neither `code` nor `httpCode` here: NodeApiError would swap the message for its generic one.
	const failure = new NodeApiError(
		node,
		{ networkError: code },
		{
			message: `${purpose.label}: could not reach Videsk for ${purpose.target}: ${original.message}`,
			description: `${problem[0].toUpperCase()}${problem.slice(1)}. ${fix} (The credential’s Base URL: ${baseUrl})`,
			itemIndex: purpose.itemIndex,
		},
	);
	failure.context.networkError = code;
	return failure;
}
