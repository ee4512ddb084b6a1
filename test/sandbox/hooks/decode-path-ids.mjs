/**
 * `pathIds: 'decoded'`: a room's id or externalId in the path reaches the service decoded
 * (`abc%40google.com` → `abc@google.com`), as Express decodes route parameters under Feathers 4.
 * Feathers 5's Koa router hands over the segment as it came (feathersjs/feathers#2563); the
 * sandbox's default, `raw`, leaves it so.
 */
export const decodePathIds = async (context, next) => {
	if (context.app.get('sandbox').settings.pathIds === 'decoded') {
		if (typeof context.id === 'string') context.id = safeDecode(context.id);
		const route = context.params.route ?? {};
		context.params = {
			...context.params,
			route: Object.fromEntries(
				Object.entries(route).map(([name, value]) => [name, safeDecode(value)]),
			),
		};
	}
	return next();
};

function safeDecode(value) {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}
