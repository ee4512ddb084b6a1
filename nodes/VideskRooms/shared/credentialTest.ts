import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import { DEFAULT_TIMEOUT_MS, isRoomPage, ROOMS_PATH } from './api';
import { TOKEN_CHECKLIST } from './errors';

/** What to say when the Base URL got no HTTP answer, by the network error's code. */
function unreachable(base: URL, code: string | undefined): string {
	const at = `Could not reach the Base URL ${base.origin}`;
	switch (code) {
		case 'ECONNREFUSED':
			return `${at}: nothing answered there (connection refused). Check its host and port, and that the server runs.`;
		case 'ENOTFOUND':
		case 'EAI_AGAIN':
			return `${at}: there is no host "${base.hostname}" (DNS). Check its spelling; Videsk’s is https://api.videsk.io.`;
		case 'ETIMEDOUT':
		case 'ECONNABORTED':
			return `${at}: no answer within ${DEFAULT_TIMEOUT_MS / 1000} s. Check the URL, and that this n8n machine can reach it (firewall, proxy).`;
		case 'ECONNRESET':
		case 'EPROTO':
			return `${at}: the connection was closed. Check that its protocol (http or https) and port are right.`;
		default:
			return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code ?? '')
				? `${at}: its TLS certificate was not accepted (${code}).`
				: `${at} (${code ?? 'no answer'}). Check the URL, and that this n8n machine can reach it.`;
	}
}

function webAddress(text: string): URL | undefined {
	try {
		const url = new URL(text);
		return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
	} catch {
		return undefined;
	}
}

function answer(base: URL, status: number, body: unknown): INodeCredentialTestResult {
	if (status >= 200 && status < 300 && isRoomPage(body)) {
		return { status: 'OK', message: 'Connection successful: Videsk accepted the token.' };
	}
	const failure = (message: string): INodeCredentialTestResult => ({ status: 'Error', message });
	switch (status) {
		case 401:
			return failure(`Videsk rejected the token. ${TOKEN_CHECKLIST}`);
		case 403:
			return failure(
				`Videsk refused this token: it may lack permission, or this machine’s IP may not be on its allow-list. ${TOKEN_CHECKLIST}`,
			);
		case 404:
			return failure(
				`The Base URL ${base.href} has no Videsk room list (404). It should be the API’s root, such as https://api.videsk.io.`,
			);
		default:
			return failure(
				status >= 200 && status < 300
					? `The Base URL ${base.href} answered, but not as the Videsk API does. It should be the API’s root, such as https://api.videsk.io.`
					: `Videsk answered HTTP ${status} at the Base URL ${base.href}. Try again later, or check the URL.`,
			);
	}
}

/**
 * The Videsk API credential's test, run by n8n when the credential is saved or tested: the
 * cheapest real request, a list of one room. A declarative `test` request in the credential
 * cannot word network errors (n8n's tester then returns only the code, a bare "ECONNREFUSED"),
 * so the Videsk Rooms node tests the credential with this function (`testedBy`).
 */
export async function testVideskApiCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const { apiToken, baseUrl } = (credential.data ?? {}) as { apiToken?: string; baseUrl?: string };
	const base = webAddress(String(baseUrl ?? '').trim());
	if (base === undefined) {
		return {
			status: 'Error',
			message: `The Base URL "${String(baseUrl)}" is not a web address. Use https://api.videsk.io (or your test server’s http(s)://host:port).`,
		};
	}
	// Credential tests get no httpRequest helper from n8n, only this one; it follows the
	// credential's `authenticate` (a Bearer token).
	const { request } = this.helpers;
	try {
		const response = (await request({
			method: 'GET',
			uri: `${base.href.replace(/\/+$/, '')}${ROOMS_PATH}`,
			qs: { $limit: 1 },
			headers: { Accept: 'application/json', Authorization: `Bearer ${apiToken ?? ''}` },
			json: true,
			simple: false,
			resolveWithFullResponse: true,
			timeout: DEFAULT_TIMEOUT_MS,
		})) as { statusCode: number; body: unknown };
		return answer(base, response.statusCode, response.body);
	} catch (error) {
		return { status: 'Error', message: unreachable(base, (error as { code?: string }).code) };
	}
}
