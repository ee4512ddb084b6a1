import type { IDataObject, INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { isJsonObject, isNotFound, isRouterNotFound, type AnswerShape } from '../videsk';
import { clock } from './clock';
import { readRateLimit, retryAfterUntil } from './pacer';

// One table turns each answer Videsk (or something in front of it) can give into a message that
// says what happened and what to do, keeping Videsk's own (Feathers) message; one more names what
// a request that got no answer at all ran into. Every request of both nodes ends here when it
// fails. Whatever an error copies of an answer has the api-token and access tokens hidden.

/** Videsk's answer to one attempt, whatever its status. */
export interface VideskAnswer {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

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
	/**
	 * What a status means for this request, where the table's general advice would mislead;
	 * undefined leaves it to the table.
	 */
	advice?: Partial<Record<number, (target: string, answer: VideskAnswer) => Advice | undefined>>;
	/** How the caller tries a failed read again; default the node's (its Retry On Fail). */
	retryAdvice?: string;
	itemIndex?: number;
}

const NODE_RETRY = 'Try again later; "Retry On Fail" in the node’s settings can do that for you.';

export const TOKEN_CHECKLIST =
	'Check that the Videsk credential holds an api-token (the only token type Videsk’s rooms API accepts), that the token has not expired or been revoked, and, if the token only allows some IP addresses, that this n8n machine’s address is one of them.';

export const BASE_URL_ADVICE =
	'Check the Base URL of the Videsk credential: it should be the API’s root, such as https://api.videsk.io.';

/** Where the path is Videsk's own (the room list, creating a room), a 404 means a wrong Base URL. */
export const ROOM_LIST_ADVICE: RequestPurpose['advice'] = {
	404: () => ({ message: 'Videsk did not find the room list', description: BASE_URL_ADVICE }),
};

/** A write whose outcome is unknown: no retry advice, since Videsk may have done it. */
export const MAY_HAVE_CHANGED =
	'Videsk may have made the change: check the room (with Get, or Create or Get with its External ID) before running the item again.';

interface FeathersError {
	name?: string;
	message: string;
	errors?: unknown;
	data?: unknown;
}

function feathersError(body: unknown): FeathersError | undefined {
	const error = body as FeathersError | undefined;
	return typeof error?.message === 'string' ? error : undefined;
}

const EXCERPT_LENGTH = 160;

/** A JSON Web Token (an access token), wherever it appears in a text. */
const JWT = /eyJ[\w-]*\.[\w-]+\.[\w-]*/g;
const HIDDEN = '(hidden)';
/** A field whose value is a token, whatever the value looks like. */
const TOKEN_FIELD = /token/i;

/** `text` with the api-token (as sent: trimmed, credential.ts) and every JWT in it hidden. */
function hideTokens(text: string, apiToken: string): string {
	return (apiToken === '' ? text : text.split(apiToken).join(HIDDEN)).replace(JWT, HIDDEN);
}

/**
 * The answer with its tokens hidden: the api-token and every JWT in each text of its body and in
 * its `Location` (errors quote both), and the value of every token-named field (`accessToken`…),
 * whatever its shape.
 */
export function withoutTokens(answer: VideskAnswer, apiToken: string): VideskAnswer {
	const hide = (value: unknown, key = ''): unknown => {
		if (TOKEN_FIELD.test(key) && (typeof value === 'string' || Buffer.isBuffer(value))) {
			return value.length > 0 ? HIDDEN : value;
		}
		if (typeof value === 'string') return hideTokens(value, apiToken);
		if (Buffer.isBuffer(value)) return hideTokens(value.toString(), apiToken);
		if (Array.isArray(value)) return value.map((inner) => hide(inner));
		if (typeof value === 'object' && value !== null) {
			return Object.fromEntries(
				Object.entries(value).map(([name, inner]) => [name, hide(inner, name)]),
			);
		}
		return value;
	};
	const { location } = answer.headers;
	const headers =
		typeof location === 'string'
			? { ...answer.headers, location: hideTokens(location, apiToken) }
			: answer.headers;
	return { ...answer, headers, body: hide(answer.body) };
}

/**
 * A short excerpt of a body that is not a Feathers error: a proxy's HTML page or plain text
 * without its tags, a JSON body (a gateway's `{"error": …}`) as JSON.
 */
function excerptOf(body: unknown): string {
	let text: string;
	if (typeof body === 'string') {
		// A page's text, without its styles and scripts (a proxy's block page is mostly those).
		text = body.replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' ');
	} else {
		text = body === undefined ? '' : (JSON.stringify(body) ?? '');
	}
	text = text.replace(/\s+/g, ' ').trim();
	return text.length > EXCERPT_LENGTH ? `${text.slice(0, EXCERPT_LENGTH)}…` : text;
}

