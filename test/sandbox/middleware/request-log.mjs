import { Readable } from 'node:stream';
import { idleWhile } from './activity.mjs';

/**
 * Logs every request as it arrives (`sandbox.requests`), with its body, before anything answers
 * it; gives the answer its Date header; awaits the test's `onRequest`; then waits `latencyMs`.
 */
export const requestLog = (sandbox) => async (ctx, next) => {
	const { settings, requests } = sandbox;
	const headers = ctx.req.headers;
	const rawBody = await readBody(ctx);
	const [rawPath, rawQuery = ''] = ctx.url.split('?');
	const text = rawBody.toString('utf8');
	const entry = {
		number: requests.length + 1,
		receivedAt: settings.clock.now(),
		method: ctx.method,
		rawPath,
		path: safeDecode(rawPath),
		rawQuery,
		// Parsed as Feathers parses it (koa-qs), copied: the query validator coerces in place.
		query: structuredClone(ctx.query),
		headers,
		body: parseJson(text) ?? text,
	};
	requests.push(entry);
	ctx.res.once('finish', () => (entry.status = ctx.res.statusCode));
	setDate(ctx, settings, entry.number);
	await idleWhile(sandbox, ctx, sandbox.onRequest?.(entry));
	if (settings.latencyMs) await idleWhile(sandbox, ctx, settings.clock.sleep(settings.latencyMs));
	return next();
};

/**
 * The Date header on the sandbox's clock, `dateSkewMs` off it (a list: the `number`th request's
 * answer takes the next in turn); or none with `dateMissing` (Node's http server adds one to every
 * answer unless told not to).
 */
function setDate(ctx, { clock, dateSkewMs, dateMissing }, number) {
	if (dateMissing) {
		ctx.res.sendDate = false;
		return;
	}
	const skew = Array.isArray(dateSkewMs)
		? dateSkewMs[(number - 1) % dateSkewMs.length]
		: dateSkewMs;
	ctx.set('Date', new Date(clock.now() + skew).toUTCString());
}

/**
 * Reads the whole body, so that the log (and a fault's `match`) can see it before the answer,
 * and puts it back for Feathers' body parser: a stream with the request's headers and socket.
 */
async function readBody(ctx) {
	const original = ctx.req;
	const chunks = [];
	for await (const chunk of original) chunks.push(chunk);
	const body = Buffer.concat(chunks);
	const replay = Readable.from(body.length ? [body] : [], { objectMode: false });
	for (const field of ['headers', 'rawHeaders', 'method', 'url', 'httpVersion', 'socket']) {
		replay[field] = original[field];
	}
	ctx.req = ctx.request.req = ctx.response.req = replay;
	return body;
}

function parseJson(text) {
	if (text === '') return undefined;
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

function safeDecode(value) {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}
