// Runs the built package's nodes in-process with n8n-core's WorkflowExecute, as n8n's own node
// tests do (packages/core/nodes-testing in the n8n repo): the package is loaded by n8n-core's
// PackageDirectoryLoader from dist/, so `npm test` builds first. Plain JavaScript (typed by
// harness.d.mts), so that the benchmarks can use it too.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// n8n-core and the built nodes load n8n-workflow's CommonJS build; take the same copies here, so
// that classes (Workflow, NodeApiError) are the ones they check against.
const require = createRequire(import.meta.url);
const {
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PackageDirectoryLoader,
	PollContext,
	TriggersAndPollers,
	WorkflowExecute,
} = require('n8n-core');
// n8n-core's own copy of the dependency-injection container.
const { Container } = createRequire(require.resolve('n8n-core'))('@n8n/di');
const { createRunExecutionData, ICredentialsHelper, Workflow } = require('n8n-workflow');

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const NODE_TYPE = 'n8n-nodes-videsk.videskRooms';
export const TRIGGER_TYPE = 'n8n-nodes-videsk.videskRoomsTrigger';

let loaderPromise;

/**
 * Forgets the package as loaded, so that the next loadPackage() loads dist/ anew: its modules'
 * state (the pacers, the clock) starts from nothing. The unit tier calls it before each test file
 * (test/support/fresh-package.mts), since its files share processes, and with them n8n-core.
 */
export function forgetPackage() {
	const dist = path.join(PACKAGE_DIR, 'dist') + path.sep;
	for (const id of Object.keys(require.cache)) if (id.startsWith(dist)) delete require.cache[id];
	loaderPromise = undefined;
}

/** The package as n8n loads it, including the options n8n adds to declarative nodes. */
export function loadPackage() {
	loaderPromise ??= (async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_DIR);
		await loader.loadAll();
		return loader;
	})();
	return loaderPromise;
}

function nodeTypesOf(loader, extraNodeType) {
	const byName = (type) => {
		if (extraNodeType && type === extraNodeType.description.name) return extraNodeType;
		return loader.getNode(type.replace(/^n8n-nodes-videsk\./, '')).type;
	};
	return { getByName: byName, getByNameAndVersion: byName, getKnownTypes: () => ({}) };
}

/**
 * The credential seam n8n's own node tests use, with the generic `authenticate` of our
 * credential resolved the way n8n resolves it: an expression over `$credentials`.
 */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(loader, data) {
		super();
		this.loader = loader;
		this.data = data;
		/** How many times n8n asked for the decrypted credential (each a decryption in n8n). */
		this.decryptions = 0;
	}

	async authenticate(credentials, typeName, requestOptions, workflow, node) {
		const { authenticate } = this.loader.getCredential(typeName).type;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate?.type !== 'generic') return requestOptions;
		for (const [target, values] of Object.entries(authenticate.properties)) {
			for (const [key, value] of Object.entries(values)) {
				requestOptions[target] = {
					...(requestOptions[target] ?? {}),
					[key]: workflow.expression.getParameterValue(
						value,
						null,
						0,
						0,
						node.name,
						[],
						'internal',
						{
							$credentials: credentials,
						},
					),
				};
			}
		}
		return requestOptions;
	}

	async getDecrypted() {
		this.decryptions += 1;
		return this.data;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	getParentTypes() {
		return [];
	}

	isCredentialUsableByNode() {
		return true;
	}

	async getCredentials() {
		throw new Error('not used by these tests');
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties() {
		return [];
	}
}

function additionalDataFor(loader, credentials, hooks) {
	return {
		hooks,
		credentialsHelper: new TestCredentialsHelper(loader, credentials),
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://127.0.0.1/rest',
		instanceBaseUrl: 'http://127.0.0.1/',
		webhookBaseUrl: 'http://127.0.0.1/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
		formBaseUrl: 'http://127.0.0.1/form',
		formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
		formTestBaseUrl: 'http://127.0.0.1/form-test',
		variables: {},
	};
}

/** Runs one Videsk Rooms node, fed with `items`, the way n8n executes a workflow. */
export async function runNode(options) {
	const loader = await loadPackage();
	const node = {
		id: 'videsk-node',
		name: 'Videsk Rooms',
		type: options.nodeType?.description.name ?? NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: options.parameters,
		credentials: { videskApi: { id: options.credentialId ?? '1', name: 'Videsk sandbox' } },
		...(options.continueOnFail ? { onError: 'continueRegularOutput' } : {}),
		...(options.onError ? { onError: options.onError } : {}),
		...options.settings,
	};
	const workflow = new Workflow({
		id: 'test',
		nodes: [node],
		connections: {},
		nodeTypes: nodeTypesOf(loader, options.nodeType),
		active: false,
		settings: options.timezone ? { timezone: options.timezone } : {},
	});

	const hooks = new ExecutionLifecycleHooks('manual', 'test-execution', {
		id: 'test',
		name: 'test',
		active: false,
		activeVersionId: null,
		isArchived: false,
		nodes: [node],
		connections: {},
		createdAt: new Date(),
		updatedAt: new Date(),
	});
	const finished = new Promise((resolve) => {
		hooks.addHandler('workflowExecuteAfter', (run) => resolve(run));
	});

	const additionalData = additionalDataFor(loader, options.credentials, hooks);

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [
				{
					node,
					data: { main: [(options.items ?? [{}]).map((json) => ({ json }))] },
					source: null,
				},
			],
		},
	});

	await new WorkflowExecute(additionalData, 'manual', runExecutionData).processRunExecutionData(
		workflow,
	);
	const run = await finished;
	const taskData = run.data.resultData.runData[node.name]?.[0];
	return {
		run,
		decryptions: additionalData.credentialsHelper.decryptions,
		items: taskData?.data?.main[0] ?? [],
		errorItems: taskData?.data?.main[1] ?? [],
		error: run.data.resultData.error ?? undefined,
	};
}

