import { useVirtualClock } from '../../support/clock.mjs';
// A poll ends within the time n8n gives it (getPollBudgetMs), also when Videsk answers slowly
// with failures it retries, does not answer, or asks for waits: no attempt, wait or retry of a
// read goes past the poll's deadline (n8n's durable scheduler abandons a poll past its timeout).
// Found by an adversarial review.
import { describe, expect, test } from 'vitest';
import { createPoller } from '../../support/harness.mjs';
import { useSandbox } from '../../support/helpers.mjs';

const clock = useVirtualClock();
const sandbox = useSandbox();
const BUDGET_MS = 1000;
/** n8n's margin past the budget before it abandons a poll is at least 5 s, or 20 %. */
const SLACK_MS = 1000;

async function timedPoll() {
	const trigger = await createPoller({
		parameters: { event: 'roomCreated' },
		credentials: { apiToken: sandbox().token, baseUrl: sandbox().url },
		budgetMs: BUDGET_MS,
	});
	const started = clock.now();
	await trigger.poll().catch(() => undefined);
	return clock.now() - started;
}

describe('a poll ends within the time n8n gives it', () => {
	test('Videsk answering 503 slowly (400 ms each): the poll ends within its 1 s budget', async () => {
		sandbox().seed(5);
		sandbox().fault({ status: 503, body: '<html>busy</html>', latencyMs: 400, times: Infinity });
		expect(await timedPoll()).toBeLessThan(BUDGET_MS + SLACK_MS);
	});

	test('Videsk not answering at all: the poll ends within its 1 s budget', async () => {
		sandbox().seed(5);
		sandbox().fault({ kind: 'hang', times: Infinity });
		expect(await timedPoll()).toBeLessThan(BUDGET_MS + SLACK_MS);
	});

	test('429s with a Retry-After within the budget: the poll ends within its 1 s budget', async () => {
		sandbox().seed(5);
		sandbox().fault({
			status: 429,
			body: { name: 'TooManyRequests', message: 'Too many requests', code: 429 },
			headers: { 'Retry-After': '0.8' },
			times: Infinity,
		});
		expect(await timedPoll()).toBeLessThan(BUDGET_MS + SLACK_MS);
	});
});
