// Registers the rooms service at vpaas/rooms with its hooks, as a generated service does.
import { hooks as schemaHooks } from '@feathersjs/schema';
import { RoomService } from './rooms.class.mjs';
import {
	roomDataResolver,
	roomDataValidator,
	roomExternalResolver,
	roomPatchResolver,
	roomPatchValidator,
	roomQueryResolver,
	roomQueryValidators,
	roomResolver,
} from './rooms.schema.mjs';

export const roomPath = 'vpaas/rooms';
export const roomMethods = ['find', 'get', 'create', 'patch', 'remove'];

export const room = (app) => {
	const sandbox = app.get('sandbox');
	app.use(
		roomPath,
		new RoomService(
			{
				// The docs: `$limit` 1–100, default 10; the maximum is the sandbox's `maxPageSize`,
				// read on every query (tests change it).
				paginate: {
					default: 10,
					get max() {
						return sandbox.settings.maxPageSize;
					},
				},
			},
			sandbox,
		),
		{ methods: roomMethods, events: [] },
	);
	app.service(roomPath).hooks({
		around: {
			all: [
				schemaHooks.resolveExternal(roomExternalResolver),
				schemaHooks.resolveResult(roomResolver),
			],
		},
		before: {
			all: [
				// The query schema the sandbox's `querySchema` names, at the time of the request.
				schemaHooks.validateQuery((query) =>
					roomQueryValidators[sandbox.settings.querySchema](query),
				),
				schemaHooks.resolveQuery(roomQueryResolver),
			],
			create: [
				schemaHooks.validateData(roomDataValidator),
				schemaHooks.resolveData(roomDataResolver),
			],
			patch: [
				schemaHooks.validateData(roomPatchValidator),
				schemaHooks.resolveData(roomPatchResolver),
			],
		},
	});
};
