import { BadRequest, NotFound } from '@feathersjs/errors';

/** POST /vpaas/rooms/{roomId}/join: a participant's access token for the room. */
export class JoinService {
	constructor(rooms) {
		this.rooms = rooms;
	}

	async create(_data, params) {
		const { roomId } = params.route;
		if (roomId === '') throw new BadRequest('Missing room ID');
		const room = this.rooms.stored(roomId);
		// ASSUMPTION: the docs list no 404 for join; an unknown or ended room answers 404 here.
		if (!room || room.ended) throw new NotFound('Room not found or already ended');
		const now = this.rooms.settings.clock.now();
		return { accessToken: this.rooms.issueAccessToken(room, params, now) };
	}
}
