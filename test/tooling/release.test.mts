// The release files: both workflows pass SchemaStore's GitHub workflow schema (and the check
// fails a broken one), and publish.yml keeps what npm provenance and n8n's verification need.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { PACKAGE_DIR } from '../support/harness.mjs';

const CHECK = path.join(PACKAGE_DIR, 'scripts', 'check-workflows.mjs');
const workflow = (name: string) =>
	parse(readFileSync(path.join(PACKAGE_DIR, '.github', 'workflows', name), 'utf8'));

function check(...files: string[]) {
	const result = spawnSync(process.execPath, [CHECK, ...files], { encoding: 'utf8' });
	return { code: result.status, output: result.stdout + result.stderr };
}

describe('GitHub workflows', () => {
	test('ci.yml and publish.yml pass the schema check', () => {
		const { code, output } = check();
		expect(output).toContain('✓ .github/workflows/ci.yml');
		expect(output).toContain('✓ .github/workflows/publish.yml');
		expect(code).toBe(0);
	});

	test('the schema check fails a workflow with a bad permission and a job without runs-on', () => {
		const { code, output } = check(
			path.join(PACKAGE_DIR, 'test', 'fixtures', 'workflows', 'invalid.yml'),
		);
		expect(code).toBe(1);
		expect(output).toContain(
			'/jobs/publish/permissions/id-token must be equal to one of the allowed values',
		);
		expect(output).toContain("/jobs/publish must have required property 'runs-on'");
	});

	test('ci.yml runs .ci/run on pull requests and pushes to main', () => {
		const ci = workflow('ci.yml');
		expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
		expect(ci.on.push.branches).toEqual(['main']);
		expect(ci.jobs.ci.steps.map((step: { run?: string }) => step.run)).toContain('bash .ci/run');
	});

	test('publish.yml publishes with provenance from version tags, after the CI gate', () => {
		const publish = workflow('publish.yml');
		// release-it (npm run release) tags versions without a "v": 0.2.0.
		expect(publish.on).toEqual({ push: { tags: ['*.*.*'] } });
		const job = publish.jobs.publish;
		expect(job.permissions).toEqual({ 'id-token': 'write', contents: 'read' });
		const steps = job.steps as Array<{
			uses?: string;
			run?: string;
			with?: Record<string, string>;
			env?: Record<string, string>;
		}>;
		const setupNode = steps.find((step) => step.uses?.startsWith('actions/setup-node@'));
		expect(setupNode?.with).toMatchObject({
			'node-version': 'lts/*',
			'registry-url': 'https://registry.npmjs.org',
		});
		const runs = steps.map((step) => step.run?.trim() ?? '');
		const gate = runs.indexOf('bash .ci/run');
		const release = runs.findIndex((run) => run.endsWith('npm run release'));
		expect(gate).toBeGreaterThan(-1);
		expect(release).toBeGreaterThan(gate);
		expect(steps[release].env).toEqual({ NPM_TOKEN: '${{ secrets.NPM_TOKEN }}' });
	});
});

describe('a plain npm publish cannot skip the provenance release', () => {
	const manifest = JSON.parse(readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8'));

	test('npm publishes with provenance whatever the command line says (publishConfig)', () => {
		// Outside a CI that can vouch for the build, npm then refuses to publish.
		expect(manifest.publishConfig).toEqual({ provenance: true });
	});

	test('n8n’s guard refuses npm publish outside `npm run release` where scripts run (.npmrc skips them)', () => {
		expect(manifest.scripts.prepublishOnly).toBe('n8n-node prerelease');
		const env = { ...process.env, RELEASE_MODE: '' };
		const plain = spawnSync('npm', ['publish', '--dry-run', '--ignore-scripts=false'], {
			cwd: PACKAGE_DIR,
			encoding: 'utf8',
			env,
		});
		expect(plain.status).not.toBe(0);
		expect(plain.stdout + plain.stderr).toContain('n8n-node prerelease');
	}, 60_000);
});