let pollerCount = 0;

/**
 * The trigger as n8n polls it in an active workflow: n8n-core's TriggersAndPollers calls its
 * poll() with a PollContext; `poll('manual')` is the editor's test run (Fetch Test Event). Each
 * poller is a workflow of its own, with a credential of its own (so its own pacer) unless
 * `credentialId` names one.
 *
 * `scheduler` is how n8n keeps the static data between polls:
 * - 'default' (n8n's in-memory scheduler): one Workflow and one PollContext per activation, for
 *   every tick; the static data lives in that Workflow, and n8n saves it to its database after
 *   activation and after a poll that emitted (fire-and-forget beside the execution);
 * - 'durable' (N8N_POLLER_DURABLE_CURSORS_ENABLED): each poll gets a copy of the saved cursor,
 *   saved back when the poll succeeds (committed with its execution, or alone when it emitted
 *   nothing).
 * `reactivate()` deactivates and activates the workflow (optionally with new parameters, as a
 * published change does): what the database holds is loaded again, through JSON.
 */
export async function createPoller({
	parameters,
	credentials,
	credentialId,
	budgetMs,
	scheduler = 'default',
	timezone,
}) {
	pollerCount += 1;
	const loader = await loadPackage();
	const node = {
		id: 'videsk-trigger',
		name: 'Videsk Rooms Trigger',
		type: TRIGGER_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: {
			videskApi: { id: credentialId ?? `poller-${pollerCount}`, name: 'Videsk sandbox' },
		},
	};
	const workflowId = `poll-test-${pollerCount}`;
	const additionalData = additionalDataFor(loader, credentials);
	const pollers = Container.get(TriggersAndPollers);
	const reported = [];
	const emitError = (error) => void reported.push(error);
	const getPollBudgetMs = budgetMs === undefined || budgetMs === null ? undefined : () => budgetMs;
	/** n8n 1.x's poll context has no getPollBudgetMs. */
	const withBudget = (pollContext) => {
		if (budgetMs === null) delete pollContext.getPollBudgetMs;
		return pollContext;
	};
	/** The node's static data as n8n's database holds it (JSON). */
	let saved = '{}';
	let workflow;
	let context;
	let firstPoll;
	let stateChanged = false;

	function activate() {
		workflow = new Workflow({
			id: workflowId,
			nodes: [node],
			connections: {},
			nodeTypes: nodeTypesOf(loader),
			active: true,
			staticData: { [`node:${node.name}`]: JSON.parse(saved) },
			settings: timezone ? { timezone } : {},
		});
		context = withBudget(
			new PollContext(
				workflow,
				node,
				additionalData,
				'trigger',
				'activate',
				undefined,
				emitError,
				undefined,
				undefined,
				undefined,
				getPollBudgetMs,
			),
		);
		firstPoll = true;
	}
	activate();

	const nodeData = () => workflow.getStaticData('node', node);
	const save = (data) => (saved = JSON.stringify(data));

	/** One durable task's poll, from the cursor `from` (JSON), and its commit. */
	async function pollDurably(from = saved) {
		const before = from;
		const snapshot = JSON.parse(from);
		const durable = withBudget(
			new PollContext(
				workflow,
				node,
				additionalData,
				'trigger',
				'update',
				undefined,
				emitError,
				undefined,
				undefined,
				() => snapshot,
				getPollBudgetMs,
			),
		);
		const result = await pollers.runPollFunction(workflow, node, durable);
		const changed = JSON.stringify(snapshot) !== before;
		stateChanged = changed;
		// n8n commits a cursor only when the poll changed it (takeStagedCursor).
		return { result, commit: () => changed && save(snapshot) };
	}

	const emitted = (result) => (result?.[0] ?? []).map((item) => item.json);

	return {
		async poll(mode = 'trigger') {
			if (mode === 'manual') {
				const manual = new PollContext(workflow, node, additionalData, 'manual', 'manual');
				const result = await pollers.runPollFunction(workflow, node, manual);
				return (result?.[0] ?? []).map((item) => item.json);
			}
			let result;
			if (scheduler === 'durable') {
				const task = await pollDurably();
				task.commit();
				result = task.result;
			} else {
				// n8n saves a workflow's static data after a poll only when this flag is set.
				workflow.staticData.__dataChanged = false;
				const activation = firstPoll;
				firstPoll = false;
				try {
					result = await pollers.runPollFunction(workflow, node, context);
				} catch (error) {
					// A failed activation poll failed the activation: the next poll is the activation
					// again (n8n retries it, or the builder activates again).
					if (activation) firstPoll = true;
					throw error;
				}
				stateChanged = workflow.staticData.__dataChanged === true;
				// The activation poll's state is saved by n8n's activator.
				if (activation || result !== null) save(nodeData());
			}
			return emitted(result);
		},
		/**
		 * Durable only: a poll, then another that read the cursor before the first one's commit
		 * (n8n commits after the poll returns, without waiting), then both commits.
		 */
		async pollBeforeCommit() {
			const first = await pollDurably();
			const second = await pollDurably(saved);
			first.commit();
			second.commit();
			return [emitted(first.result), emitted(second.result)];
		},
		staticData: () => (scheduler === 'durable' ? JSON.parse(saved) : nodeData()),
		saved: () => JSON.parse(saved),
		stateChanged: () => stateChanged,
		reported: () => reported,
		reactivate(newParameters) {
			if (newParameters !== undefined) node.parameters = newParameters;
			activate();
		},
	};
}

/**
 * A "From List" search of the Room field as the editor asks n8n for it: as n8n's
 * DynamicNodeParametersService.getResourceLocatorResults does, a LoadOptionsContext on a
 * throwaway workflow holding the node ("Temp-Node") with its current parameters.
 */
export async function searchList({ method, parameters, credentials, filter, paginationToken }) {
	const loader = await loadPackage();
	const nodeType = loader.getNode('videskRooms').type;
	const node = {
		id: 'uuid-1234',
		name: 'Temp-Node',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: parameters ?? { resource: 'room', operation: 'get' },
		credentials: { videskApi: { id: 'list-search', name: 'Videsk sandbox' } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: nodeTypesOf(loader),
	});
	const context = new LoadOptionsContext(
		workflow,
		node,
		additionalDataFor(loader, credentials),
		'parameters.room',
	);
	return await nodeType.methods.listSearch[method].call(context, filter, paginationToken);
}
