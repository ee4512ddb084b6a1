// The node on every server Videsk's docs allow (the sandbox's VARIANTS, and STRICTEST: all of
// their hardest options at once): every operation, a rerun, a list read whole through ties and
// small pages, and the trigger's two events. Prints the servers it ran on.
import { afterAll, describe, expect, test } from 'vitest';
import { createPoller } from '../support/harness.mjs';
import { room, run, useSandbox } from '../support/helpers.mjs';
import { STRICTEST, VARIANTS, type SandboxOptions } from '../sandbox/server.mjs';

const sandbox = useSandbox();
const SERVERS: Record<string, SandboxOptions> = { ...VARIANTS, STRICTEST };
const ran: string[] = [];
afterAll(() => process.stdout.write(`servers run: ${ran.join(', ')}\n`));

/** External IDs as calendars and CRMs make them, and one Feathers' router cannot route. */
const EXTERNAL_IDS = ['standup-1', 'abc123@google.com', 'crm/deal 17', 'toString'];

describe.each(Object.entries(SERVERS))('on %s', (name, server) => {
	const use = () => {
		Object.assign(sandbox().settings, server);
		if (!ran.includes(name)) ran.push(name);
	};

	test.each(EXTERNAL_IDS)(
		'every operation on a room with External ID %j; a rerun is safe',
		async (externalId) => {
			use();
			const byExternalId = room('externalId', externalId);
			const steps: Array<[string, Record<string, unknown>]> = [
				['createOrGet', { externalId }],
				['createOrGet', { externalId }],
				['createOrUpdate', { externalId, name: 'Renamed' }],
				['get', { room: byExternalId }],
				['update', { room: byExternalId, updateFields: { name: 'Again' } }],
				['getJoinToken', { room: byExternalId, participant: 'ana' }],
				['getStats', { room: byExternalId }],
				['end', { room: byExternalId }],
				['end', { room: byExternalId, options: { alreadyEndedIsSuccess: true } }],
			];
			const outputs = [];
			for (const [operation, parameters] of steps) {
				const { items, error } = await run(sandbox(), { operation, ...parameters });
				expect({ operation, error: error?.message }).toEqual({ operation, error: undefined });
				outputs.push(items[0].json);
			}
			expect(outputs.map((json) => json.created)).toEqual([
				true,
				false,
				false,
				...Array(6).fill(undefined),
			]);
			expect(outputs.at(-1)).toMatchObject({ externalId, ended: true, alreadyEnded: true });
			expect(sandbox().rooms()).toHaveLength(1);
			expect(sandbox().rooms()[0]).toMatchObject({ externalId, name: 'Again', ended: true });
		},
	);

	test('Get Many reads 130 rooms sharing a createdAt whole, each once, by ID too', async () => {
		use();
		const at = Date.now() - 60_000;
		sandbox().seed(130, (index) => ({ externalId: `tie-${index}`, createdAt: at }));
		const { items, error } = await run(sandbox(), { operation: 'getAll', returnAll: true });
		expect(error).toBeUndefined();
		const ids = items.map((item) => item.json.id);
		expect(new Set(ids).size).toBe(130);
		const [first] = sandbox().rooms();
		const byId = await run(sandbox(), { operation: 'end', room: room('id', first.id) });
		expect(byId.items[0].json).toMatchObject({ id: first.id, ended: true });
	});

	test('the trigger: each room created and each room ended emitted once', async () => {
		use();
		sandbox().seed(3);
		const credentials = { apiToken: sandbox().token, baseUrl: sandbox().url };
		const created = await createPoller({ parameters: { event: 'roomCreated' }, credentials });
		const ended = await createPoller({ parameters: { event: 'roomEnded' }, credentials });
		await created.poll();
		await ended.poll();
		sandbox().seed(2, (index) => ({ externalId: `new-${index}`, createdAt: Date.now() }));
		sandbox().end('seed-1');
		expect((await created.poll()).map((item) => item.externalId)).toEqual(['new-0', 'new-1']);
		expect((await ended.poll()).map((item) => item.externalId)).toEqual(['seed-1']);
		expect([await created.poll(), await ended.poll()]).toEqual([[], []]);
	});
});
