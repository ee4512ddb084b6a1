import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
	NodeApiError,
} from 'n8n-workflow';
import { quotedBaseUrl, usableCredential } from './transport/credential';
import { readWithToken } from './transport/direct';
import {
	adviceFor,
	networkProblem,
	shownUrl,
	withoutTokens,
	type RequestPurpose,
	type VideskAnswer,
} from './transport/errors';
import { isRoomPage, ROOMS_PATH } from './videsk';
import { duration } from './wording';

/** How long the credential test waits for Videsk: one request, never sent again. */
const TEST_TIMEOUT_MS = 5_000;

/**
 * The Videsk API credential's test, run by n8n when the credential is saved or tested: the
 * cheapest real request, a list of one room, on the nodes' one request path. A declarative `test`
 * request in the credential cannot word network errors (n8n's tester then returns only the code,
 * a bare "ECONNREFUSED"), so the Videsk Rooms node tests the credential with this (`testedBy`).
 * Each message starts with what to do.
 */
export async function testVideskApiCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const usable = usableCredential(credential.data);
	if ('problem' in usable) {
		const given = quotedBaseUrl(String(credential.data?.baseUrl ?? '').trim());
		return failure(
			`Change the Base URL to a web address, such as https://api.videsk.io: ${given} is not one.`,
		);
	}
	const base = shownUrl(usable.baseUrl);
	const timeoutAdvice = `Then test again (the test waits ${duration(TEST_TIMEOUT_MS)} for an answer).`;
	// Credential tests get no httpRequest helper from n8n, only this one.
	const { request } = this.helpers;
	try {
		const answer = await readWithToken(request, usable, {
			url: ROOMS_PATH,
			qs: { $limit: 1 },
			purpose: credentialPurpose(base),
			expects: isRoomPage,
			handles: () => true,
			timeoutAdvice,
			timeoutMs: TEST_TIMEOUT_MS,
		});
		if (answer.statusCode >= 200 && answer.statusCode < 300 && isRoomPage(answer.body)) {
			return { status: 'OK', message: 'Connection successful: Videsk accepted the token.' };
		}
		const { message, description } = adviceFor(
			withoutTokens(answer, usable.apiToken),
			credentialPurpose(base),
		);
		return failure(`${message} ${description}`);
	} catch (error) {
		const code = String((error as NodeApiError).context?.networkError ?? '');
		const { problem, fix } = networkProblem(code, usable.baseUrl, {
			timeoutAdvice,
			retryAdvice: RETRY,
		});
		return failure(`Check the Base URL: n8n could not reach ${base}; ${problem}. ${fix}`);
	}
}

function failure(message: string): INodeCredentialTestResult {
	return { status: 'Error', message };
}

const RETRY = 'Test the credential again in a moment.';
const API_ROOT = 'It should be the API’s root, such as https://api.videsk.io.';
const TOKEN_HELP =
	'It must be a token of type api-token from the Videsk dashboard (the only kind this API accepts) that has not expired or been revoked. If the token only works from some IP addresses, add this n8n machine’s address to them.';

/** What the credential test's answers mean, in the words of someone setting up a credential. */
function credentialPurpose(base: string): RequestPurpose {
	const notTheApi = () => ({
		message: `Check the Base URL: ${base} answered, but not as the Videsk API does.`,
		description: API_ROOT,
	});
	const redirect = (_target: string, { statusCode, headers }: VideskAnswer) => ({
		message: `Check the Base URL: ${base} redirects (HTTP ${statusCode}) to ${String(headers.location ?? 'an address it did not give')}.`,
		description:
			'Set the Base URL to the address it redirects to (e.g. https:// instead of http://): the nodes do not follow redirects, which would turn a create or a change into a read.',
	});
	return {
		label: 'Videsk API credential',
		target: 'the room list',
		retryAdvice: RETRY,
		advice: {
			200: notTheApi,
			201: notTheApi,
			...Object.fromEntries([301, 302, 303, 307, 308].map((status) => [status, redirect])),
			401: () => ({
				message: 'Check the API token: Videsk did not accept it.',
				description: TOKEN_HELP,
			}),
			403: () => ({
				message:
					'Check the API token’s permissions and addresses in the Videsk dashboard: Videsk refused it (it may lack permission, or not work from this n8n machine’s address).',
				description: TOKEN_HELP,
			}),
			404: () => ({
				message: `Check the Base URL: ${base} has no Videsk room list (404).`,
				description: API_ROOT,
			}),
		},
	};
}
