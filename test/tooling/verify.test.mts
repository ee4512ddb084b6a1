// `npm run verify` (scripts/verify.mjs) can fail: fed packages with planted violations, it exits
// 1 and names each one. Each fixture in test/fixtures/verify/ is the `clean` package plus the
// files it plants; `clean` itself passes, so each failure comes from its planted violation.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PACKAGE_DIR } from '../support/harness.mjs';

const FIXTURES = path.join(PACKAGE_DIR, 'test', 'fixtures', 'verify');
const workDir = mkdtempSync(path.join(tmpdir(), 'videsk-verify-test-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function verify(fixture: string) {
	const packageDir = path.join(workDir, fixture);
	cpSync(path.join(FIXTURES, 'clean'), packageDir, { recursive: true });
	if (fixture !== 'clean') cpSync(path.join(FIXTURES, fixture), packageDir, { recursive: true });
	const result = spawnSync(
		process.execPath,
		[path.join(PACKAGE_DIR, 'scripts', 'verify.mjs'), packageDir],
		{ encoding: 'utf8' },
	);
	// One section per check: the scanner on the source, on the tarball, then the metadata.
	const [, source, tarball, metadata] = result.stdout.split(/^::: /m);
	return { code: result.status, output: result.stdout + result.stderr, source, tarball, metadata };
}

describe('npm run verify', { timeout: 60_000 }, () => {
	test('passes the clean fixture package', () => {
		const { code, output } = verify('clean');
		expect(output).not.toContain('✗');
		expect(code).toBe(0);
	});

	test('fails a runtime dependency, in the source and in the tarball', () => {
		const { code, source, tarball } = verify('runtime-dependency');
		expect(code).toBe(1);
		for (const section of [source, tarball]) {
			expect(section).toContain('@n8n/community-nodes/no-runtime-dependencies');
		}
	});

	test('fails the restricted globals setTimeout and process', () => {
		const { code, source, tarball } = verify('restricted-global');
		expect(code).toBe(1);
		for (const section of [source, tarball]) {
			expect(section).toContain("Use of restricted global 'process'");
			expect(section).toContain("Use of restricted global 'setTimeout'");
			expect(section).toContain('@n8n/community-nodes/no-restricted-globals');
		}
	});

	test('fails a restricted global that only the built output has: the tarball is scanned too', () => {
		const { code, source, tarball } = verify('shipped-only');
		expect(code).toBe(1);
		expect(source).toContain('✓ passed');
		expect(tarball).toContain("Use of restricted global 'process'");
	});

	test('fails a documentation link to a README section that does not exist', () => {
		const { code, metadata } = verify('broken-doc-link');
		expect(code).toBe(1);
		expect(metadata).toContain(
			'dist/nodes/Example/Example.node.json: documentation link https://github.com/example/n8n-nodes-verify-fixture#setup has no matching README heading',
		);
	});
});
