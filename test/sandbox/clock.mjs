import { setTimeout as sleep } from 'node:timers/promises';

/** The real time, and waits on Node's timers: the sandbox's clock unless a test gives another. */
export const realClock = {
	now: () => Date.now(),
	sleep: (ms) => sleep(ms),
};
