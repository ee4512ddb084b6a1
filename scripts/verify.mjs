// `npm run verify`: what n8n checks before it lists a community package as verified.
// 1. n8n's scanner (@n8n/scan-community-package) the way n8n runs it on a published package:
//    its rules on the source (package.json, nodes/, credentials/) and on the package as
//    published (the `npm pack` tarball, unpacked: its compiled .js and package.json). The
//    scanner's command line only scans packages already on the registry and exits 0 when it
//    finds violations, so this calls its exported analysis instead.
// 2. The metadata n8n's reviewers check by hand: one GitHub repository behind repository,
//    homepage and bugs; strict mode; every node, credential and icon file the package names is
//    in the tarball; every documentation link points at a section of the README.
// Prints every violation and exits 1 if there is any.
// Usage: node scripts/verify.mjs [packageDir]  (default: this project, after `npm run build`)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SCANNER = '@n8n/scan-community-package';
const require = createRequire(import.meta.url);
const scannerPackage = require.resolve(`${SCANNER}/package.json`);
// The scanner makes a temporary folder when loaded and removes it only on a graceful cleanup.
createRequire(scannerPackage)('tmp').setGracefulCleanup();
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import(`${SCANNER}/scanner/scanner.mjs`);
const scannerVersion = JSON.parse(readFileSync(scannerPackage, 'utf8')).version;

const packageDir = path.resolve(
	process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..'),
);
const failures = [];

function report(title, problems) {
	console.log(`::: ${title}`);
	for (const problem of problems) console.log(`  ✗ ${problem.trimEnd()}`);
	if (problems.length === 0) console.log('  ✓ passed');
	failures.push(...problems);
}

async function scan(title, dir, patterns) {
	const result = await analyzePackage(dir, patterns);
	report(title, result.passed ? [] : [`${result.message}\n${result.details ?? ''}`]);
}

/** `npm pack`, unpacked as n8n unpacks it (`tar --strip-components=1`). */
function packAndUnpack(workDir) {
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir], {
			cwd: packageDir,
			encoding: 'utf8',
		}),
	);
	const unpacked = path.join(workDir, 'unpacked');
	mkdirSync(unpacked);
	execFileSync('tar', ['-xzf', packed.filename, '-C', unpacked, '--strip-components=1'], {
		cwd: workDir,
	});
	return { packed, unpacked };
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function readmeAnchors(readme) {
	return new Set(
		[...readme.matchAll(/^#{1,6} +(.+?) *#*$/gm)].map(([, heading]) =>
			heading
				.toLowerCase()
				.replace(/[^\p{L}\p{N}\s_-]/gu, '')
				.replace(/ /g, '-'),
		),
	);
}

function githubRepository(url) {
	return /github\.com[/:]([\w.-]+\/[\w.-]+?)(?:\.git)?(?:[/#].*)?$/.exec(url ?? '')?.[1];
}

/** Metadata checks on the unpacked tarball; each problem names the field and the fix. */
function metadataProblems(dir, files) {
	const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
	const problems = [];
	const repository = githubRepository(manifest.repository?.url);
	if (!repository) problems.push('repository.url: not a GitHub repository URL');
	for (const [field, url] of [
		['homepage', manifest.homepage],
		['bugs.url', manifest.bugs?.url ?? manifest.homepage],
	]) {
		if (githubRepository(url) !== repository)
			problems.push(`${field}: "${url}" is not the repository ${repository}`);
	}
	if (!manifest.author?.name || !manifest.author?.email)
		problems.push('author: needs a name and an email (n8n matches them with npm)');
	if (manifest.n8n?.strict !== true)
		problems.push('n8n.strict: must be true (n8n-node lint then enforces its default rules)');

	const shipped = new Set(files);
	for (const file of [...(manifest.n8n?.nodes ?? []), ...(manifest.n8n?.credentials ?? [])]) {
		if (!shipped.has(file)) problems.push(`n8n: ${file} is not in the package`);
	}
	const readme = existsSync(path.join(dir, 'README.md'))
		? readFileSync(path.join(dir, 'README.md'), 'utf8')
		: '';
	const anchors = readmeAnchors(readme);
	const documentation = `${manifest.homepage}#`;
	const checkLink = (file, url) => {
		if (!url.startsWith(documentation)) {
			problems.push(`${file}: documentation link ${url} is not a section of ${manifest.homepage}`);
		} else if (!anchors.has(url.slice(documentation.length))) {
			problems.push(`${file}: documentation link ${url} has no matching README heading`);
		}
	};
	for (const file of files) {
		const text = readFileSync(path.join(dir, file), 'utf8');
		if (file.endsWith('.node.json')) {
			const resources = JSON.parse(text).resources ?? {};
			for (const link of Object.values(resources).flat()) checkLink(file, link.url);
		} else if (file.endsWith('.js')) {
			for (const [, url] of text.matchAll(/documentationUrl\s*=\s*['"]([^'"]+)['"]/g))
				checkLink(file, url);
			for (const [, icon] of text.matchAll(/['"]file:([^'"]+)['"]/g)) {
				const iconFile = path.posix.join(path.posix.dirname(file), icon);
				if (!shipped.has(iconFile))
					problems.push(`${file}: icon ${iconFile} is not in the package`);
			}
		}
	}
	return problems;
}

const workDir = mkdtempSync(path.join(tmpdir(), 'videsk-verify-'));
try {
	await scan(
		`n8n scanner ${scannerVersion}, source (${SOURCE_FILE_PATTERNS.join(', ')}) in ${packageDir}`,
		packageDir,
		SOURCE_FILE_PATTERNS,
	);
	const { packed, unpacked } = packAndUnpack(workDir);
	const files = packed.files.map((file) => file.path);
	await scan(
		`n8n scanner ${scannerVersion}, the packed package ${packed.filename} (${files.length} files): its .js and package.json`,
		unpacked,
		['**/*.js', 'package.json'],
	);
	report(`package metadata of ${packed.filename}`, metadataProblems(unpacked, files));
} finally {
	rmSync(workDir, { recursive: true, force: true });
}

if (failures.length > 0) {
	console.log('\nverify: failed; the package would not pass n8n’s checks (see ✗ above).');
	process.exit(1);
}
console.log('\nverify: the package passes n8n’s scanner and metadata checks.');
