// What a workflow builder sees, checked on the node description n8n loads (and through n8n's
// routing engine where behaviour is involved): n8n's "UX guidelines for community nodes", the
// canvas subtitle, the Output parameter, labelled join tokens, docs links.
import type {
	INode,
	INodeProperties,
	INodePropertyCollection,
	INodePropertyOptions,
	INodeTypeDescription,
} from 'n8n-workflow';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { loadPackage, PACKAGE_DIR } from '../../support/harness.mjs';
import { room, run, useSandbox } from '../../support/helpers.mjs';

// The CommonJS copy n8n-core uses, as in harness.mjs.
const { Workflow } = createRequire(import.meta.url)(
	'n8n-workflow',
) as typeof import('n8n-workflow');

const sandbox = useSandbox();
let node: INodeTypeDescription;
let trigger: INodeTypeDescription;
let operations: INodePropertyOptions[];

beforeAll(async () => {
	const loader = await loadPackage();
	node = loader.getNode('videskRooms').type.description as INodeTypeDescription;
	trigger = loader.getNode('videskRoomsTrigger').type.description as INodeTypeDescription;
	operations = node.properties.find((p) => p.name === 'operation')!
		.options as INodePropertyOptions[];
});

/** Every parameter, including those inside collections. */
function allParameters(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => [
		property,
		...(property.type === 'collection'
			? allParameters((property.options ?? []) as INodeProperties[])
			: property.type === 'fixedCollection'
				? ((property.options ?? []) as INodePropertyCollection[]).flatMap((group) =>
						allParameters(group.values),
					)
				: []),
	]);
}

const shownFor = (operation: string) => (property: INodeProperties) =>
	property.displayOptions?.show?.operation?.includes(operation) === true;

