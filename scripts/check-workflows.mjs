// Checks the GitHub Actions workflows (.github/workflows/*.yml, or the files given) against
// SchemaStore's GitHub workflow schema, the one editors and GitHub's own tooling use. The
// schema is kept beside this script (github-workflow.schema.json, from SchemaStore/schemastore
// src/schemas/json/github-workflow.json at commit 7c910423d, Apache-2.0), so the check runs
// offline; to update it, copy that file from a newer SchemaStore commit and note the commit here.
// Prints every violation and exits 1 if there is any.
import Ajv from 'ajv';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const here = path.dirname(fileURLToPath(import.meta.url));
const workflowsDir = path.join(here, '..', '.github', 'workflows');
const files = process.argv.slice(2);
if (files.length === 0) {
	for (const name of readdirSync(workflowsDir)) {
		if (/\.ya?ml$/.test(name)) files.push(path.join(workflowsDir, name));
	}
	if (files.length === 0) throw new Error(`no workflow files in ${workflowsDir}`);
}

// Not strict: SchemaStore writes its schemas for every validator, not to Ajv's strict style.
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(
	JSON.parse(readFileSync(path.join(here, 'github-workflow.schema.json'), 'utf8')),
);

let failed = 0;
for (const file of files) {
	const name = path.relative(process.cwd(), file);
	let problems;
	try {
		problems = validate(parse(readFileSync(file, 'utf8')))
			? []
			: validate.errors.map(
					(error) =>
						`${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`,
				);
	} catch (error) {
		problems = [`not valid YAML: ${error.message}`];
	}
	console.log(`${problems.length ? '✗' : '✓'} ${name}`);
	for (const problem of problems) console.log(`    ${problem}`);
	if (problems.length) failed += 1;
}
process.exit(failed ? 1 : 0);
