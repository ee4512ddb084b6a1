import { JoinService } from './join.class.mjs';

export const joinPath = 'vpaas/rooms/:roomId/join';

export const join = (app) => {
	app.use(joinPath, new JoinService(app.service('vpaas/rooms')), {
		methods: ['create'],
		events: [],
	});
	app.service(joinPath).hooks({
		after: {
			// The docs answer join with 200, where a Feathers `create` answers 201.
			create: [
				(context) => {
					context.http.status = 200;
				},
			],
		},
	});
};