describe('n8n’s UX guidelines, item by item', () => {
	test('operations: Title Case names; actions in sentence case, without articles', () => {
		for (const operation of operations) {
			expect(operation.name).toMatch(/^([A-Z][a-z]*)( (or|[A-Z][a-z]*))*$/);
			expect(operation.action).toMatch(/^[A-Z][a-z]*( [a-z]+)*$/);
			expect(operation.action).not.toMatch(/\b(a|an|the)\b/i);
		}
		expect(operations.map((operation) => operation.action)).toContain('Create or update room');
	});

	test('operation descriptions in sentence case, naming the room, adding to the name', () => {
		for (const operation of operations) {
			expect(operation.description).toMatch(/^[A-Z]/);
			expect(operation.description).toMatch(/\broom/);
			expect(operation.description!.length).toBeGreaterThan(operation.name.length + 10);
		}
	});

	// Reported: the dropdowns cut longer descriptions with "…" (two lines of about 60 characters).
	test('every choice’s description is short enough to read whole in its dropdown', () => {
		const choices = allParameters([...node.properties, ...trigger.properties])
			.filter((p) => p.type === 'options' || p.type === 'multiOptions')
			.flatMap((p) => p.options as INodePropertyOptions[]);
		expect(choices.map((choice) => choice.name)).toEqual(
			expect.arrayContaining(['Create or Update', 'Simplified', 'Report', 'Not Ended']),
		);
		for (const choice of choices) {
			expect(choice.description?.length ?? 0, choice.name).toBeLessThanOrEqual(90);
		}
	});

	test('no jargon in what the editor shows: no "upsert", no "VPaaS"', () => {
		const shownTexts = allParameters([...node.properties, ...trigger.properties])
			.filter((p) => p.name !== 'toolDescription')
			.flatMap((p) => [
				p.displayName,
				p.description,
				p.hint,
				...((p.options ?? []) as INodePropertyOptions[]).flatMap((o) => [o.name, o.description]),
			]);
		for (const text of [node.description, trigger.description, ...shownTexts]) {
			expect(String(text ?? '')).not.toMatch(/upsert|vpaas/i);
		}
	});

	test('the suggested operations Videsk supports are there: Create, Create or Update, Get, Get Many, Update', () => {
		expect(operations.map((operation) => operation.name)).toEqual(
			expect.arrayContaining(['Create', 'Create or Update', 'Get', 'Get Many', 'Update']),
		);
	});

	test('no Delete: Videsk refuses every delete, so none is offered; End says it closes the room', () => {
		expect(operations.map((operation) => operation.name)).not.toContain('Delete');
		expect(operations.map((operation) => operation.routing?.request?.method)).not.toContain(
			'DELETE',
		);
		const end = operations.find((operation) => operation.value === 'end')!;
		expect(end.description).toMatch(/^Close a room for everyone/);
	});

	test('booleans are described with "Whether…"; placeholders start with "e.g."', () => {
		const parameters = allParameters([...node.properties, ...trigger.properties]);
		for (const parameter of parameters.filter((p) => p.type === 'boolean')) {
			expect(parameter.description, parameter.name).toMatch(/^Whether /);
		}
		for (const parameter of parameters.filter((p) => p.placeholder && p.type === 'string')) {
			expect(parameter.placeholder, parameter.name).toMatch(/^e\.g\. /);
		}
	});

	test('AI-tool Output parameter: Simplified (default) / Raw / Selected Fields, wherever a room is returned', () => {
		for (const operation of [
			'create',
			'createOrGet',
			'createOrUpdate',
			'get',
			'getAll',
			'update',
			'end',
		]) {
			const output = node.properties.filter(shownFor(operation)).find((p) => p.name === 'output');
			expect(output, operation).toMatchObject({ type: 'options', default: 'simple' });
			expect((output!.options as INodePropertyOptions[]).map((option) => option.name)).toEqual([
				'Simplified',
				'Raw',
				'Selected Fields',
			]);
			const fields = node.properties.filter(shownFor(operation)).find((p) => p.name === 'fields');
			expect(fields?.displayOptions?.show?.output).toEqual(['fields']);
		}
		expect(node.properties.some((p) => p.name === 'simplify')).toBe(false);
	});

	test('Additional Fields and Update Fields list Start before Expires At, the order they happen in', () => {
		const names = (collection: string, operation: string) =>
			(
				node.properties.filter(shownFor(operation)).find((p) => p.name === collection)!
					.options as INodeProperties[]
			).map((option) => option.displayName);
		for (const list of [
			names('additionalFields', 'create'),
			names('additionalFields', 'createOrUpdate'),
			names('updateFields', 'update'),
		]) {
			expect(list.indexOf('Start')).toBe(list.indexOf('Expires At') - 1);
		}
		expect(names('additionalFields', 'create')).toEqual([
			'Start',
			'Expires At',
			'Max Participants',
			'Recording Enabled',
			'Other Settings (JSON)',
		]);
	});

	// Reported: External ID was not marked required for Create or Get and Create or Update, which
	// cannot work without it; its hint was a five-line tooltip covering the Operation field.
	test('External ID: required for Create or Get and Create or Update, optional for Create; a short description and a hint', () => {
		const externalId = (operation: string) =>
			node.properties.filter(shownFor(operation)).filter((p) => p.displayName === 'External ID');
		for (const operation of ['createOrGet', 'createOrUpdate']) {
			expect(externalId(operation)).toEqual([
				expect.objectContaining({ name: 'externalId', required: true }),
			]);
		}
		expect(externalId('create')).toEqual([
			expect.objectContaining({ name: 'createExternalId', required: false }),
		]);
		for (const operation of ['create', 'createOrGet']) {
			const [field] = externalId(operation);
			expect(field.description!.length).toBeLessThanOrEqual(100);
			expect(field.hint).toMatch(/at most 100 characters/);
		}
		expect(externalId('create')[0].hint).toMatch(/Leave empty to let Videsk generate one/);
	});

	test('the Status filter of Get Many is a visible choice, not a boolean that defaults to "not ended"', () => {
		const filters = node.properties.filter(shownFor('getAll')).find((p) => p.name === 'filters')!;
		const status = (filters.options as INodeProperties[]).find((p) => p.name === 'status');
		expect(status).toMatchObject({ type: 'options', default: 'notEnded' });
		expect((filters.options as INodeProperties[]).some((p) => p.type === 'boolean')).toBe(false);
	});
});

