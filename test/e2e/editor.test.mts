// The n8n editor in a real browser, as `npm start` sets it up (prepareEditorN8n): Chromium
// (test/support/provision.mjs says which) driven by playwright-core signs in, adds the Videsk Rooms node from the nodes panel and
// runs the calendar example. On failure a screenshot goes to test-results/editor/; with
// VIDESK_EDITOR_SCREENSHOTS=1, one after every step.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from 'vitest';
import { PACKAGE_DIR } from '../support/harness.mjs';
import { startSandbox, type Sandbox } from '../sandbox/server.mjs';
import { chromiumLaunch } from '../support/provision.mjs';
import {
	DEMO_OWNER,
	ensureN8n,
	freePort,
	prepareEditorN8n,
	startN8n,
	waitForN8n,
	type N8nHome,
} from './n8n-runtime.mjs';

const SCREENSHOTS = path.join(PACKAGE_DIR, 'test-results', 'editor');
const ACTIONS = [
	'Create room',
	'Create or get room',
	'Create or update room',
	'End room',
	'Get room',
	'Get join token',
	'Get many rooms',
	'Get room quality stats',
	'Update room',
];

let sandbox: Sandbox;
let home: N8nHome;
let n8nProcess: ChildProcess;
let url: string;
let browserProfile: string;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
	const browser = chromiumLaunch();
	ensureN8n();
	sandbox = await startSandbox();
	home = await prepareEditorN8n(PACKAGE_DIR, sandbox);
	const port = await freePort();
	url = `http://127.0.0.1:${port}`;
	n8nProcess = startN8n({ ...home, env: { ...home.env, N8N_LOG_LEVEL: 'warn' } }, port, 'ignore');
	await waitForN8n(url, n8nProcess);
	browserProfile = mkdtempSync(path.join(tmpdir(), 'videsk-chromium-'));
	context = await chromium.launchPersistentContext(browserProfile, {
		...browser,
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
		],
		viewport: { width: 1440, height: 900 },
	});
	context.setDefaultTimeout(30_000);
	page = context.pages()[0] ?? (await context.newPage());
	page.on('console', (message) => {
		if (message.type() === 'error') consoleErrors.push(message.text());
	});
}, 5 * 60_000);

afterAll(async () => {
	await context?.close();
	n8nProcess?.kill();
	await sandbox?.close();
	for (const dir of [browserProfile, home?.userFolder]) {
		if (dir) rmSync(dir, { recursive: true, force: true });
	}
});

/** Screenshots the page under test-results/editor/: always on failure, per step on request. */
function screenshots(test: string) {
	const save = async (step: string) => {
		mkdirSync(SCREENSHOTS, { recursive: true });
		await page.screenshot({ path: path.join(SCREENSHOTS, `${test}-${step}.png`) });
	};
	onTestFailed(() => save('failed'));
	return async (step: string) => {
		if (process.env.VIDESK_EDITOR_SCREENSHOTS) await save(step);
	};
}

const byTestId = (id: string) => page.locator(`[data-test-id="${id}"]`);

/**
 * Saves a workflow of one Videsk node (on the sandbox's credential) through n8n's REST API as the
 * editor does, with the browser's session and its browser-id; returns its ID.
 */
async function saveWorkflow(
	name: string,
	node: { id: string; name: string; type: string; parameters: Record<string, unknown> },
): Promise<string> {
	const browserId = await page.evaluate(() => localStorage.getItem('n8n-browserId'));
	const saved = await page.request.post(`${url}/rest/workflows`, {
		headers: { 'browser-id': browserId ?? '' },
		data: {
			name,
			nodes: [
				{
					...node,
					typeVersion: 1,
					position: [0, 0],
					credentials: { videskApi: { id: 'videskSandbox01', name: 'Videsk sandbox' } },
				},
			],
			connections: {},
			settings: {},
		},
	});
	expect(saved.ok(), await saved.text()).toBe(true);
	return ((await saved.json()) as { data: { id: string } }).data.id;
}

