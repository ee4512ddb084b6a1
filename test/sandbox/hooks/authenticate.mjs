import { Forbidden, NotAuthenticated } from '@feathersjs/errors';

/**
 * Every external call needs the sandbox's `token`; internal calls (no provider) need none, as with
 * Feathers' own authenticate hook. `expiredToken` answers as Feathers does for an expired JWT;
 * `forbiddenToken` as for a token whose IP allow-list leaves this machine out.
 */
export const authenticate = async (context, next) => {
	const { provider, authentication } = context.params;
	if (provider) {
		const { settings } = context.app.get('sandbox');
		const token = authentication?.accessToken;
		if (token !== undefined && token === settings.expiredToken) {
			throw new NotAuthenticated('jwt expired', { name: 'TokenExpiredError' });
		}
		if (token !== undefined && token === settings.forbiddenToken) {
			throw new Forbidden('Insufficient permissions');
		}
		if (token !== settings.token) throw new NotAuthenticated('Invalid authentication information');
	}
	return next();
};
