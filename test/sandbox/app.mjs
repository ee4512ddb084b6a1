// The sandbox's Feathers 5 application, laid out as `npm create feathers` generates one (Koa,
// REST, TypeBox schemas). In front of it, Koa middleware plays what lies between a client and
// Videsk's service: the request log, latency and faults, the rate limit, a trickling answer; and
// keeps count of the requests being handled, for tests on a virtual clock.
import { feathers } from '@feathersjs/feathers';
import { bodyParser, errorHandler, koa, rest } from '@feathersjs/koa';
import { parseApiToken } from './authentication.mjs';
import { authenticate } from './hooks/authenticate.mjs';
import { decodePathIds } from './hooks/decode-path-ids.mjs';
import { validationDetails } from './hooks/validation-details.mjs';
import { activity } from './middleware/activity.mjs';
import { answers } from './middleware/answers.mjs';
import { faults } from './middleware/faults.mjs';
import { rateLimit } from './middleware/rate-limit.mjs';
import { requestLog } from './middleware/request-log.mjs';
import { services } from './services/index.mjs';

/**
 * `sandbox`: the state the sandbox shares with its tests: `settings` (read on every request),
 * `requests`, `faults`, `windows` (the rate limit's), `onRequest`, `secret` (access tokens'), and
 * `active` (the requests being handled, activity.mjs).
 */
export function createApp(sandbox) {
	const app = koa(feathers());
	app.set('sandbox', sandbox);

	app.use(activity(sandbox));
	app.use(answers(sandbox));
	app.use(requestLog(sandbox));
	app.use(faults(sandbox));
	app.use(errorHandler());
	app.use(rateLimit(sandbox));
	app.use(parseApiToken());
	app.use(bodyParser());

	app.configure(rest());
	app.configure(services);

	app.hooks({
		around: {
			all: [validationDetails, authenticate, decodePathIds],
		},
	});
	return app;
}