// Reported: Create or Get's output had an accessToken on the first run and none on the rerun.
// Decided: Create or Get and Create or Update never pass one on; Get Join Token gives tokens.
describe('where a builder and an agent learn that Create or Get gives no token', () => {
	test('a notice under External ID of Create or Get and Create or Update points to Get Join Token', () => {
		for (const operation of ['createOrGet', 'createOrUpdate']) {
			const shown = node.properties.filter(shownFor(operation)).map((p) => p.name);
			expect(shown.indexOf('noTokenNotice'), operation).toBe(shown.indexOf('externalId') + 1);
		}
		const notice = node.properties.find((p) => p.name === 'noTokenNotice')!;
		expect(notice.type).toBe('notice');
		expect(notice.displayName).toMatch(
			/no access token.*To let people join, add a Get Join Token step/,
		);
		expect(notice.displayOptions?.show?.operation).toEqual(['createOrGet', 'createOrUpdate']);
	});

	test('their tool descriptions promise no token and name Get Join Token', () => {
		for (const operation of ['createOrGet', 'createOrUpdate']) {
			const text = node.properties.find(
				(p) => p.name === 'toolDescription' && shownFor(operation)(p),
			)!.default as string;
			expect(text).not.toMatch(/accessToken/);
			expect(text).toMatch(/returns no access token: .*Get Join Token/);
		}
	});

	test('Simplified says it adds the times in the workflow’s timezone', () => {
		const output = node.properties.find((p) => p.name === 'output')!;
		const simplified = (output.options as INodePropertyOptions[])[0];
		expect(simplified.description).toMatch(/workflow’s timezone \(start, expiresAt\)/);
	});
});

describe('canvas subtitle', () => {
	test('is the operation’s display name, as n8n’s editor evaluates it', () => {
		for (const operation of operations) {
			const canvasNode: INode = {
				id: 'n',
				name: 'Videsk Rooms',
				type: 'n8n-nodes-videsk.videskRooms',
				typeVersion: 1,
				position: [0, 0],
				parameters: { resource: 'room', operation: operation.value as string },
			};
			const nodeType = { description: node };
			const workflow = new Workflow({
				nodes: [canvasNode],
				connections: {},
				active: false,
				nodeTypes: {
					getByName: () => nodeType,
					getByNameAndVersion: () => nodeType,
					getKnownTypes: () => ({}),
				} as never,
			});
			// What the editor's canvas calls for a node whose type has a subtitle.
			const subtitle = workflow.expression.getSimpleParameterValue(
				canvasNode,
				node.subtitle!,
				'internal',
				{},
			);
			expect(subtitle).toBe(operation.name);
		}
	});
});

describe('docs links', () => {
	const readme = readFileSync(path.join(PACKAGE_DIR, 'README.md'), 'utf8');
	/** GitHub's heading anchors: lower case, spaces to "-", punctuation dropped. */
	const anchors = [...readme.matchAll(/^#+ (.+)$/gm)].map(([, heading]) =>
		heading
			.toLowerCase()
			.replace(/[^\p{L}\p{N} -]/gu, '')
			.replace(/ /g, '-'),
	);

	// Reported: README's first screens spoke of VPaaS, the WebRTC SDK, MCP, npm provenance and
	// test files before saying what the node does; no picture anywhere.
	test('README opens with what the node does and a picture of the example, in a builder’s words', () => {
		const firstScreen = readme.slice(0, readme.indexOf('\n## '));
		expect(firstScreen).not.toMatch(/vpaas|webrtc|\bmcp\b|provenance|test\/|\.mts|upsert/i);
		const [, picture] = /!\[[^\]]+\]\(([^)]+\.png)\)/.exec(firstScreen) ?? [];
		expect(picture).toBe('docs/images/calendar-example.png');
		expect(existsSync(path.join(PACKAGE_DIR, picture))).toBe(true);
		expect(readme).not.toMatch(/upsert/i);
		expect(readme).toContain('<!-- trigger:guarantees -->');
	});

	test('the node’s links are used as they are (http…) and land on a README section', () => {
		for (const description of [node, trigger]) {
			// n8n's node settings use documentationUrl unchanged when it starts with http; otherwise
			// they append "?utm_…" to the codex URL, after its "#anchor", and the anchor is lost.
			expect(description.documentationUrl).toMatch(/^https:\/\/github\.com\/.+#.+$/);
			expect(anchors).toContain(description.documentationUrl!.split('#')[1]);
			const codexUrls = [
				...(description.codex?.resources?.primaryDocumentation ?? []),
				...(description.codex?.resources?.credentialDocumentation ?? []),
			].map((link) => link.url);
			for (const url of codexUrls) expect(anchors).toContain(url.split('#')[1]);
		}
	});
});