/** A validation detail's text: its message, or the detail as JSON (never "[object Object]"). */
function detailText(detail: unknown): string {
	if (typeof detail === 'string') return detail;
	const { message } = (detail ?? {}) as { message?: unknown };
	return typeof message === 'string' ? message : (JSON.stringify(detail) ?? String(detail));
}

/**
 * The field a validation detail in a list names: ajv's `instancePath` ("/$sort") with the
 * property its `params` name, or its `path` (a list of names, as Joi gives it), `field`, `param`
 * or `property`.
 */
function detailField(detail: unknown): string | undefined {
	if (typeof detail !== 'object' || detail === null) return undefined;
	const { path, field, param, property, instancePath, params } = detail as Record<string, unknown>;
	if (typeof instancePath === 'string') {
		const { additionalProperty, missingProperty } = (params ?? {}) as Record<string, unknown>;
		const named = additionalProperty ?? missingProperty;
		const parts = [...instancePath.split('/').slice(1), ...(named ? [String(named)] : [])];
		return parts.length > 0 ? parts.join('.') : undefined;
	}
	const named = path ?? field ?? param ?? property;
	if (Array.isArray(named)) return named.join('.');
	return typeof named === 'string' && named !== '' ? named : undefined;
}

/**
 * A Feathers error's validation details as "field: message": in `errors` (Feathers 4, Mongoose:
 * an object keyed by field, or a list) or in `data` (Feathers 5's schema validation: ajv's list).
 */
export function validationDetails(body: unknown): string[] {
	const videsk = feathersError(body);
	const details = videsk?.errors ?? videsk?.data;
	if (Array.isArray(details)) {
		return details.map((detail) => {
			const field = detailField(detail);
			return field ? `${field}: ${detailText(detail)}` : detailText(detail);
		});
	}
	if (typeof details !== 'object' || details === null) return [];
	return Object.entries(details).map(([field, detail]) => `${field}: ${detailText(detail)}`);
}

/** The wait a 429's Retry-After (seconds or an HTTP date) asks for, in whole seconds. */
function waitAsked(headers: IDataObject): string {
	const now = clock.now();
	const until = retryAfterUntil(readRateLimit(headers, 429, { sentAt: now, receivedAt: now }));
	return until === undefined ? '' : ` It asked to wait ${Math.ceil((until - now) / 1000)} s.`;
}

/** Where a redirect points, from its `Location` header. */
function redirectTarget(answer: VideskAnswer): string {
	const location = answer.headers.location;
	return typeof location === 'string' && location !== '' ? location : 'an address it did not give';
}

/** The general advice for a status; a request's own advice (RequestPurpose.advice) comes first. */
function generalAdvice(answer: VideskAnswer, purpose: RequestPurpose, write: boolean): Advice {
	const { target } = purpose;
	const { statusCode: status, headers, body } = answer;
	if (status >= 300 && status < 400) {
		return {
			message: `the Base URL redirects (HTTP ${status}) to ${redirectTarget(answer)}`,
			description: `Redirects are not followed: one would turn a create or a change into a read. Set the Videsk credential’s Base URL to the address it redirects to (e.g. https:// instead of http://). Nothing was ${write ? 'changed' : 'read'}.`,
		};
	}
	switch (status) {
		case 400: {
			const fields = validationDetails(body);
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
				description: `The token may lack permission for this, or not allow this machine’s IP address. ${TOKEN_CHECKLIST}`,
			};
		case 404:
			if (isNotFound(answer)) {
				return {
					message: `Videsk has no ${target}`,
					description:
						'No room in this Videsk account has that ID or External ID. Check the "Room" field and that the credential belongs to the account that created the room.',
				};
			}
			return {
				message: isRouterNotFound(answer)
					? `Videsk has no such address (${target})`
					: `Something other than Videsk’s API answered 404 (${target})`,
				description: BASE_URL_ADVICE,
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
				description: write
					? `Videsk, or a proxy in front of it, is not answering normally. ${MAY_HAVE_CHANGED}`
					: `Videsk, or a proxy in front of it, is not answering normally. ${purpose.retryAdvice ?? NODE_RETRY}`,
			};
	}
}

/** What a status means for `purpose`, in its words: its own advice, else the general one. */
export function adviceFor(answer: VideskAnswer, purpose: RequestPurpose, write = false): Advice {
	return (
		purpose.advice?.[answer.statusCode]?.(purpose.target, answer) ??
		generalAdvice(answer, purpose, write)
	);
}

/**
 * What a successful answer in the wrong shape says: what came back (`came`, read from the answer
 * before its tokens were hidden), and what it means.
 */
function wrongShape(answer: VideskAnswer, target: string, came: string, write: boolean): Advice {
	return {
		message: `Videsk answered ${answer.statusCode} with ${came} (${target})`,
		description: `Its API documents another answer here. A proxy or a server change may be in the way.${write ? ` ${MAY_HAVE_CHANGED}` : ''}`,
	};
}

