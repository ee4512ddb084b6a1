/** A chat completion request as n8n's OpenAI Chat Model node sent it. */
export interface ChatRequest {
	headers: Record<string, string | string[] | undefined>;
	body: {
		model: string;
		stream?: boolean;
		messages: Array<{
			role: 'system' | 'user' | 'assistant' | 'tool';
			content: unknown;
			tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }>;
			tool_call_id?: string;
		}>;
		tools?: Array<{
			type: 'function';
			function: { name: string; description: string; parameters: Record<string, any> };
		}>;
		[key: string]: unknown;
	};
}

/** The arguments of one tool call; `{ tool, arguments }` to name the tool among several. */
export type ScriptedCall =
	| Record<string, unknown>
	| { tool: string; arguments: Record<string, unknown> };

export interface ScriptedModel {
	/** The Base URL for n8n's OpenAI credential (…/v1). */
	url: string;
	/** The API key it accepts. */
	apiKey: string;
	/** Every chat completion request, in order. */
	requests: ChatRequest[];
	/** A conversation whose user message contains `cue` makes these tool calls, then answers. */
	script(cue: string, calls: ScriptedCall[]): void;
	reset(): void;
	close(): Promise<void>;
}

export function startScriptedModel(options?: {
	host?: string;
	port?: number;
}): Promise<ScriptedModel>;
