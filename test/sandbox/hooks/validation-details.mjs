import { BadRequest } from '@feathersjs/errors';

/**
 * `validationDetails: 'errors'`: a failed validation names its fields in `errors`
 * (`{ "name": "must NOT have more than 500 characters" }`), as Feathers 4 with Mongoose answers.
 * Feathers 5's schema hooks put ajv's list in `data` instead (`[{ instancePath: "/name", … }]`),
 * the sandbox's default, `data`, which this leaves as it is.
 */
export const validationDetails = async (context, next) => {
	try {
		await next();
	} catch (error) {
		if (
			context.app.get('sandbox').settings.validationDetails === 'errors' &&
			error instanceof BadRequest &&
			Array.isArray(error.data)
		) {
			throw new BadRequest(error.message, { errors: fieldErrors(error.data) });
		}
		throw error;
	}
};

/** ajv's errors by field: the first segment of each path (or the extra property), first message. */
function fieldErrors(ajvErrors) {
	const errors = {};
	for (const { instancePath, params, message } of ajvErrors) {
		const field =
			instancePath.split('/')[1] || params?.additionalProperty || params?.missingProperty || '';
		errors[field] ??= message;
	}
	return errors;
}
