import { BadRequest, NotFound } from '@feathersjs/errors';

/** GET /vpaas/rooms/{roomId}/stats: a room's telemetry, in the view the query names. */
export class StatsService {
	constructor(rooms) {
		this.rooms = rooms;
	}

	async find(params) {
		const { roomId } = params.route;
		if (roomId === '') throw new BadRequest('Missing room ID');
		const room = this.rooms.stored(roomId);
		if (!room) throw new NotFound(`Room "${roomId}" not found`);
		return roomStats(room, params.query.view ?? 'report');
	}
}

/**
 * ASSUMPTION: Videsk's telemetry page names the three views and what they hold, but gives no
 * schema. These bodies are plausible stand-ins so that the node can be tested; the node passes
 * whatever Videsk returns through unchanged.
 */
function roomStats(room, view) {
	const peers = room.authorizations.map((authorization) => authorization.jti);
	switch (view) {
		case 'report':
			return {
				roomId: room.id,
				view,
				qualityScore: 87,
				metrics: { averageRttMs: 84, packetLossPercent: 0.4, averageBitrateKbps: 1450 },
				patterns: ['stable-network'],
				recommendations: ['No action needed'],
			};
		case 'snapshot':
			return {
				roomId: room.id,
				view,
				live: !room.ended,
				peers: peers.length,
				rttMs: 90,
				packetLossPercent: 0.5,
			};
		case 'summary':
			return {
				roomId: room.id,
				view,
				perPeer: peers.map((peer) => ({ peer, minutes: 12, averageRttMs: 80 })),
				perMinute: [{ minute: 0, peers: peers.length, averageRttMs: 82 }],
			};
	}
}
