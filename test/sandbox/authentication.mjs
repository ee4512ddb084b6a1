/**
 * Reads `Authorization: Bearer <token>` into the service call's params, as @feathersjs/koa's
 * parseAuthentication() does for a JWT; hooks/authenticate.mjs checks it. Videsk's tokens are
 * `api-token`s made in its dashboard, not Feathers JWTs, so no authentication service parses them
 * here. The caller's address goes along too: each access token's authorization records it.
 */
export const parseApiToken = () => async (ctx, next) => {
	const accessToken = /^Bearer (.+)$/.exec(ctx.get('Authorization'))?.[1];
	ctx.feathers = {
		...ctx.feathers,
		...(accessToken !== undefined
			? { authentication: { strategy: 'api-token', accessToken } }
			: {}),
		ip: ctx.ip,
	};
	return next();
};
