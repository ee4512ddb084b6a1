import { idleWhile } from './activity.mjs';

/**
 * A trickling answer (`trickleMs`, or a `trickle` fault's `intervalMs`): its status and headers
 * at once, then its body one byte every interval, as a server or proxy stalling mid-body sends
 * it. Otherwise Koa answers at once.
 */
export const answers = (sandbox) => async (ctx, next) => {
	await next();
	const intervalMs = ctx.state.trickleMs ?? sandbox.settings.trickleMs;
	if (!intervalMs || ctx.respond === false) return;
	const body = toBytes(ctx.body);
	ctx.respond = false;
	const { res } = ctx;
	res.statusCode = ctx.status;
	res.setHeader('Content-Length', String(body.length));
	res.flushHeaders();
	for (const byte of body) {
		await idleWhile(sandbox, ctx, sandbox.settings.clock.sleep(intervalMs));
		if (res.destroyed) return;
		res.write(Buffer.of(byte));
	}
	res.end();
};

/** The body as Koa would send it. */
function toBytes(body) {
	if (body === undefined || body === null) return Buffer.alloc(0);
	if (Buffer.isBuffer(body)) return body;
	return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
}