// Generous per step for a busy machine; the whole file takes about a minute on an idle one.
describe('the n8n editor, in a browser', { timeout: 90_000 }, () => {
	test('sign in as the owner that npm start sets up', async () => {
		const step = screenshots('1-sign-in');
		await page.goto(`${url}/signin`);
		await page.locator('#emailOrLdapLoginId').fill(DEMO_OWNER.email);
		await page.locator('#password').fill(DEMO_OWNER.password);
		await step('form');
		await byTestId('form-submit-button').click();
		await page.waitForURL((address) => !address.pathname.startsWith('/signin'));
	});

	test('nodes panel: one Videsk Rooms entry, described for the actions too, listing every action', async () => {
		const step = screenshots('2-nodes-panel');
		await page.goto(`${url}/workflow/new`);
		await byTestId('canvas-plus-button').click({ timeout: 60_000 });
		await page.getByPlaceholder('Search nodes...').fill('Videsk');
		const panel = byTestId('node-creator');
		const entry = panel.locator('[data-test-id="item-iterator-item"]', { hasText: 'Videsk Rooms' });
		await expect.poll(() => entry.count()).toBe(1);
		await expect
			.poll(() => entry.innerText())
			.toContain('Create and manage Videsk video rooms and join tokens');
		await step('search');
		await entry.click();
		await panel.getByText(`Actions (${ACTIONS.length})`).click();
		const items = panel.locator('[data-test-id="node-creator-item-name"]');
		const actionNames = async () =>
			(await items.allInnerTexts()).filter((name) => !name.startsWith('On room'));
		await expect.poll(actionNames).toEqual(ACTIONS);
		await step('actions');
	});

	test('the added node: its form, its docs link, and the operation’s display name on the canvas', async () => {
		const step = screenshots('3-node');
		await byTestId('node-creator').getByText('Create or update room', { exact: true }).click();
		const ndv = byTestId('ndv');
		const value = (parameter: string) =>
			byTestId(`parameter-input-${parameter}`).locator('input').inputValue();
		await expect.poll(() => value('operation')).toBe('Create or Update');
		expect(await value('output')).toBe('Simplified');
		expect(await ndv.getByRole('link', { name: 'Docs' }).getAttribute('href')).toBe(
			'https://github.com/videsk/n8n-nodes-videsk#operations',
		);
		await step('form');
		await byTestId('ndv-close-button').click();
		const node = byTestId('canvas-node').filter({ hasText: 'Create or update room' });
		await expect.poll(() => node.innerText()).toBe('Create or update room\nCreate or Update');
		await step('canvas');
	});

	test('the calendar example runs: one room, one labelled join token per attendee', async () => {
		const step = screenshots('4-calendar');
		await page.goto(`${url}/workflow/videskExampleCalendar`);
		await byTestId('execute-workflow-button').click({ timeout: 60_000 });
		await expect
			.poll(() => byTestId('canvas-node-status-success').count(), { timeout: 60_000 })
			.toBe(6);
		await step('ran');
		await byTestId('canvas-node').filter({ hasText: 'Token per participant' }).dblclick();
		const output = byTestId('output-panel');
		await expect.poll(() => output.innerText()).toContain('3 items');
		// The table: one row per attendee, their label beside their token.
		const emails = /(ana|bo|cy)@example\.com/g;
		await expect
			.poll(async () => (await output.innerText()).match(emails))
			.toEqual(['ana@example.com', 'bo@example.com', 'cy@example.com']);
		await step('tokens');
		const [room] = sandbox.rooms();
		expect(sandbox.rooms()).toHaveLength(1);
		expect(room).toMatchObject({ externalId: 'cal-evt-2026-standup', name: 'Team standup' });
		expect(room.authorizations).toHaveLength(4);
		expect(consoleErrors.filter((error) => /videsk/i.test(error))).toEqual([]);
	});

	test('the Room field: From List finds an old room among 150 by name, an exact External ID first; every mode’s name fits', async () => {
		const step = screenshots('5-room-list');
		sandbox.reset();
		const start = Date.now() - 150 * 60_000;
		sandbox.seed(150, (index) => ({
			name: index === 3 ? 'Quarterly standup review' : `Room ${index}`,
			externalId: `bulk-${index}`,
			createdAt: start + index * 60_000,
		}));
		const id = await saveWorkflow('Room list', {
			id: 'get-room',
			name: 'Get room',
			type: 'n8n-nodes-videsk.videskRooms',
			parameters: { resource: 'room', operation: 'get' },
		});
		await page.goto(`${url}/workflow/${id}`);
		await byTestId('canvas-node').filter({ hasText: 'Get room' }).dblclick({ timeout: 60_000 });
		await byTestId('rlc-input').click();
		const search = page.locator(
			'[data-test-id="rlc-search"] input, input[data-test-id="rlc-search"]',
		);
		const results = () => byTestId('rlc-item').allInnerTexts();
		// The newest 100 rooms do not hold it: the search reads on through the list.
		await search.fill('standup');
		await expect.poll(results, { timeout: 30_000 }).toEqual(['Quarterly standup review (bulk-3)']);
		await step('by-name');
		await search.fill('bulk-1');
		await expect
			.poll(async () => (await results())[0], { timeout: 30_000 })
			.toBe('Room 1 (bulk-1)');
		await step('exact-first');
		await page.keyboard.press('Escape');
		// The node's own modes' names show whole in the selector (none cut to "By Exter…"); n8n
		// names From List itself.
		const selector = byTestId('rlc-mode-selector');
		for (const mode of ['id', 'externalId']) {
			await selector.click();
			await byTestId(`mode-${mode}`).click();
			const input = selector.locator('input');
			await expect
				.poll(() => input.evaluate((element) => element.scrollWidth <= element.clientWidth))
				.toBe(true);
		}
		await step('modes');
	});

	test('the trigger’s Fetch Test Event on an account where no room has ended: an example, marked as one, not an error', async () => {
		const step = screenshots('6-trigger-test-event');
		sandbox.reset();
		sandbox.seed(3, (index) => ({ name: `Open room ${index}`, externalId: `open-${index}` }));
		const id = await saveWorkflow('Room ended', {
			id: 'room-ended',
			name: 'Room ended',
			type: 'n8n-nodes-videsk.videskRoomsTrigger',
			parameters: { event: 'roomEnded' },
		});
		await page.goto(`${url}/workflow/${id}`);
		await byTestId('canvas-node').filter({ hasText: 'Room ended' }).dblclick({ timeout: 60_000 });
		await byTestId('node-execute-button').click();
		const output = byTestId('output-panel');
		await expect
			.poll(() => output.innerText(), { timeout: 30_000 })
			.toContain('Room Ended: no room has ended yet, so this is an example');
		await step('example');
		expect(await byTestId('ndv').innerText()).not.toContain('Problem in node');
		// Simplified, as the node's Output: no authorizations.
		expect(await output.innerText()).not.toContain('authorizations');
	});
});
