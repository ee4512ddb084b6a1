import { StringEnum, Type, getValidator } from '@feathersjs/typebox';
import { queryValidator } from '../../validators.mjs';

/** GET /vpaas/rooms/{roomId}/stats?view=: Videsk's telemetry page names the three views. */
export const statsQuerySchema = Type.Object(
	{ view: Type.Optional(StringEnum(['report', 'snapshot', 'summary'])) },
	{ $id: 'StatsQuery', additionalProperties: false },
);
export const statsQueryValidator = getValidator(statsQuerySchema, queryValidator);
