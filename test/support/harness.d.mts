import type { PackageDirectoryLoader } from 'n8n-core';
import type {
	IDataObject,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	IRun,
	INodeListSearchResult,
} from 'n8n-workflow';

export const PACKAGE_DIR: string;
export const NODE_TYPE: string;
export const TRIGGER_TYPE: string;

export function loadPackage(): Promise<PackageDirectoryLoader>;

/** Forgets the package as loaded: the next loadPackage() loads dist/ anew, its state fresh. */
export function forgetPackage(): void;

export interface RunOptions {
	/** The node's parameters, as the editor would save them. */
	parameters: INodeParameters;
	/** Input items; one empty item by default. */
	items?: IDataObject[];
	credentials: { apiToken: string; baseUrl: string };
	/** Shorthand for onError: 'continueRegularOutput' ("Continue"). */
	continueOnFail?: boolean;
	/** The node's "On Error" setting; n8n's default is to stop the workflow. */
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
	/** The node's other settings (Execute Once, Retry On Fail…). */
	settings?: Pick<INode, 'executeOnce' | 'retryOnFail' | 'maxTries' | 'waitBetweenTries'>;
	/** The workflow's timezone setting (n8n's "Timezone" workflow setting). */
	timezone?: string;
	/** Another node type to run instead of Videsk Rooms (e.g. a credential test node). */
	nodeType?: INodeType;
	/** The ID of the credential the node names; '1' by default. */
	credentialId?: string;
}

export interface RunResult {
	run: IRun;
	/** The node's output items (json, error, pairedItem), empty if it failed. */
	items: INodeExecutionData[];
	/** Its error output's items, with onError 'continueErrorOutput'. */
	errorItems: INodeExecutionData[];
	/** The error that stopped the workflow, if any. */
	error?: Error & { description?: string; httpCode?: string | null; context?: IDataObject };
	/** How many times n8n decrypted the credential (getDecrypted) during the run. */
	decryptions: number;
}

/** Runs one Videsk Rooms node, fed with `items`, the way n8n executes a workflow. */
export function runNode(options: RunOptions): Promise<RunResult>;

export interface Poller {
	/** One poll; 'manual' is the editor's test run. Resolves with the emitted rooms. */
	poll(mode?: 'trigger' | 'manual'): Promise<IDataObject[]>;
	/** The node's static data, as n8n keeps it between polls. */
	staticData(): IDataObject;
	/** The node's static data as n8n's database holds it (what a reactivation loads). */
	saved(): IDataObject;
	/** Whether the last poll changed the static data, which n8n then writes to its database. */
	stateChanged(): boolean;
	/** Errors the trigger reported without failing its poll (n8n saves each as a failed execution). */
	reported(): Error[];
	/**
	 * With the durable scheduler: a poll, then another that read the cursor before the first
	 * one's commit (n8n commits it after the poll returns, without waiting), then both commits.
	 * Resolves with what each emitted.
	 */
	pollBeforeCommit(): Promise<[IDataObject[], IDataObject[]]>;
	/** Deactivates and activates the workflow (with new parameters, as a published change). */
	reactivate(parameters?: INodeParameters): void;
}

export function createPoller(options: {
	parameters: INodeParameters;
	credentials: { apiToken: string; baseUrl: string };
	/** The credential's ID; by default one of its own. */
	credentialId?: string;
	/**
	 * What the poll context's getPollBudgetMs() answers: n8n's own default when undefined; null,
	 * no such method (n8n 1.x).
	 */
	budgetMs?: number | null;
	/** How n8n keeps the static data between polls (see harness.mjs); 'default' when undefined. */
	scheduler?: 'default' | 'durable';
	/** The workflow's Timezone setting. */
	timezone?: string;
}): Promise<Poller>;

/** A "From List" search, as n8n's editor asks for it (LoadOptionsContext). */
export function searchList(options: {
	method: string;
	credentials: { apiToken: string; baseUrl: string };
	parameters?: INodeParameters;
	filter?: string;
	paginationToken?: string;
}): Promise<INodeListSearchResult>;
