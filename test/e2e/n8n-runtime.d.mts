import type { ChildProcess, StdioOptions } from 'node:child_process';

export const TESTED_N8N_VERSIONS: Record<1 | 2, string>;
export const N8N_VERSION: string;
export const N8N_MAJOR: number;
export const NODE_VERSION: string;
export const nodeDir: string;
export const n8nDir: string;
export const nodePackage: string;
export const nodeBinDir: string;
export const n8nBin: string;

export interface N8nHome {
	userFolder: string;
	/** ~/.n8n/nodes, where n8n installs community packages. */
	nodesDir: string;
	env: Record<string, string | undefined>;
}

export function isN8nInstalled(): boolean;
export function ensureN8n(): void;
export function freePort(): Promise<number>;
export function createN8nHome(packageDir: string): Promise<N8nHome>;
export function packPackage(packageDir: string, destination: string): string;
export function createN8nHomeFromTarball(
	tarball: string,
): Promise<N8nHome & { packageDir: string }>;
export function activateWorkflow(home: N8nHome, workflowId: string): Promise<void>;
export function n8n(
	home: N8nHome,
	args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }>;
export function startN8n(home: N8nHome, port: number, stdio?: StdioOptions): ChildProcess;
export function executeWorkflow(
	home: N8nHome,
	workflowId: string,
): Promise<{ code: number | null; run: any; output: (node: string) => Record<string, any>[] }>;
export function importIntoN8n(
	home: N8nHome,
	sandbox: { url: string; token: string },
	workflowDirs: string[],
): Promise<void>;

export function startN8nSignedIn(
	home: N8nHome,
	owner?: { email: string; password: string },
): Promise<{
	editor: ChildProcess;
	url: string;
	rest: (method: string, path: string, body?: unknown) => Promise<any>;
	stop: () => Promise<void>;
}>;
export const DEMO_OWNER: { email: string; password: string };
export function setOwner(home: N8nHome, owner?: { email: string; password: string }): void;
export function prepareEditorN8n(
	packageDir: string,
	sandbox: { url: string; token: string },
	owner?: { email: string; password: string },
): Promise<N8nHome>;
export function waitForN8n(url: string, child: ChildProcess): Promise<void>;
