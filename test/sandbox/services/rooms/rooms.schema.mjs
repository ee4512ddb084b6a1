// The rooms service's schemas, laid out as `npm create feathers` generates them (TypeBox): the
// room, the data a create takes, the data a patch takes, and the query a find takes.
import { resolve } from '@feathersjs/schema';
import { Type, getValidator, querySyntax } from '@feathersjs/typebox';
import { dataValidator, queryValidator } from '../../validators.mjs';
import { newObjectId } from './object-id.mjs';

const HOUR_MS = 3600 * 1000;
const dateTime = Type.String({ format: 'date-time' });

/**
 * The room as ../shared/videsk-docs/rooms-api.md shows it. ASSUMPTION: the docs' example shows
 * neither `ended` (the list filters on it, PATCH sets it) nor `createdAt` (the list sorts on it):
 * the sandbox returns both. `settings` is echoed back, which the docs leave open. `updatedAt`
 * only with the sandbox's `updatedAt` option (see rooms.class.mjs).
 */
export const roomSchema = Type.Object(
	{
		id: Type.String(),
		// ASSUMPTION: the docs give the limits in "characters" without saying how they are counted;
		// JSON Schema's maxLength (ajv) counts Unicode code points, as the node does.
		name: Type.String({ minLength: 1, maxLength: 500 }),
		externalId: Type.String({ minLength: 1, maxLength: 100 }),
		exp: dateTime,
		nbf: dateTime,
		ended: Type.Boolean(),
		settings: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
		authorizations: Type.Array(
			Type.Object({ ip: Type.String(), jti: Type.String(), createdAt: dateTime }),
		),
		createdAt: dateTime,
		updatedAt: Type.Optional(dateTime),
	},
	{ $id: 'Room', additionalProperties: false },
);
export const roomResolver = resolve({});
export const roomExternalResolver = resolve({});

/** POST /vpaas/rooms: every field optional. */
export const roomDataSchema = Type.Partial(
	Type.Pick(roomSchema, ['externalId', 'name', 'exp', 'nbf', 'settings']),
	{ $id: 'RoomData' },
);
export const roomDataValidator = getValidator(roomDataSchema, dataValidator);
/**
 * The documented defaults of a new room, at `params.now` (a seeded room's creation time) or the
 * sandbox's clock: nbf now, exp now + 3 h, and a generated name and externalId.
 */
export const roomDataResolver = resolve({
	properties: {},
	converter: async (data, context) => {
		const { settings } = context.app.get('sandbox');
		return newRoom(data, context.params.now ?? settings.clock.now(), settings);
	},
});

/**
 * A room made of a create's fields at `now` (ms), with the defaults. Its id is made on the
 * sandbox's clock even when `now` backdates a seeded room: Videsk sorts by `createdAt`, and a
 * test that hides it keeps the stored order, which ids made at seeding time agree with.
 */
export function newRoom(data, now, settings) {
	const id = newObjectId(settings.clock.now());
	return {
		id,
		name: data.name ?? `Room ${id.slice(-6)}`,
		externalId: data.externalId ?? `room-${id.slice(-12)}`,
		exp: new Date(data.exp ?? now + 3 * HOUR_MS).toISOString(),
		nbf: new Date(data.nbf ?? now).toISOString(),
		ended: false,
		...(data.settings !== undefined ? { settings: data.settings } : {}),
		authorizations: [],
		createdAt: new Date(now).toISOString(),
		...(settings.updatedAt ? { updatedAt: new Date(now).toISOString() } : {}),
	};
}

/** PATCH /vpaas/rooms/{roomId}: the documented fields, and `generateToken`, which is no room field. */
export const roomPatchSchema = Type.Partial(
	Type.Intersect([
		Type.Pick(roomSchema, ['name', 'exp', 'nbf', 'ended']),
		Type.Object({ generateToken: Type.Boolean() }),
	]),
	{ $id: 'RoomPatch', additionalProperties: false },
);
export const roomPatchValidator = getValidator(roomPatchSchema, dataValidator);
export const roomPatchResolver = resolve({});

/**
 * The fields a find can filter and sort on. `lenient`: every room field that holds one value (a
 * generated app's query schema picks the schema's fields); `strict`: only the documented ones,
 * `ended` and `externalId` to filter, `createdAt` to sort, so that any other is a 400.
 */
const queryFields = {
	lenient: ['id', 'name', 'externalId', 'exp', 'nbf', 'ended', 'createdAt', 'updatedAt'],
	strict: ['ended', 'externalId', 'createdAt'],
};
const roomQuerySchema = (fields, $id) =>
	Type.Intersect(
		[querySyntax(Type.Pick(roomSchema, fields)), Type.Object({}, { additionalProperties: false })],
		{ $id, additionalProperties: false },
	);
export const roomQueryValidators = {
	lenient: getValidator(roomQuerySchema(queryFields.lenient, 'RoomQuery'), queryValidator),
	strict: getValidator(roomQuerySchema(queryFields.strict, 'RoomQueryStrict'), queryValidator),
};
export const roomQueryResolver = resolve({});
