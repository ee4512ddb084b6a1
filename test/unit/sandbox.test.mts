// The sandbox follows ../shared/videsk-docs/rooms-api.md, so the node's tests can trust it.
import { describe, expect, test } from 'vitest';
import { inHours, useSandbox } from '../support/helpers.mjs';

const sandbox = useSandbox();

async function call(method: string, path: string, body?: unknown, token = sandbox().token) {
	const response = await fetch(sandbox().url + path, {
		method,
		headers: {
			...(token ? { Authorization: `Bearer ${token}` } : {}),
			...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
		},
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	let json: any;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, headers: response.headers, json, text };
}

describe('authentication', () => {
	test('a missing or wrong token is 401 NotAuthenticated in Feathers shape', async () => {
		for (const token of ['', 'wrong']) {
			const { status, json } = await call('GET', '/vpaas/rooms', undefined, token);
			expect(status).toBe(401);
			expect(json).toMatchObject({
				name: 'NotAuthenticated',
				code: 401,
				className: 'not-authenticated',
			});
			expect(typeof json.message).toBe('string');
		}
	});

	test('an expired token is 401 "jwt expired"; a forbidden token is 403', async () => {
		Object.assign(sandbox().settings, { expiredToken: 'old', forbiddenToken: 'blocked-ip' });
		expect((await call('GET', '/vpaas/rooms', undefined, 'old')).json).toMatchObject({
			code: 401,
			message: 'jwt expired',
		});
		expect((await call('GET', '/vpaas/rooms', undefined, 'blocked-ip')).json).toMatchObject({
			name: 'Forbidden',
			code: 403,
		});
	});
});

describe('list', () => {
	test('defaults to 10 per page, clamps $limit silently, reports total, limit and skip', async () => {
		sandbox().seed(120);
		const first = await call('GET', '/vpaas/rooms');
		expect(first.json).toMatchObject({ total: 120, limit: 10, skip: 0 });
		expect(first.json.data).toHaveLength(10);
		const clamped = await call('GET', '/vpaas/rooms?$limit=500&$skip=50');
		expect(clamped.json).toMatchObject({ total: 120, limit: 100, skip: 50 });
		expect(clamped.json.data).toHaveLength(70);
		sandbox().settings.maxPageSize = 30;
		expect((await call('GET', '/vpaas/rooms?$limit=100')).json.data).toHaveLength(30);
	});

	test('sorts in Feathers bracket form and filters by ended and externalId', async () => {
		sandbox().seed(5);
		sandbox().end('seed-2');
		const newestFirst = await call('GET', '/vpaas/rooms?%24sort%5BcreatedAt%5D=-1');
		expect(newestFirst.json.data.map((r: any) => r.externalId)).toEqual([
			'seed-5',
			'seed-4',
			'seed-3',
			'seed-2',
			'seed-1',
		]);
		const ended = await call('GET', '/vpaas/rooms?ended=true');
		expect(ended.json.data.map((r: any) => r.externalId)).toEqual(['seed-2']);
		const byExternalId = await call('GET', '/vpaas/rooms?externalId=seed-4');
		expect(byExternalId.json).toMatchObject({ total: 1, data: [{ externalId: 'seed-4' }] });
	});
});

describe('create', () => {
	test('applies the documented defaults and returns the room with an access token', async () => {
		const before = Date.now();
		const { status, json } = await call('POST', '/vpaas/rooms', {});
		expect(status).toBe(201);
		expect(json.id).toMatch(/^[0-9a-f]{24}$/);
		expect(json.name).toBeTruthy();
		expect(json.externalId).toBeTruthy();
		expect(Date.parse(json.nbf)).toBeGreaterThanOrEqual(before - 1000);
		expect(Date.parse(json.exp) - Date.parse(json.nbf)).toBe(3 * 3600 * 1000);
		expect(json.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
		expect(json.authorizations).toHaveLength(1);
	});

	test('validates lengths and dates (400) and rejects a duplicate externalId (409)', async () => {
		const cases = [
			{ name: 'x'.repeat(501) },
			{ externalId: 'x'.repeat(101) },
			{ exp: new Date(Date.now() - 1000).toISOString() },
			{ nbf: inHours(2), exp: inHours(1) },
			{ nbf: inHours(0), exp: inHours(73) },
			{ settings: 'not an object' },
		];
		for (const body of cases) {
			const { status, json } = await call('POST', '/vpaas/rooms', body);
			expect(status, JSON.stringify(body)).toBe(400);
			expect(json).toMatchObject({ name: 'BadRequest', code: 400 });
		}
		expect(
			(await call('POST', '/vpaas/rooms', { name: 'x'.repeat(500), externalId: 'y'.repeat(100) }))
				.status,
		).toBe(201);
		expect((await call('POST', '/vpaas/rooms', { externalId: 'dup' })).status).toBe(201);
		const duplicate = await call('POST', '/vpaas/rooms', { externalId: 'dup' });
		expect(duplicate.status).toBe(409);
		expect(duplicate.json).toMatchObject({ name: 'Conflict', code: 409, className: 'conflict' });
	});
});

describe('one room', () => {
	test('get, update and join work by id or externalId; an encoded "/" stays in one segment', async () => {
		// Decoded path ids (Feathers 4): under the default, raw ones, see "path ids" below.
		sandbox().settings.pathIds = 'decoded';
		const created = (await call('POST', '/vpaas/rooms', { externalId: 'a/b' })).json;
		expect((await call('GET', `/vpaas/rooms/${created.id}`)).json.externalId).toBe('a/b');
		expect((await call('GET', '/vpaas/rooms/a%2Fb')).json.id).toBe(created.id);
		expect((await call('GET', '/vpaas/rooms/a/b')).status).toBe(404);
		const updated = await call('PATCH', '/vpaas/rooms/a%2Fb', { name: 'New', generateToken: true });
		expect(updated.json).toMatchObject({ name: 'New' });
		expect(updated.json.accessToken).toBeTruthy();
		const joined = await call('POST', `/vpaas/rooms/${created.id}/join`, {});
		expect(Object.keys(joined.json)).toEqual(['accessToken']);
		expect((await call('GET', `/vpaas/rooms/${created.id}`)).json.authorizations).toHaveLength(3);
	});

	test('an ended room cannot be updated (404 "not found or already ended"); unknown rooms are 404', async () => {
		await call('POST', '/vpaas/rooms', { externalId: 'r1' });
		expect((await call('PATCH', '/vpaas/rooms/r1', { ended: true })).json.ended).toBe(true);
		const again = await call('PATCH', '/vpaas/rooms/r1', { ended: true });
		expect(again.status).toBe(404);
		expect(again.json.message).toMatch(/not found or already ended/);
		expect((await call('GET', '/vpaas/rooms/nope')).json).toMatchObject({
			name: 'NotFound',
			code: 404,
		});
	});

	test('DELETE is always 403 with the documented body', async () => {
		await call('POST', '/vpaas/rooms', { externalId: 'r1' });
		for (const id of ['r1', 'unknown']) {
			const { status, json } = await call('DELETE', `/vpaas/rooms/${id}`);
			expect(status).toBe(403);
			expect(json).toEqual({
				name: 'Forbidden',
				message: 'Not allowed',
				code: 403,
				className: 'forbidden',
			});
		}
	});
});

describe('knobs for tests', () => {
	test('rate limit: 429 with Retry-After and RateLimit-* headers past the limit', async () => {
		sandbox().settings.rateLimit = { perSecond: 3 };
		const statuses = [];
		let limited;
		for (let i = 0; i < 5; i++) {
			const response = await call('GET', '/vpaas/rooms');
			statuses.push(response.status);
			if (response.status === 429) limited = response;
		}
		expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
		expect(statuses.slice(3)).toEqual([429, 429]);
		expect(limited!.json).toMatchObject({ name: 'TooManyRequests', code: 429 });
		expect(limited!.headers.get('retry-after')).toMatch(/^\d+$/);
		expect(limited!.headers.get('ratelimit-limit')).toBe('3');
		expect(limited!.headers.get('ratelimit-remaining')).toBe('0');
	});

	test('faults: a status with an HTML body on the n-th request, then normal answers; a log of requests', async () => {
		sandbox().fault({ nth: 2, status: 502, body: '<html><body>Bad gateway</body></html>' });
		expect((await call('GET', '/vpaas/rooms')).status).toBe(200);
		const faulty = await call('GET', '/vpaas/rooms?$limit=1');
		expect(faulty.status).toBe(502);
		expect(faulty.text).toContain('Bad gateway');
		expect((await call('GET', '/vpaas/rooms')).status).toBe(200);
		expect(sandbox().requests.map((r) => [r.method, r.rawPath, r.query])).toEqual([
			['GET', '/vpaas/rooms', {}],
			['GET', '/vpaas/rooms', { $limit: '1' }],
			['GET', '/vpaas/rooms', {}],
		]);
		expect(sandbox().requests[0].headers.authorization).toBe(`Bearer ${sandbox().token}`);
	});
});
