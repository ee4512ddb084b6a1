// The n8n editor in a real browser, as `npm start` sets it up (prepareEditorN8n): Chromium
// (test/support/provision.mjs says which) driven by playwright-core signs in, finds the node in the
// nodes panel by what a builder would type, adds it, runs the calendar example, reruns Create or
// Get, makes a beginner's mistakes with dates, opens the credential form, picks a room from the
// list and fetches the trigger's test events. Every step leaves a screenshot in
// test-results/editor/ (the run's artifact); the calendar example's canvas, as README shows it, is
// saved to docs/images/calendar-example.png.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from 'vitest';
import { PACKAGE_DIR } from '../support/harness.mjs';
import { type Sandbox, startSandbox, STRICTEST } from '../sandbox/server.mjs';
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
/** The picture of the calendar example README opens with: made here, so that it stays true. */
const README_PICTURE = path.join(PACKAGE_DIR, 'docs', 'images', 'calendar-example.png');
/** What a builder types in the nodes panel looking for this node (reported: they found nothing). */
const SEARCH_PHRASES = ['join token', 'video meeting', 'video call', 'conference'];
const WORKFLOW_TIMEZONE = 'America/New_York';
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
	rmSync(SCREENSHOTS, { recursive: true, force: true });
	const browser = chromiumLaunch();
	ensureN8n();
	sandbox = await startSandbox(STRICTEST);
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

/** Screenshots the page under test-results/editor/ after every step, and on failure. */
function screenshots(test: string) {
	const save = async (step: string) => {
		mkdirSync(SCREENSHOTS, { recursive: true });
		// Fade-ins (a modal, a dropdown) shown finished.
		await page.screenshot({
			path: path.join(SCREENSHOTS, `${test}-${step}.png`),
			animations: 'disabled',
		});
	};
	onTestFailed(() => save('failed'));
	return save;
}

/** Closes n8n's toasts ("Node executed successfully"…), which cover the page's corner. */
async function closeToasts() {
	await page.waitForTimeout(500); // one that is on its way
	await expect
		.poll(async () => {
			for (const close of await page.locator('.el-notification__closeBtn').all()) {
				await close.dispatchEvent('click', undefined, { timeout: 1_000 }).catch(() => {});
			}
			return await page.locator('.el-notification').count();
		})
		.toBe(0);
}

const byTestId = (id: string) => page.locator(`[data-test-id="${id}"]`);

interface SavedNode {
	id: string;
	name: string;
	type: string;
	parameters: Record<string, unknown>;
}

/**
 * Saves a workflow of Videsk nodes (on the sandbox's credential, in the workflow timezone
 * America/New_York) through n8n's REST API as the editor does, with the browser's session and its
 * browser-id; returns its ID.
 */
async function saveWorkflow(name: string, ...nodes: SavedNode[]): Promise<string> {
	const browserId = await page.evaluate(() => localStorage.getItem('n8n-browserId'));
	const saved = await page.request.post(`${url}/rest/workflows`, {
		headers: { 'browser-id': browserId ?? '' },
		data: {
			name,
			nodes: nodes.map((node, index) => ({
				...node,
				typeVersion: 1,
				position: [index * 300, 0],
				credentials: { videskApi: { id: 'videskSandbox01', name: 'Videsk sandbox' } },
			})),
			connections: {},
			settings: { timezone: WORKFLOW_TIMEZONE },
		},
	});
	expect(saved.ok(), await saved.text()).toBe(true);
	return ((await saved.json()) as { data: { id: string } }).data.id;
}

/** Opens a saved workflow and the node named `name` in it. */
async function openNode(workflowId: string, name: string) {
	await page.goto(`${url}/workflow/${workflowId}`);
	await byTestId('canvas-node').filter({ hasText: name }).dblclick({ timeout: 60_000 });
}

/** The column names of the output panel's table. */
const outputColumns = async () =>
	(await byTestId('output-panel').locator('th').allInnerTexts())
		.map((text) => text.trim())
		.filter((text) => text !== '');

/** Tomorrow's date in the workflow's timezone (YYYY-MM-DD). */
const tomorrow = () =>
	new Intl.DateTimeFormat('en-CA', { timeZone: WORKFLOW_TIMEZONE }).format(
		Date.now() + 24 * 3_600_000,
	);

