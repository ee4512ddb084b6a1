// A scripted stand-in for an OpenAI-compatible chat model, for the agent tests: n8n's OpenAI Chat
// Model node talks to it through its credential's Base URL, on 127.0.0.1. No language model
// behind it: each conversation follows a script the test sets — call the tool with these
// arguments, one call after another, then answer with what the tool gave back. It keeps every
// request n8n sent (the tools it offered, the tool results), so tests can check what a real
// model would have seen.
import { createServer } from 'node:http';

const COMPLETIONS = '/v1/chat/completions';

/** The text of a chat message: a string, or OpenAI's list of content parts. */
function textOf(content) {
	if (typeof content === 'string') return content;
	if (Array.isArray(content)) return content.map((part) => part.text ?? '').join('');
	return '';
}

/**
 * Starts the model. `model.script(cue, calls)`: a conversation whose user message contains `cue`
 * gets, for its n-th request, a call of the tool with `calls[n]` (arguments; `{ tool, arguments }`
 * when several tools are offered), and once every call has its result, a final answer listing
 * the tool results in order. Answers as n8n asks: a JSON completion, or a stream of chunks
 * (server-sent events) when the request says `stream: true`. A request that no script matches is
 * refused with 400 (not retried by OpenAI's client), naming it.
 */
export async function startScriptedModel({ host = '127.0.0.1', port = 0 } = {}) {
	const apiKey = 'scripted-model-key';
	const scripts = [];
	const requests = [];
	let completions = 0;

	function reply(body) {
		const messages = body.messages ?? [];
		const prompt = messages
			.filter((message) => message.role === 'user')
			.map((message) => textOf(message.content))
			.join('\n');
		const script = scripts.find(({ cue }) => prompt.includes(cue));
		if (!script) return { error: `no script for the user message ${JSON.stringify(prompt)}` };
		const results = messages.filter((message) => message.role === 'tool');
		const next = script.calls[results.length];
		if (next === undefined) {
			return {
				message: {
					role: 'assistant',
					content: `The tool answered:\n${results.map((result) => textOf(result.content)).join('\n')}`,
				},
				finishReason: 'stop',
			};
		}
		const offered = (body.tools ?? []).map((tool) => tool.function.name);
		const name = next.tool ?? (offered.length === 1 ? offered[0] : undefined);
		if (!name || !offered.includes(name)) {
			return { error: `the script calls ${name ?? 'a tool'}, but n8n offered ${offered}` };
		}
		return {
			message: {
				role: 'assistant',
				content: null,
				tool_calls: [
					{
						id: `call_${results.length + 1}`,
						type: 'function',
						function: {
							name,
							arguments: JSON.stringify(next.tool ? next.arguments : next),
						},
					},
				],
			},
			finishReason: 'tool_calls',
		};
	}

	function answer(response, body, { message, finishReason }) {
		completions += 1;
		const head = {
			id: `chatcmpl-scripted-${completions}`,
			created: Math.floor(Date.now() / 1000),
			model: body.model,
		};
		const usage = { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 };
		if (!body.stream) {
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end(
				JSON.stringify({
					...head,
					object: 'chat.completion',
					choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
					usage,
				}),
			);
			return;
		}
		const chunk = (choices, extra = {}) =>
			`data: ${JSON.stringify({ ...head, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
		const delta = message.tool_calls
			? {
					role: 'assistant',
					content: null,
					tool_calls: message.tool_calls.map((call, index) => ({ index, ...call })),
				}
			: { role: 'assistant', content: message.content };
		response.writeHead(200, { 'content-type': 'text/event-stream' });
		response.write(chunk([{ index: 0, delta, finish_reason: null }]));
		response.write(chunk([{ index: 0, delta: {}, finish_reason: finishReason }]));
		if (body.stream_options?.include_usage) response.write(chunk([], { usage }));
		response.end('data: [DONE]\n\n');
	}

	const server = createServer((request, response) => {
		let raw = '';
		request.on('data', (chunk) => (raw += chunk));
		request.on('end', () => {
			const refuse = (status, message) => {
				response.writeHead(status, { 'content-type': 'application/json' });
				response.end(JSON.stringify({ error: { message, type: 'invalid_request_error' } }));
			};
			if (request.method !== 'POST' || request.url !== COMPLETIONS) {
				refuse(404, `the scripted model answers POST ${COMPLETIONS} only`);
				return;
			}
			if (request.headers.authorization !== `Bearer ${apiKey}`) {
				refuse(401, 'wrong API key');
				return;
			}
			let body;
			try {
				body = JSON.parse(raw);
			} catch {
				refuse(400, 'the body is not JSON');
				return;
			}
			requests.push({ headers: request.headers, body });
			const next = reply(body);
			if (next.error) refuse(400, `scripted model: ${next.error}`);
			else answer(response, body, next);
		});
	});
	await new Promise((resolve) => server.listen(port, host, resolve));
	const address = server.address();

	return {
		/** The Base URL for n8n's OpenAI credential. */
		url: `http://${host}:${address.port}/v1`,
		apiKey,
		requests,
		script(cue, calls) {
			scripts.push({ cue, calls });
		},
		/** Forgets the scripts and the requests. */
		reset() {
			scripts.length = 0;
			requests.length = 0;
		},
		close: () => new Promise((resolve) => server.close(resolve)),
	};
}