describe('Output', () => {
	test('Selected Fields: the ID and the chosen fields', async () => {
		sandbox().seed(1);
		const { items } = await run(sandbox(), {
			operation: 'get',
			room: room('externalId', 'seed-1'),
			output: 'fields',
			fields: ['name', 'createdAt'],
		});
		expect(Object.keys(items[0].json).sort()).toEqual(['createdAt', 'id', 'name']);
	});

	test('Simplified (the default) keeps the access token of Create', async () => {
		const { items } = await run(sandbox(), { operation: 'create', createExternalId: 'x' });
		expect(Object.keys(items[0].json).sort()).toEqual([
			'accessToken',
			'ended',
			'exp',
			'expiresAt',
			'externalId',
			'id',
			'name',
			'nbf',
			'start',
		]);
	});

	test('End still recognises an ended room when "Ended" is not among the selected fields', async () => {
		sandbox().seed(1);
		sandbox().end('seed-1');
		const { items, error } = await run(sandbox(), {
			operation: 'end',
			room: room('externalId', 'seed-1'),
			options: { alreadyEndedIsSuccess: true },
			output: 'fields',
			fields: ['name'],
		});
		expect(error).toBeUndefined();
		expect(items[0].json).toEqual({
			id: sandbox().rooms()[0].id,
			name: 'Seeded room 1',
			alreadyEnded: true,
		});
	});
});

describe('labelled join tokens', () => {
	test('each token carries the participant label from its input item, and stays paired', async () => {
		sandbox().seed(1);
		const { items } = await run(
			sandbox(),
			{
				operation: 'getJoinToken',
				room: room('externalId', 'seed-1'),
				participant: '={{ $json.email }}',
			},
			{ items: [{ email: 'ana@example.com' }, { email: 'bo@example.com' }] },
		);
		expect(items.map((item) => item.json.participant)).toEqual([
			'ana@example.com',
			'bo@example.com',
		]);
		expect(items.map((item) => Object.keys(item.json))).toEqual([
			['participant', 'externalId', 'accessToken'],
			['participant', 'externalId', 'accessToken'],
		]);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		// The label is the node's: Videsk gets nothing new.
		expect(sandbox().requests.map((r) => r.body)).toEqual(['', '']);
	});

	test('without a label: the room and Videsk’s token; a label whose expression gives nothing is refused', async () => {
		sandbox().seed(1);
		const unlabelled = await run(sandbox(), {
			operation: 'getJoinToken',
			room: room('externalId', 'seed-1'),
		});
		expect(unlabelled.items.map((item) => Object.keys(item.json))).toEqual([
			['externalId', 'accessToken'],
		]);
		const { items } = await run(
			sandbox(),
			{
				operation: 'getJoinToken',
				room: room('externalId', 'seed-1'),
				participant: '={{ $json.email }}',
			},
			{ items: [{ email: '  ' }, {}], continueOnFail: true },
		);
		expect(items.map((item) => item.json.error)).toEqual([
			'Participant Label: the expression gave "  "',
			'Participant Label: the expression gave undefined',
		]);
		expect(sandbox().requests).toHaveLength(1);
	});

	test('Continue On Fail: a failing item keeps its place among the labelled tokens', async () => {
		sandbox().seed(1);
		const { items } = await run(
			sandbox(),
			{
				operation: 'getJoinToken',
				room: room('externalId', '={{ $json.room }}'),
				participant: '={{ $json.email }}',
			},
			{
				continueOnFail: true,
				items: [
					{ room: 'seed-1', email: 'ana@example.com' },
					{ room: 'gone', email: 'bo@example.com' },
					{ room: 'seed-1', email: 'cy@example.com' },
				],
			},
		);
		expect(items.map((item) => item.json.participant ?? item.json.error)).toEqual([
			'ana@example.com',
			'Get Join Token: Videsk found no open room "gone": it does not exist or has already ended',
			'cy@example.com',
		]);
	});
});
