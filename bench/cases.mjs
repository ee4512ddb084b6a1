// The benchmark's cases in a real n8n: one workflow per case, in which each contender — the
// package's node, n8n's HTTP Request node (the peer: what a user without this package builds)
// and the floor node (plain declarative routing, bench/floor) — has its own webhook, so that
// rounds can be interleaved. Every contender gets the same items, through the same Split Out,
// from the same sandbox; n8n's own executionTime of the contender's nodes is the figure.
export const CREDENTIAL = { videskApi: { id: 'videskSandbox01', name: 'Videsk sandbox' } };

const byExternalId = { __rl: true, mode: 'externalId', value: '={{ $json.room }}' };
const batching = { batch: { batchSize: 20, batchInterval: 1000 } };
/** What a user without this package sets on n8n's HTTP Request node for Videsk. */
const peer = (url, parameters = {}) => ({
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.5,
	parameters: {
		url,
		authentication: 'predefinedCredentialType',
		nodeCredentialType: 'videskApi',
		options: {},
		...parameters,
	},
});
const ours = (parameters) => ({
	type: 'n8n-nodes-videsk.videskRooms',
	typeVersion: 1,
	parameters: { resource: 'room', ...parameters },
});
const floor = (parameters) => ({
	type: 'n8n-nodes-videsk-bench-floor.videskFloor',
	typeVersion: 1,
	parameters,
});
const jsonBody = (fields) => ({
	sendBody: true,
	specifyBody: 'keypair',
	bodyParameters: { parameters: Object.entries(fields).map(([name, value]) => ({ name, value })) },
});
const roomUrl = (base, suffix = '') =>
	`=${base}/vpaas/rooms/{{ encodeURIComponent($json.room) }}${suffix}`;

const count = (number) => number.toLocaleString('en-US');
const rooms = (length) => Array.from({ length }, (_, index) => ({ room: `seed-${index + 1}` }));
const freshRooms = (length, tag) =>
	Array.from({ length }, (_, index) => ({ externalId: `${tag}-${index + 1}` }));

/**
 * Each case: `contenders` (name → the nodes it runs, in order; its time is the sum of theirs),
 * `prepare(sandbox)` before every round, `items(tag)` the input items of a round.
 */