// Generous per step for a busy machine; the whole file takes about two minutes on an idle one.
describe('the n8n editor, in a browser', { timeout: 90_000 }, () => {
	test('sign in as the owner that npm start sets up', async () => {
		const step = screenshots('01-sign-in');
		await page.goto(`${url}/signin`);
		await page.locator('#emailOrLdapLoginId').fill(DEMO_OWNER.email);
		await page.locator('#password').fill(DEMO_OWNER.password);
		await step('form');
		await byTestId('form-submit-button').click();
		await page.waitForURL((address) => !address.pathname.startsWith('/signin'));
	});

	// Reported: searching for "join token", "video meeting", "video call" or "conference" found
	// nothing.
	test('nodes panel: what a builder types finds the Videsk Rooms entry, as a first step and as a next one', async () => {
		const step = screenshots('02-nodes-search');
		const panel = byTestId('node-creator');
		const entry = panel.locator('[data-test-id="item-iterator-item"]', { hasText: 'Videsk Rooms' });
		const searchEach = async (where: string) => {
			for (const phrase of SEARCH_PHRASES) {
				await page.getByPlaceholder('Search nodes...').fill(phrase);
				await expect.poll(() => entry.count(), { message: `${where}: ${phrase}` }).toBe(1);
				await step(`${where}-${phrase.replace(' ', '-')}`);
			}
		};
		// "What triggers this workflow?" on an empty canvas: the trigger, under the same entry.
		await page.goto(`${url}/workflow/new`);
		await byTestId('canvas-plus-button').click({ timeout: 60_000 });
		await searchEach('first-step');
		// "What happens next?" in a workflow that has a trigger: the actions.
		await page.goto(`${url}/workflow/videskExampleCalendar`);
		await byTestId('node-creator-plus-button').click({ timeout: 60_000 });
		await expect.poll(() => panel.innerText()).toContain('What happens next?');
		await searchEach('next-step');
	});

	test('nodes panel: one Videsk Rooms entry, described for the actions too, listing every action', async () => {
		const step = screenshots('03-nodes-panel');
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

	test('the added node: its form says it gives no token, its dropdowns read whole, its docs link, the operation on the canvas', async () => {
		const step = screenshots('04-node');
		await byTestId('node-creator').getByText('Create or update room', { exact: true }).click();
		const ndv = byTestId('ndv');
		const value = (parameter: string) =>
			byTestId(`parameter-input-${parameter}`).locator('input').inputValue();
		await expect.poll(() => value('operation')).toBe('Create or Update');
		expect(await value('output')).toBe('Simplified');
		// Reported: a rerun's output had no accessToken where the first run's had one.
		await expect
			.poll(() => ndv.innerText())
			.toContain('To let people join, add a Get Join Token step.');
		expect(await ndv.getByRole('link', { name: 'Docs' }).getAttribute('href')).toBe(
			'https://github.com/videsk/n8n-nodes-videsk#operations',
		);
		await step('form');
		// Reported: descriptions cut with "…" in the dropdowns.
		// Each option's name and description, and those drawn cut (clamped, or "…").
		const optionTexts = () =>
			page
				.locator('.el-select-dropdown:visible .el-select-dropdown__item')
				.evaluateAll((options) => {
					const texts = options
						.flatMap((option) => Array.from(option.querySelectorAll('*')))
						.filter((element) => element.children.length === 0 && element.textContent);
					return {
						shown: texts.length,
						cut: texts
							.filter(
								(element) =>
									element.scrollHeight > element.clientHeight + 1 ||
									element.scrollWidth > element.clientWidth + 1,
							)
							.map((element) => element.textContent),
					};
				});
		for (const [parameter, options] of [
			['operation', ACTIONS.length],
			['output', 3],
		] as const) {
			await byTestId(`parameter-input-${parameter}`).click();
			await expect
				.poll(optionTexts, { message: parameter })
				.toEqual({ shown: 2 * options, cut: [] });
			await step(`${parameter}-dropdown`);
			await page.keyboard.press('Escape');
			await expect.poll(() => page.locator('.el-select-dropdown:visible').count()).toBe(0);
		}
		await byTestId('ndv-close-button').click();
		const node = byTestId('canvas-node').filter({ hasText: 'Create or update room' });
		await expect.poll(() => node.innerText()).toBe('Create or update room\nCreate or Update');
		await step('canvas');
	});

	test('the calendar example runs: one room, one labelled join token per attendee; its canvas is README’s picture', async () => {
		const step = screenshots('05-calendar');
		await page.goto(`${url}/workflow/videskExampleCalendar`);
		await byTestId('execute-workflow-button').click({ timeout: 60_000 });
		await expect
			.poll(() => byTestId('canvas-node-status-success').count(), { timeout: 60_000 })
			.toBe(6);
		await step('ran');
		// README's picture: the workflow after its run, its nodes and note, without the toolbars.
		await closeToasts();
		// Zoomed to fit, then out a step: clear of the canvas's buttons on the right.
		await page.keyboard.press('1');
		await page.keyboard.press('-');
		await page.waitForTimeout(500);
		// Each node, with the name and subtitle it draws below its box (wider than the box).
		const boxes = await page
			.locator(
				'.vue-flow__node, .vue-flow__node [class*="_label_"], .vue-flow__node [class*="_subtitle_"]',
			)
			.evaluateAll((elements) =>
				elements
					.map((element) => element.getBoundingClientRect())
					.filter((box) => box.width > 0 && box.height > 0)
					.map(({ left, top, right, bottom }) => ({ left, top, right, bottom })),
			);
		const margin = 24;
		const left = Math.max(0, Math.min(...boxes.map((box) => box.left)) - margin);
		const top = Math.max(0, Math.min(...boxes.map((box) => box.top)) - margin);
		// and the last node's add button, right of it
		const right = Math.max(...boxes.map((box) => box.right)) + 2 * margin;
		const bottom = Math.max(...boxes.map((box) => box.bottom)) + margin;
		mkdirSync(path.dirname(README_PICTURE), { recursive: true });
		await page.screenshot({
			path: README_PICTURE,
			animations: 'disabled',
			clip: { x: left, y: top, width: right - left, height: bottom - top },
		});
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

	// Reported: the first run's output had accessToken, the rerun's none.
	test('Create or Get run twice: the same fields each time, no access token; the rerun finds the room', async () => {
		const step = screenshots('06-create-or-get-rerun');
		sandbox.reset();
		const day = tomorrow();
		const id = await saveWorkflow('Create or Get, twice', {
			id: 'book',
			name: 'Book the standup',
			type: 'n8n-nodes-videsk.videskRooms',
			parameters: {
				resource: 'room',
				operation: 'createOrGet',
				externalId: 'standup-rerun',
				name: 'Standup',
				additionalFields: { nbf: `${day}T10:00:00`, exp: `${day}T10:30:00` },
			},
		});
		await openNode(id, 'Book the standup');
		const output = byTestId('output-panel');
		/** The output table's first row, by column. */
		const firstItem = async () => {
			const columns = await outputColumns();
			const cells = await output.locator('tbody tr').first().locator('td').allInnerTexts();
			return Object.fromEntries(columns.map((column, index) => [column, cells[index]?.trim()]));
		};
		const fields = [
			'id',
			'externalId',
			'name',
			'nbf',
			'exp',
			'start',
			'expiresAt',
			'ended',
			'created',
		];
		const runs: Record<string, string>[] = [];
		for (const created of ['true', 'false']) {
			await byTestId('node-execute-button').click();
			await expect.poll(firstItem, { timeout: 30_000 }).toMatchObject({ created });
			const item = await firstItem();
			expect(Object.keys(item)).toEqual(fields);
			runs.push(item);
			await closeToasts();
			// The whole item, as JSON (the table is wider than the panel).
			await output.getByText('JSON', { exact: true }).click();
			await expect.poll(() => output.innerText()).toMatch(new RegExp(`"created":\\s*${created}`));
			await step(`run-created-${created}`);
			await output.getByText('Table', { exact: true }).click();
		}
		// The same room, the same fields; Start as entered, in the workflow's timezone, beside
		// Videsk's UTC nbf.
		expect({ ...runs[1], created: 'true' }).toEqual(runs[0]);
		expect(runs[0].start).toBe(`${day}T10:00:00-05:00`);
		expect(sandbox.rooms()).toHaveLength(1);
	});

	test('beginner mistakes with dates: each error names the field to fix, quotes times in the workflow’s timezone, and shows what works', async () => {
		const step = screenshots('07-date-mistakes');
		sandbox.reset();
		const day = tomorrow();
		const id = await saveWorkflow(
			'Date mistakes',
			{
				id: 'swapped',
				name: 'Expires before start',
				type: 'n8n-nodes-videsk.videskRooms',
				parameters: {
					resource: 'room',
					operation: 'createOrGet',
					externalId: 'swapped',
					additionalFields: { nbf: `${day}T15:00:00`, exp: `${day}T10:00:00` },
				},
			},
			{
				id: 'formatted',
				name: 'Formatted date',
				type: 'n8n-nodes-videsk.videskRooms',
				parameters: {
					resource: 'room',
					operation: 'createOrGet',
					externalId: 'formatted',
					// A date formatted for people, from an expression: text, not a date.
					additionalFields: {
						nbf: "={{ $now.plus({ days: 1 }).toFormat('dd/MM/yyyy HH:mm') }}",
					},
				},
			},
		);
		const output = byTestId('output-panel');
		await openNode(id, 'Expires before start');
		await byTestId('node-execute-button').click();
		await expect
			.poll(() => output.innerText(), { timeout: 30_000 })
			.toContain(
				`Expires At: ${day}T10:00:00-05:00 (America/New_York) must be after Start ${day}T15:00:00-05:00 (America/New_York)`,
			);
		expect(await output.innerText()).toContain('Fix the "Expires At" field of this item');
		await closeToasts();
		await step('expires-before-start');
		await byTestId('ndv-close-button').click();
		await byTestId('canvas-node').filter({ hasText: 'Formatted date' }).dblclick();
		await byTestId('node-execute-button').click();
		await expect
			.poll(() => output.innerText(), { timeout: 30_000 })
			.toMatch(/Start: "\d\d\/\d\d\/\d{4} \d\d:\d\d" is not a date-time/);
		const advice = await output.innerText();
		expect(advice).toContain('Pick it with the date picker');
		expect(advice).toContain('{{ $now.plus({ days: 1 }) }}');
		expect(advice).not.toContain('ISO 8601');
		await closeToasts();
		await step('date-from-an-expression');
		expect(sandbox.requests).toEqual([]);
	});

	test('a new credential: a hint under each field; a wrong token’s test says what to check, in plain words', async () => {
		const step = screenshots('08-credential');
		await page.goto(`${url}/home/credentials`);
		await page
			.getByRole('button', { name: 'Create credential' })
			.first()
			.click({ timeout: 60_000 });
		await byTestId('new-credential-type-select').locator('input').fill('Videsk');
		await page.getByRole('option', { name: 'Videsk API' }).click();
		await byTestId('new-credential-type-button').click();
		const modal = byTestId('editCredential-modal');
		await expect
			.poll(() => modal.innerText())
			.toContain('In the Videsk dashboard, create a token of type api-token and paste it here');
		expect(await modal.innerText()).toContain(
			'Keep https://api.videsk.io; change it only to use a test server',
		);
		await step('hints');
		// A token pasted wrong (and the sandbox as Base URL: the test never reaches Videsk).
		await byTestId('parameter-input-apiToken').locator('input').fill('a-token-pasted-wrong');
		await byTestId('parameter-input-baseUrl').locator('input').fill(sandbox.url);
		await byTestId('credential-save-button').click();
		await modal.getByText('More details').click({ timeout: 30_000 });
		await expect
			.poll(() => modal.innerText())
			.toContain('Check the API token: Videsk did not accept it.');
		expect(await modal.innerText()).not.toMatch(/VPaaS|allow-list/);
		await closeToasts();
		await step('wrong-token');
		await page.keyboard.press('Escape');
	});

	test('the Room field: From List finds an old room among 150 by name, an exact External ID first, an ended room marked where it shows; every mode’s name fits', async () => {
		const step = screenshots('09-room-list');
		sandbox.reset();
		const start = Date.now() - 150 * 60_000;
		sandbox.seed(150, (index) => ({
			name:
				index === 3
					? 'Quarterly standup review'
					: index === 148
						? 'Weekly design review with the whole product team'
						: `Room ${index}`,
			externalId: `bulk-${index}`,
			createdAt: start + index * 60_000,
		}));
		sandbox.end('bulk-148');
		const id = await saveWorkflow('Room list', {
			id: 'get-room',
			name: 'Get room',
			type: 'n8n-nodes-videsk.videskRooms',
			parameters: { resource: 'room', operation: 'get' },
		});
		await openNode(id, 'Get room');
		await byTestId('rlc-input').click();
		const results = () => byTestId('rlc-item').allInnerTexts();
		// Reported: " — ended" came last, where a long name is cut off.
		await expect
			.poll(async () => (await results()).slice(0, 3), { timeout: 30_000 })
			.toEqual([
				'Room 149 (bulk-149)',
				'Ended · Weekly design review with the whole product team (bulk-148)',
				'Room 147 (bulk-147)',
			]);
		const ended = byTestId('rlc-item').nth(1);
		// "Ended" is drawn inside the item, not cut off with the end of a long name.
		const mark = await ended.evaluate((element) => {
			const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
			let text = walker.nextNode();
			while (text !== null && !text.textContent!.includes('Ended')) text = walker.nextNode();
			if (text === null) return 'no "Ended" in the item';
			const range = document.createRange();
			const at = text.textContent!.indexOf('Ended');
			range.setStart(text, at);
			range.setEnd(text, at + 'Ended'.length);
			const [word, item] = [range.getBoundingClientRect(), element.getBoundingClientRect()];
			return word.width > 0 && word.left >= item.left && word.right <= item.right
				? 'shown'
				: JSON.stringify({ word, item });
		});
		expect(mark).toBe('shown');
		await step('ended-marked');
		const search = page.locator(
			'[data-test-id="rlc-search"] input, input[data-test-id="rlc-search"]',
		);
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

	test('the trigger’s Fetch Test Event: for each Event, an item that says which event it is', async () => {
		const step = screenshots('10-trigger-test-events');
		sandbox.reset();
		sandbox.seed(3, (index) => ({
			name: `Sales call ${index}`,
			externalId: `sales-${index}`,
			createdAt: Date.now() - (10 - index) * 60_000,
		}));
		sandbox.end('sales-0');
		const id = await saveWorkflow('Room events', {
			id: 'room-events',
			name: 'Room events',
			type: 'n8n-nodes-videsk.videskRoomsTrigger',
			parameters: { event: 'roomCreated' },
		});
		await openNode(id, 'Room events');
		const output = byTestId('output-panel');
		const firstRow = async () => (await output.locator('tbody tr').first().innerText()).split('\t');
		await byTestId('node-execute-button').click();
		await expect
			.poll(firstRow, { timeout: 30_000 })
			.toEqual(expect.arrayContaining(['roomCreated', 'sales-2']));
		expect((await outputColumns()).slice(0, 2)).toEqual(['event', 'eventAt']);
		await closeToasts();
		await step('room-created');
		await byTestId('parameter-input-event').click();
		await page.getByRole('option', { name: /Room Ended/ }).click();
		await byTestId('node-execute-button').click();
		await expect
			.poll(firstRow, { timeout: 30_000 })
			.toEqual(expect.arrayContaining(['roomEnded', 'sales-0']));
		await closeToasts();
		await step('room-ended');
	});

	test('the trigger’s Fetch Test Event on an account where no room has ended: an example, marked as one, not an error', async () => {
		const step = screenshots('11-trigger-test-event-example');
		sandbox.reset();
		sandbox.seed(3, (index) => ({ name: `Open room ${index}`, externalId: `open-${index}` }));
		const id = await saveWorkflow('Room ended', {
			id: 'room-ended',
			name: 'Room ended',
			type: 'n8n-nodes-videsk.videskRoomsTrigger',
			parameters: { event: 'roomEnded' },
		});
		await openNode(id, 'Room ended');
		await byTestId('node-execute-button').click();
		const output = byTestId('output-panel');
		await expect
			.poll(() => output.innerText(), { timeout: 30_000 })
			.toContain('Room Ended: no room has ended yet, so this is an example');
		await closeToasts();
		await step('example');
		expect(await byTestId('ndv').innerText()).not.toContain('Problem in node');
		// Simplified, as the node's Output: no authorizations.
		expect(await output.innerText()).not.toContain('authorizations');
	});
});