/**
 * The error for an answer with an error status (or a redirect), or for a success without the
 * shape the request expected (an AnswerShape says what came back instead; a JSON object by
 * default). Whatever it copies of the answer has the request's api-token and every access token
 * hidden.
 */
export function videskApiError(
	node: INode,
	received: VideskAnswer,
	purpose: RequestPurpose,
	request: { method: string; apiToken: string; expects?: AnswerShape<unknown> },
): NodeApiError {
	const answer = withoutTokens(received, request.apiToken);
	const write = request.method !== 'GET';
	const failed = answer.statusCode < 200 || answer.statusCode >= 300;
	const videsk = failed ? feathersError(answer.body) : undefined;
	const came = () =>
		hideTokens((request.expects ?? isJsonObject).whatCame(received.body), request.apiToken);
	const { message, description } = failed
		? adviceFor(answer, purpose, write)
		: wrongShape(answer, purpose.target, came(), write);
	const excerpt = excerptOf(answer.body);
	const said = videsk
		? ` Videsk said: "${videsk.message}".`
		: excerpt
			? ` Videsk answered: "${excerpt}".`
			: ' The answer had no body.';
	return new NodeApiError(
		node,
		{ httpCode: answer.statusCode, body: excerpt },
		{
			message: `${purpose.label}: ${message}`,
			description: description + said,
			httpCode: String(answer.statusCode),
			itemIndex: purpose.itemIndex,
		},
	);
}

/** The Base URL as errors show it: without a user and password it may hold. */
export function shownUrl(baseUrl: string): string {
	if (!URL.canParse(baseUrl)) return baseUrl;
	const url = new URL(baseUrl);
	url.username = '';
	url.password = '';
	return url.href.replace(/\/$/, '');
}

/**
 * What a request that got no HTTP answer ran into, by its error code, and what to do. A `write`
 * that may have reached Videsk (the connection broke, or no answer came in time) is not to be
 * sent again blindly. `timeoutAdvice` says how the caller gives a request more time.
 */
export function networkProblem(
	code: string,
	baseUrl: string,
	{
		write = false,
		timeoutAdvice,
		retryAdvice = NODE_RETRY,
	}: { write?: boolean; timeoutAdvice: string; retryAdvice?: string },
): { problem: string; fix: string } {
	const host = URL.canParse(baseUrl) ? new URL(baseUrl).hostname : baseUrl;
	if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
		return { problem: `its TLS certificate was not accepted (${code})`, fix: 'Check the URL.' };
	}
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
			return {
				problem: 'no answer in time',
				fix: write
					? `${MAY_HAVE_CHANGED} ${timeoutAdvice}`
					: `Check that this n8n machine can reach it (firewall, proxy). ${timeoutAdvice}`,
			};
		case 'EPROTO':
			// TLS spoken to a server that does not (https:// on an http port): nothing was sent.
			return {
				problem: 'the connection was closed during its set-up',
				fix: 'Check that its protocol (http or https) and port are right.',
			};
		default:
			return {
				problem: 'the connection to Videsk broke before its answer was complete',
				fix: write ? MAY_HAVE_CHANGED : retryAdvice,
			};
	}
}

/**
 * n8n's error for a request that got no HTTP answer carries the system code (ECONNREFUSED…).
 * ECONNABORTED is the HTTP client's own timeout (the real-time backstop of an attempt's
 * deadline, clock.ts): a Timeout like the deadline's, so ETIMEDOUT.
 */
export function networkErrorCode(node: INode, error: unknown): string {
	const wrapped =
		error instanceof NodeApiError ? error : new NodeApiError(node, error as JsonObject);
	const code = wrapped.httpCode ?? '';
	return code === 'ECONNABORTED' ? 'ETIMEDOUT' : code;
}

/**
 * The error for a request that got no HTTP answer (refused, reset, no answer in time): what it
 * was for, what it ran into and what to do.
 */
export function videskNetworkError(
	node: INode,
	error: unknown,
	purpose: RequestPurpose,
	request: { baseUrl: string; method: string; code: string; timeoutAdvice: string },
): NodeApiError {
	const original =
		error instanceof NodeApiError ? error : new NodeApiError(node, error as JsonObject);
	const { code, baseUrl } = request;
	const { problem, fix } = networkProblem(code, baseUrl, {
		write: request.method !== 'GET',
		timeoutAdvice: request.timeoutAdvice,
		retryAdvice: purpose.retryAdvice,
	});
	// Neither `code` nor `httpCode` here: NodeApiError would swap the message for its generic one.
	const failure = new NodeApiError(
		node,
		{ networkError: code },
		{
			message: `${purpose.label}: could not reach Videsk for ${purpose.target}: ${original.message}`,
			description: `${problem[0].toUpperCase()}${problem.slice(1)}. ${fix} (The credential’s Base URL: ${shownUrl(baseUrl)})`,
			itemIndex: purpose.itemIndex,
		},
	);
	failure.context.networkError = code;
	return failure;
}
