import type { INodeParameterResourceLocator, INodeParameters } from 'n8n-workflow';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { productClock } from './clock.mjs';
import { runNode, type RunOptions } from './harness.mjs';
import { startSandbox, type Sandbox, type SandboxOptions } from '../sandbox/server.mjs';

/** A sandbox for the test file, emptied before each test. */
export function useSandbox(options: SandboxOptions = {}): () => Sandbox {
	let sandbox: Sandbox | undefined;
	beforeAll(async () => {
		sandbox = await startSandbox(options);
	});
	beforeEach(() => {
		sandbox!.reset();
	});
	afterAll(async () => {
		await sandbox?.close();
	});
	return () => sandbox!;
}

/** Runs the node against the sandbox with its token (or `token`), at its URL (or `baseUrl`). */
export function run(
	sandbox: Sandbox,
	parameters: INodeParameters,
	options: Omit<RunOptions, 'parameters' | 'credentials'> & {
		token?: string;
		baseUrl?: string;
	} = {},
) {
	const { token, baseUrl, ...rest } = options;
	return runNode({
		...rest,
		parameters: { resource: 'room', ...parameters },
		credentials: { apiToken: token ?? sandbox.token, baseUrl: baseUrl ?? sandbox.url },
	});
}

/** A resource-locator value, as the editor saves it. */
export function room(
	mode: 'list' | 'id' | 'externalId',
	value: string,
): INodeParameterResourceLocator {
	return { __rl: true, mode, value };
}

/** How the node quotes an instant (ISO, in UTC) in a workflow on UTC: milliseconds only when it has any. */
export const quotedInUtc = (iso: string) => `${iso.replace(/(\.000)?Z$/, '+00:00')} (UTC)`;

/** An instant `hours` from now on the node's clock (the test's virtual clock, if it has one). */
export const inHours = (hours: number) =>
	new Date(productClock().now() + hours * 3_600_000).toISOString();
