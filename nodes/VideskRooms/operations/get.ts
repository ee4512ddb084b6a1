import type { INodePropertyOptions } from 'n8n-workflow';
import { readRoom, roomTarget, roomUrl } from '../fields/room';
import { sendRouted } from '../transport/routing';
import { roomAskedFor, type Room } from '../videsk';
import { operation } from './frame';
import { addressOf, toRoom } from './rooms';

// Fields: Room (index.ts) and Output.

export const get: INodePropertyOptions = {
	name: 'Get',
	value: 'get',
	action: 'Get room',
	description: 'Get a room by its Videsk ID or your External ID',
	routing: {
		request: { method: 'GET', url: roomUrl() },
		operations: {
			pagination: operation({
				errors: { label: 'Get' },
				read: readRoom,
				target: roomTarget,
				output: true,
				async send(request, room, errors) {
					// Its answer shows which room it is: the path need not be checked first.
					const address = await addressOf(this, errors, request, room, true);
					if (address.room !== undefined) return [address.room];
					const answer = await sendRouted(
						this,
						errors,
						toRoom(request, address),
						roomAskedFor(address.asked),
					);
					return [answer.body as Room];
				},
			}),
		},
	},
};
