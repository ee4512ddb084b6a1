// Ajv instances as `npm create feathers` generates them (src/validators.ts): one for data, one
// for queries that coerces the query string's texts ("10", "true") to the schema's types.
import { Ajv, addFormats } from '@feathersjs/schema';

const formats = [
	'date-time',
	'time',
	'date',
	'email',
	'hostname',
	'ipv4',
	'ipv6',
	'uri',
	'uri-reference',
	'uuid',
	'uri-template',
	'json-pointer',
	'relative-json-pointer',
	'regex',
];

export const dataValidator = addFormats(new Ajv({}), formats);

export const queryValidator = addFormats(new Ajv({ coerceTypes: true }), formats);
