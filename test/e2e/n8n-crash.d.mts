import type { Sandbox } from '../sandbox/server.mjs';

export type Scheduler = 'default' | 'durable';
export const SCHEDULERS: Record<Scheduler, Record<string, string>>;
export const TRIGGERS: Array<{
	id: string;
	name: string;
	event: 'roomCreated' | 'roomEnded';
	sandbox: { updatedAt?: boolean };
}>;

export interface Lock {
	waiting(): Promise<number>;
	release(): Promise<unknown>;
}

export interface CrashRig {
	sandboxes: Record<string, Sandbox>;
	recorder: {
		received: Array<{ executionId: string; trigger: string; externalId: string }>;
		hold(): { release(): void };
	};
	start(): Promise<void>;
	kill(): Promise<void>;
	activated(): boolean;
	/** The last lines of each start that exited before n8n answered. */
	failedStarts: string[];
	holdSandboxRequests(): { holding(): Record<string, number>; release(): void };
	pollsSince(triggerName: string, since: number): number;
	settle(count: number, since?: number): Promise<void>;
	executions(): Promise<Array<{ id: string; status: string; events: string[] }>>;
	executionsInProgress(): Promise<string[]>;
	executionsPerEvent(): Promise<{ counts: Record<string, number>; unreadable: string[] }>;
	storedState(): Promise<string>;
	holdStaticDataSaves(): Promise<Lock>;
	holdExecutionInserts(): Promise<Lock>;
	stop(): Promise<void>;
}

export function prepareCrashRig(options: {
	packageDir: string;
	scheduler: Scheduler;
	seed: (sandbox: Sandbox) => void;
}): Promise<CrashRig>;
