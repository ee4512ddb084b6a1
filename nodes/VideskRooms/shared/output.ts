import type { IDataObject, IExecuteSingleFunctions, INodeExecutionData } from 'n8n-workflow';
import { isRoomPage, type Room } from './api';

const SIMPLE_FIELDS = ['id', 'externalId', 'name', 'nbf', 'exp', 'ended', 'accessToken'];

function simplifyRoom(room: IDataObject): IDataObject {
	const simple: IDataObject = {};
	for (const field of SIMPLE_FIELDS) if (room[field] !== undefined) simple[field] = room[field];
	return simple;
}

/**
 * postReceive of the "Simplify" option (routing runs function actions whatever the option's
 * value, hence the check). Get Many's pages are unwrapped later, by its pagination function, so
 * the rooms are simplified inside the page.
 */
export async function simplifyRooms(
	this: IExecuteSingleFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (this.getNodeParameter('simplify', false) !== true) return items;
	return items.map((item) => ({
		...item,
		json: isRoomPage(item.json)
			? { ...item.json, data: item.json.data.map((room) => simplifyRoom(room) as Room) }
			: simplifyRoom(item.json),
	}));
}
