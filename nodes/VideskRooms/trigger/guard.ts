import { clock } from '../transport/clock';

// At most one poll of a trigger at a time, in this process (n8n runs every poll on its main
// instance, in queue mode too). n8n's default scheduler starts a poll at every tick without
// waiting for the last one; the durable scheduler can run two tasks of one trigger at once (the
// occurrences missed while n8n was down, a claim reaped after a crash, a poll abandoned past its
// timeout). Both polls would emit the same events. And n8n commits a poll's state after the poll
// returns, without waiting for it: a poll that starts meanwhile from the state before would emit
// them again. A poll past its deadline holds no other back: the one that then starts supersedes
// it, and what it finds later is dropped. This is the only thing the trigger keeps in memory;
// lost (a restart), it only lets through what n8n's database then says.

/**
 * How long after a poll emitted a poll starting from an earlier state is held back: n8n's commit
 * of that state is under way (a durable task's lease lasts 60 s by default). Past it, the commit
 * has failed, and n8n means the next poll to repeat the events.
 */
export const COMMIT_WAIT_MS = 60_000;

/**
 * What a poll starts from: the options its state was built for, which build of it (a state built
 * afresh again for the same options is another one), and how often it emitted.
 */
export interface Generation {
	builtFor: string;
	build: string;
	generation: number;
}

/** A poll let through: it may emit while no later poll has superseded it. */
export interface PollTicket {
	key: string;
	deadline: number;
}

interface Trigger {
	running?: PollTicket;
	emitted?: Generation & { at: number };
}

const triggers = new Map<string, Trigger>();

/**
 * A ticket for a poll of the trigger `key` (workflow and node) that starts from `from`
 * (undefined: afresh) and must end by `deadline`; undefined when it may not run: another poll of
 * it runs and is not past its deadline, or `from` is older than what a poll of it emitted lately.
 */
export function startPoll(
	key: string,
	from: Generation | undefined,
	deadline: number,
): PollTicket | undefined {
	const now = clock.now();
	const trigger = triggers.get(key) ?? {};
	const { emitted, running } = trigger;
	const stale =
		emitted !== undefined &&
		from !== undefined &&
		from.builtFor === emitted.builtFor &&
		from.build === emitted.build &&
		from.generation < emitted.generation &&
		now - emitted.at < COMMIT_WAIT_MS;
	if ((running !== undefined && now < running.deadline) || stale) return undefined;
	const ticket = { key, deadline };
	triggers.set(key, { ...trigger, running: ticket });
	return ticket;
}

/** Whether the poll of `ticket` is still the trigger's: no later poll has superseded it. */
export function isCurrent(ticket: PollTicket): boolean {
	return triggers.get(ticket.key)?.running === ticket;
}

/** The poll of `ticket` ended; `emitted`: it emitted, its state now this generation. */
export function endPoll(ticket: PollTicket, emitted?: Generation) {
	const trigger = triggers.get(ticket.key);
	if (trigger?.running !== ticket) return;
	const now = clock.now();
	const kept = emitted ? { ...emitted, at: now } : trigger.emitted;
	if (kept && now - kept.at < COMMIT_WAIT_MS) triggers.set(ticket.key, { emitted: kept });
	else triggers.delete(ticket.key);
}
