import type { QueueCluster } from './n8n-cluster.mjs';
import type { Sandbox, SandboxOptions } from '../sandbox/server.mjs';

export const EXECUTIONS: number;
export const ITEMS: number;
export const STRIDE: number;
export const RATE_PER_SECOND: number;
export const WORKFLOWS: { plain: string; batched: string };
export const WEBHOOKS: { plain: string; batched: string };

export function bulkPayloads(): Array<Array<{ externalId: string }>>;
export function requestsNeeded(payloads: Array<Array<{ externalId: string }>>): number;
export function executionsByWorker(
	cluster: QueueCluster,
	workflowId: string,
): Record<string, number>;

export interface BulkFigures {
	workers: number;
	executions: number;
	items: number;
	failedItems: number;
	errorKinds: Record<string, number>;
	requestsNeeded: number;
	requestsSent: number;
	rateLimited: number;
	rooms: number;
	externalIds: number;
	wallMs: number;
	firstRequestMs: number;
	lastRequestMs: number;
	floorMs: number;
	ratio: number;
	executionsByWorker: Record<string, number>;
}

export function runBulk(
	cluster: QueueCluster,
	sandbox: Sandbox,
	workflow?: keyof typeof WORKFLOWS,
	rateLimit?: Partial<NonNullable<SandboxOptions['rateLimit']>>,
): Promise<{
	payloads: Array<Array<{ externalId: string }>>;
	outputs: Array<Array<Record<string, any>>>;
	figures: BulkFigures;
}>;
