import { createHmac, randomUUID } from 'node:crypto';

const base64url = (value) => Buffer.from(value).toString('base64url');
const toSeconds = (iso) => Math.floor(Date.parse(iso) / 1000);

/**
 * Issues a participant's access token for `room` and adds its entry to the room's
 * `authorizations`, as the docs say each token issued does. ASSUMPTION: the docs give neither the
 * claims nor the lifetime; this is JWT-shaped (HS256, as the docs say), signed with `secret`.
 */
export function issueAccessToken(room, { ip, now, secret }) {
	const jti = randomUUID();
	room.authorizations.push({ ip, jti, createdAt: new Date(now).toISOString() });
	const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
	const payload = base64url(
		JSON.stringify({ room: room.id, jti, nbf: toSeconds(room.nbf), exp: toSeconds(room.exp) }),
	);
	const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
	return `${header}.${payload}.${base64url(signature)}`;
}
