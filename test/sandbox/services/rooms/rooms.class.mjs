// The rooms service: Feathers' in-memory adapter, with what Videsk's docs add to a plain CRUD
// service (a room found by id or externalId, defaults and checks, access tokens, no DELETE).
import { getLimit, sorter } from '@feathersjs/adapter-commons';
import { BadRequest, Conflict, Forbidden, NotFound } from '@feathersjs/errors';
import { MemoryService } from '@feathersjs/memory';
import { issueAccessToken } from './access-token.mjs';

const HOUR_MS = 3600 * 1000;

export class RoomService extends MemoryService {
	/** `sandbox`: the sandbox's settings (read on every call: tests change them) and token secret. */
	constructor(options, sandbox) {
		super({ ...options, sorter: (sort) => this.sorter(sort) });
		this.sandbox = sandbox;
		/** externalId → key in the store: the externalId is unique, and looked up on every path. */
		this.externalIds = new Map();
	}

	get settings() {
		return this.sandbox.settings;
	}

	/**
	 * The store's key of the room a path's `{roomId}` names: the docs say it is the room's id or
	 * its externalId. ASSUMPTION: they do not say which wins when a text is one room's id and
	 * another's externalId; `idResolution` chooses.
	 */
	keyOf(roomId) {
		const asId = Object.hasOwn(this.store, roomId) ? roomId : undefined;
		const asExternalId = this.externalIds.get(roomId);
		return this.settings.idResolution === 'externalId-first'
			? (asExternalId ?? asId)
			: (asId ?? asExternalId);
	}

	/** The stored room (not a copy) that `roomId` names, or undefined. */
	stored(roomId) {
		const key = this.keyOf(roomId);
		return key === undefined ? undefined : this.store[key];
	}

	/**
	 * A Feathers memory service applies `paginate` only to a query it sanitizes itself, and skips
	 * that for one a query schema validated (adapter-commons' VALIDATED): it would then answer
	 * every room. Videsk stores rooms in MongoDB, whose Feathers adapter applies the default and
	 * the silent clamp of `paginate` to every query; so does this, in the same way (`getLimit`).
	 */
	getQuery(params) {
		const { query, filters } = super.getQuery(params);
		const { paginate } = this.getOptions(params);
		return { query, filters: { ...filters, $limit: getLimit(filters.$limit, paginate) } };
	}

	/**
	 * Feathers' own sorter, on every `$sort` key in order; a sort naming one of the `ignoredSorts`
	 * is ignored whole (as a server without that index might), and the rooms come in their stored
	 * order (MongoDB's natural order). Rooms equal on all the keys keep their stored order (`ties:
	 * 'stable'`, the memory adapter's), or come in a new random order on every query (`ties:
	 * 'shuffled'`: MongoDB gives no order to documents equal on the sort keys; its docs' "sort
	 * consistency").
	 */
	sorter($sort) {
		const { ignoredSorts, ties, random } = this.settings;
		const ignored = Object.keys($sort).some((field) => ignoredSorts.includes(field));
		const byKeys = sorter(ignored ? {} : $sort);
		if (ties !== 'shuffled' || ignored) return byKeys;
		const ranks = new Map();
		const rank = (room) => {
			if (!ranks.has(room)) ranks.set(room, random());
			return ranks.get(room);
		};
		return (a, b) => byKeys(a, b) || rank(a) - rank(b);
	}

	async get(roomId, params) {
		const key = this.keyOf(roomId);
		if (key === undefined) throw new NotFound(`Room "${roomId}" not found`);
		return super.get(key, params);
	}

	/** `data` has its defaults (rooms.schema.mjs); `params.now` backdates a seeded room. */
	async create(data, params) {
		const accessToken = this.insert(data, params);
		return { ...structuredClone(this.store[data.id]), accessToken };
	}

	/**
	 * Stores a new room after the checks the docs name, with its first access token (returned),
	 * as the memory adapter's `_create` stores one; synchronous, so that a test can seed at once.
	 */
	insert(room, params) {
		const now = Date.parse(room.createdAt);
		this.checkDates(room.nbf, room.exp, now);
		if (this.externalIds.has(room.externalId)) {
			throw new Conflict(`A room with externalId "${room.externalId}" already exists`);
		}
		const accessToken = this.issueAccessToken(room, params, now);
		this.store[room.id] = room;
		this.externalIds.set(room.externalId, room.id);
		return accessToken;
	}

	async patch(roomId, data, params) {
		const key = this.keyOf(roomId);
		const room = key === undefined ? undefined : this.store[key];
		if (!room || room.ended) throw new NotFound('Room not found or already ended');
		const { generateToken, name, ended } = data;
		const now = this.settings.clock.now();
		const nbf = data.nbf ?? room.nbf;
		const exp = data.exp ?? room.exp;
		if (data.nbf !== undefined || data.exp !== undefined) this.checkDates(nbf, exp, now);
		const changes = {
			...(name !== undefined ? { name } : {}),
			nbf: new Date(nbf).toISOString(),
			exp: new Date(exp).toISOString(),
			// A room is ended, never reopened.
			...(ended === true ? { ended } : {}),
			...this.touched(now),
		};
		let accessToken;
		if (generateToken === true) {
			changes.authorizations = [...room.authorizations];
			accessToken = this.issueAccessToken({ ...room, ...changes }, params, now);
		}
		const patched = await super.patch(key, changes, params);
		return accessToken === undefined ? patched : { ...patched, accessToken };
	}

	/** The docs: "Room deletion is not permitted through the API", always this 403. */
	async remove() {
		throw new Forbidden('Not allowed');
	}

	issueAccessToken(room, params, now) {
		return issueAccessToken(room, {
			ip: params.ip ?? '127.0.0.1',
			now,
			secret: this.sandbox.secret,
		});
	}

	checkDates(nbf, exp, now) {
		const [start, end] = [Date.parse(nbf), Date.parse(exp)];
		const { maxLifetimeHours } = this.settings;
		if (end <= now) throw new BadRequest('"exp" must be in the future');
		if (start >= end) throw new BadRequest('"nbf" must be before "exp"');
		if (end - start > maxLifetimeHours * HOUR_MS) {
			throw new BadRequest(`A room can last at most ${maxLifetimeHours} hours`);
		}
	}

	/**
	 * ASSUMPTION (only with the `updatedAt` option): the docs show neither `createdAt` nor
	 * `updatedAt`; a Feathers service storing rooms with timestamps has both, `updatedAt` moving
	 * on every change. The trigger uses it when present, so the sandbox can play both accounts.
	 */
	touched(at) {
		return this.settings.updatedAt ? { updatedAt: new Date(at).toISOString() } : {};
	}

	/** Changes a stored room in place, as Videsk changing it would: no request, no hooks. */
	changeStored(roomId, fields, at = this.settings.clock.now()) {
		const key = this.keyOf(roomId);
		const room = this.store[key];
		if (fields.externalId !== undefined) {
			this.externalIds.delete(room.externalId);
			this.externalIds.set(fields.externalId, key);
		}
		Object.assign(room, fields, this.touched(at));
	}

	/** Removes a stored room, as Videsk purging it would. */
	purge(roomId) {
		const key = this.keyOf(roomId);
		this.externalIds.delete(this.store[key].externalId);
		delete this.store[key];
	}

	clear() {
		this.store = {};
		this.externalIds.clear();
	}
}