export function benchCases(sizes, base, { prototype = false } = {}) {
	const perItem = sizes.perItem;
	const seedEveryRound = (sandbox) => {
		sandbox.reset();
		sandbox.seed(perItem);
	};
	const cases = [
		{
			id: 'get',
			label: `Get, ${count(perItem)} items`,
			prepare: seedEveryRound,
			items: () => rooms(perItem),
			contenders: {
				node: [ours({ operation: 'get', room: byExternalId })],
				peer: [peer(roomUrl(base), { method: 'GET' })],
				floor: [floor({ operation: 'get', room: '={{ $json.room }}' })],
			},
		},
		{
			id: 'create',
			label: `Create, ${count(perItem)} items`,
			prepare: (sandbox) => sandbox.reset(),
			items: (tag) => freshRooms(perItem, tag),
			contenders: {
				node: [ours({ operation: 'create', createExternalId: '={{ $json.externalId }}' })],
				peer: [
					peer(`${base}/vpaas/rooms`, {
						method: 'POST',
						...jsonBody({ externalId: '={{ $json.externalId }}' }),
					}),
				],
				floor: [floor({ operation: 'create', externalId: '={{ $json.externalId }}' })],
			},
		},
		{
			id: 'getJoinToken',
			label: `Get Join Token, ${count(perItem)} items`,
			prepare: seedEveryRound,
			items: () => rooms(perItem),
			contenders: {
				node: [ours({ operation: 'getJoinToken', room: byExternalId })],
				peer: [peer(roomUrl(base, '/join'), { method: 'POST' })],
				floor: [floor({ operation: 'getJoinToken', joinRoom: '={{ $json.room }}' })],
			},
		},
		{
			id: 'update',
			label: `Update, ${count(perItem)} items`,
			prepare: seedEveryRound,
			items: () => rooms(perItem),
			contenders: {
				node: [
					ours({ operation: 'update', room: byExternalId, updateFields: { name: 'Renamed' } }),
				],
				peer: [peer(roomUrl(base), { method: 'PATCH', ...jsonBody({ name: 'Renamed' }) })],
				floor: [floor({ operation: 'update', room: '={{ $json.room }}', name: 'Renamed' })],
			},
		},
		{
			id: 'returnAll',
			label: `Get Many, Return All, ${count(sizes.list)} rooms`,
			prepare: (sandbox) => {
				if (sandbox.rooms().length === sizes.list) return;
				sandbox.reset();
				sandbox.seed(sizes.list);
			},
			items: () => [{}],
			contenders: {
				node: [ours({ operation: 'getAll', returnAll: true })],
				// n8n's pagination, advancing by what came back, then one item per room.
				peer: [
					peer(`${base}/vpaas/rooms`, {
						method: 'GET',
						sendQuery: true,
						queryParameters: { parameters: [{ name: '$limit', value: '100' }] },
						options: {
							pagination: {
								pagination: {
									parameters: {
										parameters: [
											{
												type: 'qs',
												name: '$skip',
												value: '={{ $response.body.skip + $response.body.data.length }}',
											},
										],
									},
									paginationCompleteWhen: 'other',
									completeExpression:
										'={{ $response.body.skip + $response.body.data.length >= $response.body.total }}',
								},
							},
						},
					}),
					{
						type: 'n8n-nodes-base.splitOut',
						typeVersion: 1,
						parameters: { fieldToSplitOut: 'data', options: {} },
					},
				],
				// n8n's built-in offset pagination (which cannot follow a server that clamps $limit).
				floor: [floor({ operation: 'getAll' })],
			},
		},
		{
			id: 'createRateLimited',
			label: `Create, ${count(sizes.rateLimited)} items, ${sizes.rate} req/s limit`,
			rateLimited: true,
			prepare: (sandbox) => {
				sandbox.reset();
				sandbox.settings.rateLimit = { perSecond: sizes.rate };
			},
			items: (tag) => freshRooms(sizes.rateLimited, tag),
			contenders: {
				// The node's defaults: it paces itself (README: Many items); a failed item stays in
				// the output.
				node: [
					{
						...ours({ operation: 'create', createExternalId: '={{ $json.externalId }}' }),
						onError: 'continueRegularOutput',
					},
				],
				// The HTTP Request node's own batching, and its node-level retry.
				peer: [
					{
						...peer(`${base}/vpaas/rooms`, {
							method: 'POST',
							...jsonBody({ externalId: '={{ $json.externalId }}' }),
							options: { batching },
						}),
						retryOnFail: true,
						maxTries: 3,
						waitBetweenTries: 1000,
					},
				],
				floor: [
					{
						...floor({
							operation: 'create',
							externalId: '={{ $json.externalId }}',
							requestOptions: { batching },
						}),
						onError: 'continueRegularOutput',
					},
				],
			},
		},
		{
			// As users feel it: Videsk's limit and a real network's latency, each contender with what
			// a user would set, and a 1-item execution started while the node's bulk one runs.
			id: 'createOrGetRateLimited',
			label: `Create or Get, ${count(sizes.rateLimited)} items, ${sizes.rate} req/s limit, ${sizes.latencyMs} ms latency`,
			latency: true,
			floorMs: (sizes.rateLimited / sizes.rate) * 1000,
			prepare: (sandbox) => {
				sandbox.reset();
				sandbox.settings.rateLimit = { perSecond: sizes.rate };
				sandbox.settings.latencyMs = sizes.latencyMs;
			},
			items: (tag) => freshRooms(sizes.rateLimited, tag),
			contenders: {
				// The node's defaults (no Batching); a failed item stays in the output.
				node: [
					{
						...ours({ operation: 'createOrGet', externalId: '={{ $json.externalId }}' }),
						onError: 'continueRegularOutput',
					},
				],
				// The HTTP Request node as it comes: every item at once.
				peer: [
					{
						...peer(`${base}/vpaas/rooms`, {
							method: 'POST',
							...jsonBody({ externalId: '={{ $json.externalId }}' }),
						}),
						onError: 'continueRegularOutput',
					},
				],
				// The Batching a careful user sets for "20 requests a second": 20 items, then 1 s.
				peerBatched: [
					{
						...peer(`${base}/vpaas/rooms`, {
							method: 'POST',
							...jsonBody({ externalId: '={{ $json.externalId }}' }),
							options: { batching },
						}),
						onError: 'continueRegularOutput',
					},
				],
				// One item, started while the node's bulk execution runs (bench/n8n.mjs).
				small: [
					{
						...ours({ operation: 'createOrGet', externalId: '={{ $json.externalId }}' }),
						onError: 'continueRegularOutput',
					},
				],
			},
		},
	];
	if (!prototype) return cases;
	// --prototype: a second build of the package beside the committed one (see bench/n8n.mjs).
	return cases.map((benchCase) => ({
		...benchCase,
		contenders: {
			...benchCase.contenders,
			prototype: benchCase.contenders.node.map((node) => ({
				...node,
				type: node.type.replace(/^n8n-nodes-videsk\./, `${PROTOTYPE_PACKAGE}.`),
			})),
		},
	}));
}

export const PROTOTYPE_PACKAGE = 'n8n-nodes-videsk-prototype';

/** The node names a contender's time is read from. */
export function contenderNodeNames(caseId, contender, nodes) {
	return nodes.map((_, index) => `${contender} ${index + 1}`);
}

/** One workflow per case: per contender, Webhook → Split Out (the items) → its nodes. */
export function caseWorkflow(benchCase) {
	const nodes = [];
	const connections = {};
	const link = (from, to) => {
		connections[from] = { main: [[{ node: to, type: 'main', index: 0 }]] };
	};
	Object.entries(benchCase.contenders).forEach(([contender, chain], row) => {
		const y = row * 200;
		const webhook = `webhook ${contender}`;
		const input = `items ${contender}`;
		nodes.push({
			id: `${benchCase.id}-${contender}-webhook`,
			name: webhook,
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, y],
			webhookId: `${benchCase.id}-${contender}`,
			parameters: {
				httpMethod: 'POST',
				path: webhookPath(benchCase.id, contender),
				responseMode: 'lastNode',
				responseData: 'noData',
				options: {},
			},
		});
		nodes.push({
			id: `${benchCase.id}-${contender}-items`,
			name: input,
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [200, y],
			parameters: { fieldToSplitOut: 'body.items', options: {} },
		});
		link(webhook, input);
		let previous = input;
		contenderNodeNames(benchCase.id, contender, chain).forEach((name, index) => {
			const node = chain[index];
			nodes.push({
				id: `${benchCase.id}-${name.replace(' ', '-')}`,
				name,
				position: [400 + index * 200, y],
				...node,
				...(node.type.startsWith('n8n-nodes-base.splitOut') ? {} : { credentials: CREDENTIAL }),
			});
			link(previous, name);
			previous = name;
		});
	});
	return {
		id: `bench${benchCase.id[0].toUpperCase()}${benchCase.id.slice(1)}`,
		name: `Bench: ${benchCase.label}`,
		active: false,
		nodes,
		connections,
		settings: { executionOrder: 'v1' },
		pinData: {},
	};
}

export function webhookPath(caseId, contender) {
	return `bench-${caseId}-${contender}`;
}
