/**
 * Which requests the sandbox is handling at this moment (`sandbox.active`), for a test's virtual
 * clock (test/support/clock.mts), which moves time on only while none is: a request counts from
 * when it arrives until its answer is sent, except while it waits on the sandbox's clock
 * (latency, the pauses of a trickling body), on the test's `onRequest`, or for nothing at all
 * (a `hang` fault).
 */
export const activity = (sandbox) => async (ctx, next) => {
	const request = { ended: false };
	sandbox.active.add(request);
	const end = () => {
		request.ended = true;
		sandbox.active.delete(request);
	};
	ctx.res.once('finish', end);
	ctx.res.once('close', end);
	ctx.state.activity = request;
	await next();
};

/** Waits for `promise` without counting the request as handled meanwhile. */
export async function idleWhile(sandbox, ctx, promise) {
	const request = ctx.state.activity;
	sandbox.active.delete(request);
	try {
		return await promise;
	} finally {
		if (!request.ended) sandbox.active.add(request);
	}
}

/** The request waits for nothing from now on (a `hang`): only its connection's end ends it. */
export function idleForGood(sandbox, ctx) {
	sandbox.active.delete(ctx.state.activity);
}
