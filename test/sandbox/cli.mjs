// `npm run sandbox`: the Videsk sandbox on 127.0.0.1, for trying the node by hand.
// Options: --port N (default 4010), --seed N (default 25), --token T, --max-page-size N.
import { parseArgs } from 'node:util';
import { startSandbox } from './server.mjs';

const { values } = parseArgs({
	options: {
		port: { type: 'string', default: '4010' },
		seed: { type: 'string', default: '25' },
		token: { type: 'string', default: 'sandbox-api-token' },
		'max-page-size': { type: 'string', default: '100' },
	},
});

const sandbox = await startSandbox({
	port: Number(values.port),
	seed: Number(values.seed),
	token: values.token,
	maxPageSize: Number(values['max-page-size']),
});
console.log(`Videsk sandbox listening on ${sandbox.url}`);
console.log(`API token: ${sandbox.token}   (seeded rooms: ${sandbox.rooms().length})`);
console.log('Press Ctrl-C to stop.');
process.on('SIGINT', () => void sandbox.close().then(() => process.exit(0)));
process.on('SIGTERM', () => void sandbox.close().then(() => process.exit(0)));
