import type {
	IDataObject,
	IExecutePaginationFunctions,
	INodeExecutionData,
	NodeApiError,
	NodeOperationError,
} from 'n8n-workflow';
import { readParameter, TIMEOUT } from '../fields/contract';
import { readOutput, shapeOutput } from '../fields/output';
import {
	credentialOf,
	withOptions,
	type OperationErrors,
	type RoutedRequest,
} from '../transport/routing';
import { DEFAULT_TIMEOUT_MS } from '../videsk';

// What every operation does around its requests, in routing's pagination hook (the one place
// that runs once per item and sees all of the item's requests): read every parameter by its rule
// first, and the credential's Base URL, before any request; take the item's turn among the items
// of the run with the same External ID; apply Output; pair every output item with its input
// item, errors too.
//
// Pairing is done here because n8n pairs nothing itself once a node has an error output
// ("Continue (using error output)"), nor when an input item gives other than one output item.
// The node's checks are therefore made here too, not in a preSend: n8n's routing turns a failed
// preSend into an error item it does not pair. docs/architecture.md says why every operation
// runs here.

export interface Operation<P> {
	/** How its errors start ("Get"), and what a status means for it where that differs. */
	errors: Omit<OperationErrors, 'target'>;
	/** The parameter contract: every parameter it uses, read by its rule (fields/contract.ts). */
	read(context: IExecutePaginationFunctions): P;
	/** What its errors name: `room "standup-1"`, "a new room"… */
	target(parameters: P): string;
	/** Items of one run with the same key (an External ID) are sent one after the other. */
	turn?(parameters: P): string | undefined;
	/** Whether it has the Output parameter. */
	output?: boolean;
	/** Its requests, through the transport (transport/routing.ts); what it outputs. */
	send(
		this: IExecutePaginationFunctions,
		request: RoutedRequest,
		parameters: P,
		errors: OperationErrors,
	): Promise<IDataObject[]>;
}

// The turns of the items of a run of a node, by node and key.
const turns = new WeakMap<object, Map<string, Promise<void>>>();

/**
 * The item's turn among the items of this run with the same key: `ready` once every earlier one
 * has called its `done`. n8n's routing starts every item's request at once, in input order, and
 * every item passes the same preSend steps, so items call this in input order: the turns follow
 * the input.
 */
function takeTurn(context: IExecutePaginationFunctions, key: string | undefined) {
	const run = context.getExecuteData();
	if (key === undefined || run === undefined) return { ready: Promise.resolve(), done: () => {} };
	let byKey = turns.get(run);
	if (byKey === undefined) turns.set(run, (byKey = new Map()));
	const turnKey = `${context.getNode().name} ${key}`;
	const ready = byKey.get(turnKey) ?? Promise.resolve();
	let done = () => {};
	const finished = new Promise<void>((resolve) => (done = resolve));
	byKey.set(
		turnKey,
		ready.then(() => finished),
	);
	return { ready, done };
}

/** The item's parameters by their rules: the operation's, Output, and "Request Options" → "Timeout". */
function readItem<P>(context: IExecutePaginationFunctions, definition: Operation<P>) {
	return {
		parameters: definition.read(context),
		shape: definition.output ? readOutput(context) : undefined,
		timeout: readParameter(context, 'requestOptions.timeout', TIMEOUT) ?? DEFAULT_TIMEOUT_MS,
	};
}

/** The operation as routing's pagination hook. */
export function operation<P>(definition: Operation<P>) {
	return async function (
		this: IExecutePaginationFunctions,
		request: RoutedRequest,
	): Promise<INodeExecutionData[]> {
		const pairedItem = { item: this.getItemIndex() };
		let turn: ReturnType<typeof takeTurn> | undefined;
		try {
			const { parameters, shape, timeout } = readItem(this, definition);
			turn = takeTurn(this, definition.turn?.(parameters));
			await credentialOf(this);
			await turn.ready;
			const errors = { ...definition.errors, target: definition.target(parameters) };
			const results = await definition.send.call(
				this,
				withOptions(request, { timeout }),
				parameters,
				errors,
			);
			const json = shape ? shapeOutput(results, shape) : results;
			return json.map((each) => ({ json: each, pairedItem }));
		} catch (error) {
			if (!this.continueOnFail()) throw error as NodeApiError;
			return [{ json: {}, error: error as NodeApiError | NodeOperationError, pairedItem }];
		} finally {
			turn?.done();
		}
	};
}
