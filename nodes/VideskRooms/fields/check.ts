import type { IExecuteSingleFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

// Errors made before any request (or before any change): each names the field to fix, as the
// user sees it, and says what to do.

export function invalid(
	context: IExecuteSingleFunctions,
	label: string,
	problem: string,
	advice = `Fix the "${label}" field of this item`,
	outcome = 'nothing was sent to Videsk',
) {
	return new NodeOperationError(context.getNode(), `${label}: ${problem}`, {
		itemIndex: context.getItemIndex(),
		description: `${advice}; ${outcome}.`,
	});
}
