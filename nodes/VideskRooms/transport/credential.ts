import { pacerKey } from './pacer';

// The Videsk API credential as every request reads it — the node's, the trigger's, the Room list
// search's and the credential test's: the token and the Base URL trimmed (blanks pasted around
// them are no part of them), the Base URL checked before any request.

/** The Videsk API credential, as getCredentials gives it. */
export interface VideskCredential {
	apiToken: string;
	baseUrl: string;
}

/** The credential as requests use it, and the pacer it shares with every request of its token. */
export interface UsableCredential extends VideskCredential {
	pacerKey: string;
}

/** Why the Base URL cannot be used, or undefined. */
export function baseUrlProblem(baseUrl: string): string | undefined {
	const valid = URL.canParse(baseUrl) && ['http:', 'https:'].includes(new URL(baseUrl).protocol);
	if (valid) return undefined;
	return `The Base URL ${quotedBaseUrl(baseUrl)} of the Videsk credential is not a web address. Use https://api.videsk.io (or your test server’s http(s)://host:port).`;
}

/**
 * A Base URL that is no web address, quoted without what may be a user and password: everything
 * before its last "@" but a leading "scheme://".
 */
export function quotedBaseUrl(baseUrl: string): string {
	return JSON.stringify(baseUrl.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[\s\S]*@/i, '$1'));
}

/** The credential trimmed, or the problem with its Base URL. */
export function usableCredential(
	data: Partial<Record<keyof VideskCredential, unknown>> | undefined,
): UsableCredential | { problem: string } {
	const apiToken = String(data?.apiToken ?? '').trim();
	const baseUrl = String(data?.baseUrl ?? '').trim();
	const problem = baseUrlProblem(baseUrl);
	if (problem) return { problem };
	return { apiToken, baseUrl, pacerKey: pacerKey(apiToken, baseUrl) };
}
