import { hooks as schemaHooks } from '@feathersjs/schema';
import { StatsService } from './stats.class.mjs';
import { statsQueryValidator } from './stats.schema.mjs';

export const statsPath = 'vpaas/rooms/:roomId/stats';

export const stats = (app) => {
	app.use(statsPath, new StatsService(app.service('vpaas/rooms')), {
		methods: ['find'],
		events: [],
	});
	app.service(statsPath).hooks({
		before: { find: [schemaHooks.validateQuery(statsQueryValidator)] },
	});
};
