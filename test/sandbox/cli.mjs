// `npm run sandbox`: the Videsk sandbox on 127.0.0.1, for trying the node by hand.
// Options: --port N (default 4010), --seed N (default 25), --token T, --max-page-size N,
// --variant NAME (one of VARIANTS, or strictest), and one flag per option of the matrix
// (README.md): --path-ids, --query-schema, --validation-details, --ties, --id-resolution,
// --date-skew-ms, --date-missing, --latency-ms, --trickle-ms.
import { parseArgs } from 'node:util';
import { STRICTEST, VARIANTS, startSandbox } from './server.mjs';

const { values } = parseArgs({
	options: {
		port: { type: 'string', default: '4010' },
		seed: { type: 'string', default: '25' },
		token: { type: 'string', default: 'sandbox-api-token' },
		'max-page-size': { type: 'string' },
		variant: { type: 'string', default: 'feathers5' },
		'path-ids': { type: 'string' },
		'query-schema': { type: 'string' },
		'validation-details': { type: 'string' },
		ties: { type: 'string' },
		'id-resolution': { type: 'string' },
		'date-skew-ms': { type: 'string' },
		'date-missing': { type: 'boolean' },
		'latency-ms': { type: 'string' },
		'trickle-ms': { type: 'string' },
	},
});

const variant = values.variant === 'strictest' ? STRICTEST : VARIANTS[values.variant];
if (!variant) {
	console.error(`Unknown variant "${values.variant}": ${[...Object.keys(VARIANTS), 'strictest']}`);
	process.exit(1);
}
const number = (text) => (text === undefined ? undefined : Number(text));
const given = Object.fromEntries(
	Object.entries({
		maxPageSize: number(values['max-page-size']),
		pathIds: values['path-ids'],
		querySchema: values['query-schema'],
		validationDetails: values['validation-details'],
		ties: values.ties,
		idResolution: values['id-resolution'],
		dateSkewMs: number(values['date-skew-ms']),
		dateMissing: values['date-missing'],
		latencyMs: number(values['latency-ms']),
		trickleMs: number(values['trickle-ms']),
	}).filter(([, value]) => value !== undefined),
);

const sandbox = await startSandbox({
	...variant,
	...given,
	port: Number(values.port),
	seed: Number(values.seed),
	token: values.token,
});
console.log(`Videsk sandbox (${values.variant}) listening on ${sandbox.url}`);
console.log(`API token: ${sandbox.token}   (seeded rooms: ${sandbox.rooms().length})`);
console.log('Press Ctrl-C to stop.');
process.on('SIGINT', () => void sandbox.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
