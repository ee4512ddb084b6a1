// The first-run installs (test/support/install.mjs), in real processes: several asking at once
// get one install, complete, and no leftovers; a lock left by a process that died is taken
// over; a step prints one line while its programs' output goes to its log, shown only on failure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';

const INSTALL = path.resolve(
	path.dirname(fileURLToPath(import.meta.url)),
	'..',
	'support',
	'install.mjs',
);
const dir = mkdtempSync(path.join(tmpdir(), 'videsk-install-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A node process running `body` (an ES module) with install.mjs's exports in scope. */
function script(body: string) {
	return [
		'--input-type=module',
		'-e',
		`import * as install from ${JSON.stringify(INSTALL)}; ${body}`,
	];
}

function runAsync(args: string[]) {
	return new Promise<{ code: number | null; stderr: string }>((resolve) => {
		const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		child.stderr.on('data', (chunk) => (stderr += chunk));
		child.on('close', (code) => resolve({ code, stderr }));
	});
}

describe('installOnce', () => {
	test('four processes at once: one builds, the others wait, and all find it complete', async () => {
		const target = path.join(dir, 'concurrent', 'thing');
		const builds = path.join(dir, 'concurrent-builds.txt');
		// Each build records itself, then takes a while, writing its files one by one.
		const build = script(`
			import { appendFileSync, writeFileSync } from 'node:fs';
			import { setTimeout as sleep } from 'node:timers/promises';
			await install.installOnce(${JSON.stringify(target)}, 'building the thing', async (tmp) => {
				appendFileSync(${JSON.stringify(builds)}, process.pid + '\\n');
				for (let i = 0; i < 5; i += 1) {
					writeFileSync(tmp + '/part-' + i, 'x');
					await sleep(200);
				}
			});
			const { readdirSync } = await import('node:fs');
			if (readdirSync(${JSON.stringify(target)}).length !== 6) process.exit(2);
		`);
		const results = await Promise.all([1, 2, 3, 4].map(() => runAsync(build)));
		expect(results.map((result) => result.code)).toEqual([0, 0, 0, 0]);
		expect(readFileSync(builds, 'utf8').trim().split('\n')).toHaveLength(1);
		expect(readdirSync(path.dirname(target))).toEqual(['thing']);
		expect(readdirSync(target).sort()).toEqual(
			['.ready', 'part-0', 'part-1', 'part-2', 'part-3', 'part-4'].sort(),
		);
		expect(results.some((result) => result.stderr.includes('Waiting: process'))).toBe(true);
	});

	test('a lock and a half-built folder left by a process that died: taken over, rebuilt, cleaned', () => {
		const target = path.join(dir, 'stale', 'thing');
		const dead = spawnSync(process.execPath, ['-e', '0']).pid;
		spawnSync('mkdir', ['-p', `${target}.tmp-${dead}`, target]);
		writeFileSync(`${target}.tmp-${dead}/half`, '');
		writeFileSync(path.join(target, 'old-and-incomplete'), '');
		writeFileSync(
			`${target}.lock`,
			JSON.stringify({ pid: dead, host: hostname(), since: Date.now() }),
		);
		const result = spawnSync(
			process.execPath,
			script(`
				import { writeFileSync } from 'node:fs';
				await install.installOnce(${JSON.stringify(target)}, 'building', async (tmp) => writeFileSync(tmp + '/new', ''));
			`),
			{ encoding: 'utf8', timeout: 20_000 },
		);
		expect(result.stderr).toBe('');
		expect(result.status).toBe(0);
		expect(readdirSync(path.dirname(target))).toEqual(['thing']);
		expect(readdirSync(target).sort()).toEqual(['.ready', 'new']);
	});
});

describe('step', () => {
	const program = (code: number) =>
		script(`
			await install.step('Compiling the thing (about 9 s)', (exec) =>
				exec(process.execPath, ['-e', "for (let i = 1; i <= 200; i++) console.log('warning ' + i); process.exit(${code})"]),
				{ logFile: ${JSON.stringify(path.join(dir, `step-${code}.log`))} },
			);
		`);

	test('succeeding: the label, then one "done" line; what the program printed is in the log only', () => {
		const result = spawnSync(process.execPath, program(0), { encoding: 'utf8' });
		expect(result.status).toBe(0);
		expect(result.stdout).toBe('');
		expect(result.stderr).toMatch(
			/^Compiling the thing \(about 9 s\)\.\.\.\nCompiling the thing \(about 9 s\): done in \d+ s\n$/,
		);
		expect(readFileSync(path.join(dir, 'step-0.log'), 'utf8')).toContain('warning 200');
	});

	test('failing: the error, then the end of the log', () => {
		const result = spawnSync(process.execPath, program(3), { encoding: 'utf8' });
		expect(result.status).not.toBe(0);
		expect(result.stderr).toContain('Compiling the thing (about 9 s): FAILED after');
		expect(result.stderr).toContain('exited with 3');
		expect(result.stderr).toContain(`The last 80 lines of ${path.join(dir, 'step-3.log')}:`);
		expect(result.stderr).toContain('warning 200');
		expect(result.stderr).toContain('warning 121');
		expect(result.stderr).not.toContain('warning 120\n');
		expect(existsSync(path.join(dir, 'step-3.log'))).toBe(true);
	});
});
