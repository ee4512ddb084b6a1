import { idleForGood, idleWhile } from './activity.mjs';

/**
 * Answers a request that matches a fault (`sandbox.fault(...)`) as the fault says, in place of
 * Videsk: a status with a body and headers (a proxy's HTML page, a bare 502…), an answer that
 * never comes (`hang`), a connection cut mid-body (`reset`), or Videsk's own answer trickling
 * (`trickle`, see answers.mjs). `latencyMs` delays it first.
 */
export const faults = (sandbox) => async (ctx, next) => {
	const fault = takeFault(sandbox.faults, sandbox.requests.at(-1));
	if (fault?.latencyMs)
		await idleWhile(sandbox, ctx, sandbox.settings.clock.sleep(fault.latencyMs));
	if (fault?.kind === 'hang') {
		// Never answers; close() destroys the socket.
		ctx.respond = false;
		idleForGood(sandbox, ctx);
		return;
	}
	if (fault?.kind === 'reset') {
		ctx.respond = false;
		ctx.res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
		ctx.res.write('{"id":"');
		ctx.res.socket?.destroy();
		return;
	}
	if (fault?.kind === 'trickle') ctx.state.trickleMs = fault.intervalMs;
	if (fault?.status === undefined) return next();
	const isText = typeof fault.body === 'string';
	ctx.status = fault.status;
	ctx.set({
		'Content-Type': fault.contentType ?? (isText ? 'text/html' : 'application/json'),
		...fault.headers,
	});
	ctx.body = fault.body === undefined ? '' : isText ? fault.body : JSON.stringify(fault.body);
};

function takeFault(faults, entry) {
	const index = faults.findIndex((fault) => fault.matches(entry));
	if (index === -1) return undefined;
	const fault = faults[index];
	fault.remaining -= 1;
	if (fault.remaining <= 0) faults.splice(index, 1);
	return fault;
}
