import type {
	DeclarativeRestApiSettings,
	IDataObject,
	IExecutePaginationFunctions,
	INodeExecutionData,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import { isRoomPage, MAX_PAGE_SIZE, ROOMS_PATH } from './api';

// Operations that need more than one request. n8n's routing runs a custom "pagination"
// function for these: it gets `makeRoutingRequest`, which sends a request exactly as routing
// would (same credential, defaults, postReceive chain), so no separate HTTP client is needed.

type Request = DeclarativeRestApiSettings.ResultOptions;

function withOptions(request: Request, options: Request['options']): Request {
	return { ...request, options: { ...request.options, ...options } };
}

function isHttpError(error: unknown, status: number): error is NodeApiError {
	return error instanceof NodeApiError && error.httpCode === String(status);
}

/**
 * Get Many. n8n's built-in offset pagination advances by the page size it asked for and stops
 * on a short page, which loses rooms when Videsk silently clamps `$limit`. This advances by what
 * the server returned, stops on `total`, and asks only for as many rooms as Limit still needs.
 */
export async function paginateRooms(
	this: IExecutePaginationFunctions,
	request: Request,
): Promise<INodeExecutionData[]> {
	const wanted = request.maxResults ? Number(request.maxResults) : Number.POSITIVE_INFINITY;
	const pairedItem = { item: this.getItemIndex() };
	const rooms: INodeExecutionData[] = [];
	let total = 0;
	do {
		const qs = {
			...request.options.qs,
			$limit: Math.min(MAX_PAGE_SIZE, wanted - rooms.length),
			$skip: rooms.length,
		};
		let page: INodeExecutionData['json'] | undefined;
		try {
			[{ json: page }] = await this.makeRoutingRequest(withOptions(request, { qs }));
		} catch (error) {
			if (rooms.length > 0) {
				(error as NodeApiError).description +=
					` Stopped after reading ${rooms.length} of ${total} rooms; no partial list was returned.`;
			}
			throw new NodeApiError(this.getNode(), error as JsonObject);
		}
		if (!isRoomPage(page)) {
			throw new NodeApiError(
				this.getNode(),
				{},
				{
					message: 'Videsk sent a room list in an unexpected shape',
					description: `Expected {total, limit, skip, data} after ${rooms.length} rooms were read.`,
					itemIndex: this.getItemIndex(),
				},
			);
		}
		total = page.total;
		rooms.push(...page.data.map((room) => ({ json: room, pairedItem })));
		if (page.data.length === 0) break;
	} while (rooms.length < Math.min(total, wanted));
	return rooms;
}

/**
 * Create or Get: create the room; if Videsk answers 409 (the External ID exists), get that room.
 * This is what makes a workflow safe to rerun. `created` tells which path was taken.
 */
export async function createOrGetRoom(
	this: IExecutePaginationFunctions,
	request: Request,
): Promise<INodeExecutionData[]> {
	const externalId = (request.options.body as IDataObject).externalId as string | undefined;
	if (externalId === undefined) {
		throw new NodeOperationError(
			this.getNode(),
			'External ID: required to find the room on a rerun',
			{
				itemIndex: this.getItemIndex(),
				description:
					'Fill in "External ID" (e.g. the calendar event or deal ID); nothing was sent to Videsk.',
			},
		);
	}
	try {
		const items = await this.makeRoutingRequest(request);
		return items.map((item) => ({ ...item, json: { ...item.json, created: true } }));
	} catch (error) {
		if (!isHttpError(error, 409)) throw new NodeApiError(this.getNode(), error as JsonObject);
	}
	const existing = await this.makeRoutingRequest(
		withOptions(request, {
			method: 'GET',
			url: `${ROOMS_PATH}/${encodeURIComponent(externalId)}`,
			body: undefined,
		}),
	);
	return existing.map((item) => ({ ...item, json: { ...item.json, created: false } }));
}

/**
 * End: PATCH `{ended: true}`. Videsk answers 404 both for an unknown room and for one that has
 * already ended; a GET tells them apart, so the message can say which, and "Already Ended"
 * can be treated as success when the user chose that.
 */
export async function endRoom(
	this: IExecutePaginationFunctions,
	request: Request,
): Promise<INodeExecutionData[]> {
	try {
		return await this.makeRoutingRequest(request);
	} catch (error) {
		if (!isHttpError(error, 404)) throw new NodeApiError(this.getNode(), error as JsonObject);
		let room: INodeExecutionData[];
		try {
			room = await this.makeRoutingRequest(
				withOptions(request, { method: 'GET', body: undefined }),
			);
		} catch {
			throw error as NodeApiError; // the room does not exist: Videsk's 404 says so
		}
		if (room[0]?.json.ended !== true) throw error as NodeApiError;
		if (this.getNodeParameter('options.alreadyEndedIsSuccess', false) === true) {
			return room.map((item) => ({ ...item, json: { ...item.json, alreadyEnded: true } }));
		}
		throw new NodeApiError(
			this.getNode(),
			{},
			{
				message: `Room "${String(room[0].json.externalId ?? room[0].json.id)}" has already ended`,
				description:
					'Nothing was changed. To let the workflow go on when the room is already closed, turn on "Options" → "Treat Already Ended as Success".',
				httpCode: '404',
				itemIndex: this.getItemIndex(),
			},
		);
	}
}
