import type { Advice } from '../transport/errors';

/** Videsk's 404 on PATCH and join: "not found or already ended". */
export const roomNotOpen = (target: string): Advice => ({
	message: `Videsk found no open ${target}: it does not exist or has already ended`,
	description:
		'Videsk only changes or joins rooms that exist and have not ended. Use "Get" to check the room, or "Create" a new one.',
});
