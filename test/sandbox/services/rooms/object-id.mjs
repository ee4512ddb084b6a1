import { randomBytes } from 'node:crypto';

let counter = 0;

/**
 * An id shaped as MongoDB's ObjectId, which Videsk's rooms carry: 24 hex digits, the first 8 the
 * second it was made in (`now`, ms), then 4 random bytes and a counter, as MongoDB's driver does.
 */
export function newObjectId(now) {
	counter += 1;
	const second = Math.floor(now / 1000)
		.toString(16)
		.padStart(8, '0');
	return second + randomBytes(4).toString('hex') + counter.toString(16).padStart(8, '0');
}
