// Installing what the end-to-end tests and `npm start` need, once per machine, so that a person
// can follow it: each long step prints ONE line (what, how big, how long so far), updated in
// place on a terminal and repeated every minute otherwise; what the step's programs print (npm,
// the compiler, apt-get) goes to a log file, shown only when the step fails. An install is safe
// when several processes ask for it at once (vitest runs test files in parallel): one installs
// under a lock, into a temporary folder renamed into place when complete; the others wait.
import { spawn } from 'node:child_process';
import {
	closeSync,
	existsSync,
	mkdirSync,
	openSync,
	readdirSync,
	readFileSync,
	renameSync,
	rmSync,
	statSync,
	writeFileSync,
	writeSync,
} from 'node:fs';
import { homedir, hostname } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Where the installs are kept between runs (n8n, Node 24, Chromium), and their logs. */
export const CACHE_DIR =
	process.env.VIDESK_N8N_CACHE ??
	path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'n8n-nodes-videsk');

const say = (line) => process.stderr.write(`${line}\n`);

export function formatDuration(ms) {
	const seconds = Math.round(ms / 1000);
	return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export function formatBytes(bytes) {
	return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

const PROGRESS_SAMPLE_MS = 5000;

/** Lines of a log worth showing when a step fails: its end, where the error is. */
const FAILURE_LINES = 80;

/**
 * Runs `work(exec)` as one step shown on one line: `label` (what, and how big), then how long
 * so far and, with `progress()`, how far (e.g. "640 packages"). `exec(command, args, options)`
 * runs a program with its output appended to `logFile`, and rejects if it fails. When the step
 * fails, the end of the log is printed and the error rethrown.
 */
export async function step(label, work, { logFile, progress } = {}) {
	const started = Date.now();
	const tty = process.stderr.isTTY;
	// How far, looked at every few seconds (it may read folders); the time, every second.
	let sampled = { at: 0, text: undefined };
	const status = () => {
		if (progress && Date.now() - sampled.at >= PROGRESS_SAMPLE_MS) {
			sampled = { at: Date.now(), text: progress() };
		}
		return [sampled.text, formatDuration(Date.now() - started)].filter(Boolean).join(', ');
	};
	const show = () =>
		tty ? process.stderr.write(`\r\x1b[K${label}: ${status()}`) : say(`${label}: ${status()}`);
	if (tty) show();
	else say(`${label}...`);
	const timer = setInterval(show, tty ? 1000 : 60_000);
	if (logFile) {
		mkdirSync(path.dirname(logFile), { recursive: true });
		writeFileSync(logFile, '');
	}
	const exec = (command, args, options = {}) => run(command, args, options, logFile);
	try {
		const result = await work(exec);
		clearInterval(timer);
		const done = `${label}: done in ${formatDuration(Date.now() - started)}`;
		if (tty) process.stderr.write(`\r\x1b[K${done}\n`);
		else say(done);
		return result;
	} catch (error) {
		clearInterval(timer);
		if (tty) process.stderr.write('\n');
		say(`${label}: FAILED after ${formatDuration(Date.now() - started)}: ${error.message}`);
		if (logFile && existsSync(logFile)) {
			const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n');
			say(`The last ${Math.min(lines.length, FAILURE_LINES)} lines of ${logFile}:`);
			say(lines.slice(-FAILURE_LINES).join('\n'));
		}
		throw error;
	}
}

function run(command, args, { cwd, env } = {}, logFile) {
	return new Promise((resolve, reject) => {
		const out = logFile ? openSync(logFile, 'a') : 'ignore';
		if (logFile) writeSync(out, `$ ${command} ${args.join(' ')}\n`);
		const child = spawn(command, args, { cwd, env, stdio: ['ignore', out, out] });
		if (logFile) closeSync(out);
		child.once('error', reject);
		child.once('close', (code, signal) =>
			code === 0
				? resolve()
				: reject(new Error(`${command} ${args.join(' ')} exited with ${signal ?? code}`)),
		);
	});
}

/** An install is complete once its folder holds `.ready` (written last, before the rename). */
export function isInstalled(dir) {
	return existsSync(path.join(dir, '.ready'));
}

/**
 * Makes sure `dir` holds a complete install: if it does not, `build(tmpDir)` fills a temporary
 * folder beside it, which then replaces `dir` in one rename. Under a lock: another process that
 * asks meanwhile waits, then finds it installed.
 */
export async function installOnce(dir, what, build) {
	if (isInstalled(dir)) return;
	await withLock(`${dir}.lock`, what, async () => {
		if (isInstalled(dir)) return;
		const parent = path.dirname(dir);
		const temporary = `${path.basename(dir)}.tmp-`;
		// What an install that was stopped left behind (no other is running: the lock is ours).
		for (const name of readdirSync(parent)) {
			if (name.startsWith(temporary)) rmSync(path.join(parent, name), { recursive: true });
		}
		const tmpDir = path.join(parent, `${temporary}${process.pid}`);
		mkdirSync(tmpDir);
		await build(tmpDir);
		writeFileSync(path.join(tmpDir, '.ready'), '');
		rmSync(dir, { recursive: true, force: true });
		renameSync(tmpDir, dir);
	});
}

/** A lock nobody has written yet is given this long before it counts as abandoned. */
const UNWRITTEN_LOCK_MS = 10_000;
/** A lock from another host (a shared home folder) is taken over only after this long. */
const FOREIGN_LOCK_MS = 60 * 60_000;

/**
 * Runs `fn` holding `lockFile`: created exclusively (O_EXCL), holding this process's pid and
 * host. A lock whose process has ended (it crashed, or was killed) is taken over.
 */
export async function withLock(lockFile, what, fn) {
	mkdirSync(path.dirname(lockFile), { recursive: true });
	const mine = JSON.stringify({ pid: process.pid, host: hostname(), since: Date.now() });
	let waiting = false;
	for (;;) {
		try {
			writeFileSync(lockFile, mine, { flag: 'wx' });
			break;
		} catch (error) {
			if (error.code !== 'EEXIST') throw error;
		}
		const held = readLock(lockFile);
		if (held !== undefined && isAbandoned(held, lockFile)) {
			// Only if nobody replaced it meanwhile.
			if (readLock(lockFile) === held) rmSync(lockFile, { force: true });
			continue;
		}
		if (!waiting) {
			const holder = held ? JSON.parse(held) : {};
			say(`Waiting: process ${holder.pid ?? '?'} is ${what} (lock ${lockFile})...`);
			waiting = true;
		}
		await sleep(1000);
	}
	try {
		return await fn();
	} finally {
		rmSync(lockFile, { force: true });
	}
}

function readLock(lockFile) {
	try {
		return readFileSync(lockFile, 'utf8');
	} catch {
		return undefined; // gone already
	}
}

function isAbandoned(content, lockFile) {
	let holder;
	try {
		holder = JSON.parse(content);
	} catch {
		// Created, not yet written: abandoned only if it stays so.
		return ageMs(lockFile) > UNWRITTEN_LOCK_MS;
	}
	if (holder.host !== hostname()) return ageMs(lockFile) > FOREIGN_LOCK_MS;
	try {
		process.kill(holder.pid, 0);
		return false;
	} catch (error) {
		return error.code === 'ESRCH';
	}
}

function ageMs(file) {
	try {
		return Date.now() - statSync(file).mtimeMs;
	} catch {
		return 0;
	}
}
