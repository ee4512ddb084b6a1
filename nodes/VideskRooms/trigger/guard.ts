// At most one poll of a trigger at a time, in this process (n8n runs every poll on its main
// instance, in queue mode too). n8n's default scheduler starts a poll at every tick without
// waiting for the last one; the durable scheduler can run two tasks of one trigger at once (the
// occurrences missed while n8n was down, a claim reaped after a crash, a poll abandoned past its
// timeout). Both polls would emit the same events. And n8n commits a poll's state after the poll
// returns, without waiting for it: a poll that starts meanwhile from the state before would emit
// them again. This is the only thing the trigger keeps in memory; lost (a restart), it only lets
// through what n8n's database then says.

/**
 * How long after a poll emitted a poll starting from an earlier state is held back: n8n's commit
 * of that state is under way (a durable task's lease lasts 60 s by default). Past it, the commit
 * has failed, and n8n means the next poll to repeat the events.
 */
export const COMMIT_WAIT_MS = 60_000;

/** What a poll starts from: the options its state was built for, and how often it emitted. */
export interface Generation {
	builtFor: string;
	generation: number;
}

interface Trigger {
	polling: boolean;
	emitted?: Generation & { at: number };
}

const triggers = new Map<string, Trigger>();

/**
 * Whether a poll of the trigger `key` (workflow and node) may run from `from` (undefined: afresh):
 * none runs, and `from` is not older than what a poll of it emitted lately. If so, it runs.
 */
export function startPoll(key: string, from: Generation | undefined, now = Date.now()): boolean {
	const trigger = triggers.get(key) ?? { polling: false };
	const { emitted } = trigger;
	const stale =
		emitted !== undefined &&
		from !== undefined &&
		from.builtFor === emitted.builtFor &&
		from.generation < emitted.generation &&
		now - emitted.at < COMMIT_WAIT_MS;
	if (trigger.polling || stale) return false;
	triggers.set(key, { ...trigger, polling: true });
	return true;
}

/** The poll of `key` ended; `emitted`: it emitted, its state now this generation. */
export function endPoll(key: string, emitted?: Generation, now = Date.now()) {
	const last = triggers.get(key)?.emitted;
	const kept = emitted ? { ...emitted, at: now } : last;
	if (kept && now - kept.at < COMMIT_WAIT_MS) triggers.set(key, { polling: false, emitted: kept });
	else triggers.delete(key);
}
