import type { N8nHome } from './n8n-runtime.mjs';

export interface ClusterProcess {
	logFile: string;
	log(): string;
	stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export function startProcess(
	command: string,
	args: string[],
	options: {
		env: Record<string, string | undefined>;
		cwd: string;
		logFile: string;
		user?: { uid?: number; gid?: number };
	},
): ClusterProcess & { child: import('node:child_process').ChildProcess; exited: Promise<unknown> };
export function waitFor(
	what: string,
	check: () => Promise<unknown>,
	options?: {
		timeoutMs?: number;
		process?: ClusterProcess & { child: { exitCode: number | null } };
	},
): Promise<void>;

export interface QueueCluster {
	dir: string;
	home: N8nHome;
	main: ClusterProcess & { url: string };
	workers: Array<ClusterProcess & { name: string; healthUrl: string }>;
	stop(): Promise<void>;
}

export interface ClusterSandbox {
	url: string;
	token: string;
}

export function startPostgres(
	dir: string,
): Promise<{ port: number; env: Record<string, string>; log(): string; stop(): Promise<void> }>;
export function startRedis(
	dir: string,
): Promise<{ port: number; env: Record<string, string>; log(): string; stop(): Promise<void> }>;
export function startQueueCluster(options: {
	packageDir: string;
	sandbox: ClusterSandbox;
	workflowDirs: string[];
	publish?: string[];
	webhooks?: string[];
	credentials?: Array<{ id: string; name: string; sandbox: ClusterSandbox }>;
	workers?: number;
	concurrency?: number;
}): Promise<QueueCluster>;
export function logged(process: ClusterProcess, message: string): Array<Record<string, any>>;
export function startedExecutions(
	worker: ClusterProcess,
): Array<{ executionId: string; workflowId: string }>;
