import { TooManyRequests } from '@feathersjs/errors';

/**
 * ASSUMPTION: Videsk's docs say only "about 20 requests per second per token", `RateLimit-*`
 * headers, and maybe `Retry-After` on a 429. This limits like express-rate-limit, common in
 * Express/Feathers APIs: a fixed one-second window per token that starts with the window's
 * first request; every request counts, refused ones too. Variants of the headers, since the
 * node must cope with each: `reset` 'seconds' (whole seconds until the window ends, rounded
 * up: express-rate-limit's), 'fractional' (exact seconds, e.g. 0.347) or 'epoch' (Unix time
 * in whole seconds, rounded up); `headers: false` sends no `RateLimit-*`, `retryAfter: false`
 * no `Retry-After`. `clockAheadMs`: Videsk's clock that far ahead of this machine's, in its
 * `Date` header and its Unix-time `RateLimit-Reset`. The 429 is Feathers' TooManyRequests.
 */
export const rateLimit = (sandbox) => async (ctx, next) => {
	const { settings, windows } = sandbox;
	if (!settings.rateLimit) return next();
	const {
		perSecond,
		retryAfter = true,
		reset = 'seconds',
		headers = true,
		clockAheadMs = 0,
	} = settings.rateLimit;
	const token = /^Bearer (.+)$/.exec(ctx.get('Authorization'))?.[1] ?? '';
	const now = settings.clock.now();
	if (clockAheadMs && !settings.dateMissing) {
		ctx.set('Date', new Date(now + clockAheadMs).toUTCString());
	}
	let window = windows.get(token);
	if (window === undefined || now - window.startedAt >= 1000) {
		window = { startedAt: now, count: 0 };
		windows.set(token, window);
	}
	window.count += 1;
	const endsAt = window.startedAt + 1000;
	const wholeSeconds = String(Math.max(1, Math.ceil((endsAt - now) / 1000)));
	if (headers) {
		ctx.set({
			'RateLimit-Limit': String(perSecond),
			'RateLimit-Remaining': String(Math.max(perSecond - window.count, 0)),
			'RateLimit-Reset': {
				seconds: wholeSeconds,
				fractional: String((endsAt - now) / 1000),
				epoch: String(Math.ceil((endsAt + clockAheadMs) / 1000)),
			}[reset],
		});
	}
	if (window.count <= perSecond) return next();
	if (retryAfter) ctx.set('Retry-After', wholeSeconds);
	throw new TooManyRequests('Too many requests, please slow down');
};
