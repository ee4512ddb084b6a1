// Servers that Videsk's docs allow, as sets of the sandbox's options (README.md says where each
// comes from). A test runs over them to hold whichever Videsk turns out to be.

/** A freshly generated Feathers 5 app: the sandbox's defaults. */
const feathers5 = {};

export const VARIANTS = {
	feathers5,
	/** Feathers 4 on Express with Mongoose: ids decoded from the path, details in `errors`. */
	feathers4: { pathIds: 'decoded', validationDetails: 'errors' },
	/** A query schema with only the documented fields: other filters and sorts are a 400. */
	strict: { querySchema: 'strict' },
	/** MongoDB's order for ties; a path's text looked up as an externalId first. */
	mongo: { ties: 'shuffled', idResolution: 'externalId-first' },
	/** A `paginate.max` under the documented 100. */
	smallPages: { maxPageSize: 25 },
	/** Videsk's clock a minute and a half ahead of this machine's, or behind it, in its Date. */
	clockAhead: { dateSkewMs: 90_000 },
	clockBehind: { dateSkewMs: -90_000 },
	/** No Date header at all. */
	noDate: { dateMissing: true },
};

/** Every option at its hardest for a client at once. */
export const STRICTEST = {
	pathIds: 'raw',
	querySchema: 'strict',
	validationDetails: 'data',
	ties: 'shuffled',
	idResolution: 'externalId-first',
	maxPageSize: 25,
	dateMissing: true,
};
