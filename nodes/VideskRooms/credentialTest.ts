import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { readWithToken } from './transport/direct';
import {
	adviceFor,
	networkProblem,
	TOKEN_CHECKLIST,
	withoutTokens,
	type RequestPurpose,
} from './transport/errors';
import type { VideskAnswer } from './transport/send';
import { isRoomPage, ROOMS_PATH } from './videsk';

/**
 * The Videsk API credential's test, run by n8n when the credential is saved or tested: the
 * cheapest real request, a list of one room, on the nodes' one request path. A declarative `test`
 * request in the credential cannot word network errors (n8n's tester then returns only the code,
 * a bare "ECONNREFUSED"), so the Videsk Rooms node tests the credential with this (`testedBy`).
 */
export async function testVideskApiCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const { apiToken, baseUrl } = (credential.data ?? {}) as { apiToken?: string; baseUrl?: string };
	const base = webAddress(String(baseUrl ?? '').trim());
	if (base === undefined) {
		return failure(
			`The Base URL "${String(baseUrl)}" is not a web address. Use https://api.videsk.io (or your test server’s http(s)://host:port).`,
		);
	}
	const purpose = credentialPurpose(base);
	// Credential tests get no httpRequest helper from n8n, only this one.
	const { request } = this.helpers;
	let answer: VideskAnswer;
	try {
		answer = await readWithToken(
			request,
			{ apiToken: String(apiToken ?? ''), baseUrl: base.href },
			{
				url: ROOMS_PATH,
				qs: { $limit: 1 },
				purpose,
				expects: isRoomPage,
				// Every answer but a rate limit or a server error is worded here, not retried.
				handles: ({ statusCode }) => statusCode !== 429 && statusCode < 500,
				timeoutAdvice: 'Test the credential again in a moment.',
			},
		);
	} catch (error) {
		const code = (error as NodeApiError).context?.networkError as string | undefined;
		if (code === undefined) return failure((error as Error).message);
		const { problem, fix } = networkProblem(code, base.href);
		return failure(`Could not reach the Base URL ${base.origin}: ${problem}. ${fix}`);
	}
	if (answer.statusCode < 300 && isRoomPage(answer.body)) {
		return { status: 'OK', message: 'Connection successful: Videsk accepted the token.' };
	}
	const { message, description } = adviceFor(
		withoutTokens(answer, String(apiToken ?? '')),
		purpose,
	);
	return failure(`${message} ${description}`);
}

function failure(message: string): INodeCredentialTestResult {
	return { status: 'Error', message };
}

function webAddress(text: string): URL | undefined {
	try {
		const url = new URL(text);
		return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
	} catch {
		return undefined;
	}
}

const API_ROOT = 'It should be the API’s root, such as https://api.videsk.io.';

/** What the credential test's answers mean, where the general table would speak of a node. */
function credentialPurpose(base: URL): RequestPurpose {
	const notTheApi = () => ({
		message: `The Base URL ${base.href} answered, but not as the Videsk API does.`,
		description: API_ROOT,
	});
	return {
		label: 'Videsk API credential',
		target: 'the room list',
		advice: {
			200: notTheApi,
			201: notTheApi,
			401: () => ({ message: 'Videsk rejected the token.', description: TOKEN_CHECKLIST }),
			403: () => ({
				message:
					'Videsk refused this token: it may lack permission, or this machine’s IP may not be on its allow-list.',
				description: TOKEN_CHECKLIST,
			}),
			404: () => ({
				message: `The Base URL ${base.href} has no Videsk room list (404).`,
				description: API_ROOT,
			}),
		},
	};
}
