import type { IExecutePaginationFunctions, IExecuteSingleFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import { isRoomId, ROOM_ID, roomUrl, type ChosenRoom } from '../fields/room';
import { roomBody, type RoomFields } from '../fields/roomFields';
import {
	sendRouted,
	withOptions,
	type OperationErrors,
	type RoutedRequest,
} from '../transport/routing';
import type { Advice, VideskAnswer } from '../transport/errors';
import { isHttpError } from '../transport/send';
import {
	isNotFound,
	MAX_PAGE_SIZE,
	pageMatching,
	roomAskedFor,
	roomPath,
	ROOMS_PATH,
	type Room,
	type RoomPage,
} from '../videsk';

// How operations reach a room. Videsk's path `/vpaas/rooms/{room}` takes a room's ID or its
// External ID, and servers differ in what they do with it: Feathers 5 hands the path segment to
// the service undecoded, so an External ID that URL encoding changes (`a@b`, `a/b`, a space) is
// never found by its path; and a path that is one room's ID and another room's External ID
// reaches whichever the server looks for first. So:
// - an External ID reaches its room by the path only when encoding leaves it unchanged and it is
//   no room ID; any other is found through the list's `externalId` filter (a query value, which
//   every server decodes), and its room addressed by its ID;
// - before a request that changes a room, or whose answer cannot show which room it is about
//   (the stats), a path that is a room ID is checked to reach that room (a GET of it, once per
//   run of the node for each room); other answers are checked to be the room asked for.

/**
 * Whether the path `/vpaas/rooms/{text}` reaches the room with that External ID on any server:
 * not a room ID, unchanged by URL encoding, and no name of JavaScript's Object.prototype
 * (`toString`, `constructor`…), which Feathers 5's router answers with a 500.
 */
function reachesByPath(externalId: string): boolean {
	return (
		!isRoomId(externalId) &&
		encodeURIComponent(externalId) === externalId &&
		!(externalId in Object.prototype)
	);
}

const read = (request: RoutedRequest, url: string, qs = {}) =>
	withOptions(request, { method: 'GET', url, qs, body: undefined });

/** The room whose External ID is `externalId`, or undefined when Videsk has none. */
export async function findByExternalId(
	context: IExecutePaginationFunctions,
	errors: OperationErrors,
	request: RoutedRequest,
	externalId: string,
): Promise<Room | undefined> {
	if (reachesByPath(externalId)) {
		const answer = await sendRouted(
			context,
			errors,
			read(request, roomPath(externalId)),
			roomAskedFor({ externalId }),
			isNotFound,
		);
		return isNotFound(answer) ? undefined : (answer.body as Room);
	}
	const query = { externalId };
	const answer = await sendRouted(
		context,
		errors,
		read(request, ROOMS_PATH, { ...query, $limit: MAX_PAGE_SIZE }),
		pageMatching(query),
	);
	return (answer.body as RoomPage).data[0];
}

// The rooms whose paths were checked in a run of a node, by node and room ID: only checks that
// succeeded, so that a failed one is sent again by the next item and by Retry On Fail.
const checked = new WeakMap<object, Map<string, Promise<Room>>>();

/** The room at the path of room ID `id`, checked to be that room (once per run of the node). */
async function roomAtId(
	context: IExecutePaginationFunctions,
	errors: OperationErrors,
	request: RoutedRequest,
	id: string,
): Promise<Room> {
	const run = context.getExecuteData();
	const key = `${context.getNode().name} ${id}`;
	let byRoom = run === undefined ? undefined : checked.get(run);
	if (run !== undefined && byRoom === undefined) checked.set(run, (byRoom = new Map()));
	const shared = byRoom?.get(key);
	// Another item's check: if it fails, this item checks the room itself.
	const room = shared && (await shared.catch(() => undefined));
	if (room !== undefined) return room;
	const check = sendRouted(context, errors, read(request, roomPath(id)), roomAskedFor({ id })).then(
		(answer) => answer.body as Room,
	);
	byRoom?.set(key, check);
	check.catch(() => byRoom?.get(key) === check && byRoom.delete(key));
	return await check;
}

/** Where a request to the chosen room goes, and the room its answer must be. */
export interface RoomAddress {
	path: string;
	asked: { id?: string; externalId?: string };
	/** The room as the list gave it, when it was found there, or as a check of its path. */
	room?: Room;
}

/**
 * The address of the chosen room, for a request that changes it or whose answer cannot show
 * which room it is about (`verified`: the answer can, so the path need not be checked first).
 */
export async function addressOf(
	context: IExecutePaginationFunctions,
	errors: OperationErrors,
	request: RoutedRequest,
	chosen: ChosenRoom,
	verified = false,
): Promise<RoomAddress> {
	if (chosen.byExternalId && reachesByPath(chosen.value)) {
		return { path: chosen.value, asked: { externalId: chosen.value } };
	}
	let found: Room | undefined;
	if (chosen.byExternalId) {
		found = await findByExternalId(context, errors, request, chosen.value);
		if (found === undefined) throw noRoomWithExternalId(context, errors, chosen.value);
	}
	const id = found?.id ?? chosen.value;
	if (verified) return { path: id, asked: { id }, room: found };
	return { path: id, asked: { id }, room: await roomAtId(context, errors, request, id) };
}

/** The address of a room already found by its External ID, for a request that changes it. */
export async function addressOfFound(
	context: IExecutePaginationFunctions,
	errors: OperationErrors,
	request: RoutedRequest,
	room: Room,
): Promise<RoomAddress> {
	const externalId = room.externalId!;
	if (reachesByPath(externalId)) return { path: externalId, asked: { externalId } };
	await roomAtId(context, errors, request, room.id);
	return { path: room.id, asked: { id: room.id }, room };
}

/** Videsk's NotFound on PATCH and join: "not found or already ended". */
export const roomNotOpen = (target: string, answer: VideskAnswer): Advice | undefined =>
	isNotFound(answer)
		? {
				message: `Videsk found no open ${target}: it does not exist or has already ended`,
				description:
					'Videsk only changes or joins rooms that exist and have not ended. Use "Get" to check the room, or "Create" a new one.',
			}
		: undefined;

/** Videsk's NotFound to a change of a room that a read right after shows open (a server that will not change it). */
export const refusedThoughOpen =
	(verb: string) =>
	(target: string): Advice => ({
		message: `Videsk refused to ${verb} ${target} (not found), yet shows it open`,
		description:
			'Videsk answered NotFound to the change, then showed the room as not ended. Nothing was changed. Check the room with "Get" (has its Expires At passed?), then run the item again.',
	});

/** The operation's request with {roomId} in its URL replaced by the room's path. */
export function toRoom(request: RoutedRequest, address: RoomAddress): RoutedRequest {
	const url = request.options.url!.replace(`${ROOMS_PATH}/${ROOM_ID}`, roomPath(address.path));
	return withOptions(request, { url });
}

/** A read of the room itself, at the address of an operation's request to it. */
export const readRoomAt = (request: RoutedRequest) =>
	withOptions(request, { method: 'GET', url: roomUrl(), body: undefined, qs: {} });

function noRoomWithExternalId(
	context: IExecuteSingleFunctions,
	errors: OperationErrors,
	externalId: string,
) {
	return new NodeApiError(
		context.getNode(),
		{},
		{
			message: `${errors.label}: Videsk has no room with External ID "${externalId}"`,
			description:
				'No room in the list of this Videsk account has that External ID. Check the "Room" field and that the credential belongs to the account that created the room.',
			httpCode: '404',
			itemIndex: context.getItemIndex(),
		},
	);
}

/**
 * Creates the room with `fields`; when Videsk answers that its External ID is taken (409),
 * finds that room instead. What makes Create or Get and Create or Update safe to rerun.
 */
export async function createOrFind(
	context: IExecutePaginationFunctions,
	errors: OperationErrors,
	request: RoutedRequest,
	fields: RoomFields,
): Promise<{ room: Room; created: boolean }> {
	const externalId = fields.externalId!;
	try {
		const answer = await sendRouted(
			context,
			errors,
			withOptions(request, { body: roomBody(fields) }),
			roomAskedFor({ externalId }),
		);
		return { room: answer.body as Room, created: true };
	} catch (error) {
		if (!isHttpError(error, 409)) throw error as NodeApiError;
	}
	const room = await findByExternalId(context, errors, request, externalId);
	if (room !== undefined) return { room, created: false };
	throw new NodeApiError(
		context.getNode(),
		{},
		{
			message: `${errors.label}: Videsk said a room with External ID "${externalId}" already exists, then found no such room`,
			description:
				'Videsk refused to create the room (409 Conflict: the External ID is taken), but looking the room up by that External ID found nothing; nothing was created. Run the item again. If it keeps failing, Videsk matches this External ID differently when creating and when looking up: use another External ID.',
			httpCode: '409',
			itemIndex: context.getItemIndex(),
		},
	);
}
