import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer of the fake chat completions endpoint. */
export interface LocalReply {
  content: string;
  finishReason?: 'stop' | 'length';
  promptTokens?: number;
  completionTokens?: number;
}

export interface LocalRequest {
  model: string;
  max_tokens: number;
  messages: { role: string; content: string }[];
}

/**
 * A fake OpenAI-compatible API (Ollama, llama.cpp, vLLM) on 127.0.0.1: answers
 * POST /v1/chat/completions from a script (or `defaultReply`), and records every request.
 */
export class FakeLocalModel {
  readonly requests: LocalRequest[] = [];
  script: LocalReply[] = [];
  defaultReply: LocalReply = { content: '{}', promptTokens: 100, completionTokens: 10 };
  private readonly server = createServer((req, res) => this.handle(req, res));

  /** Starts listening; returns the base URL to put in LOCAL_MODEL_URL (…/v1). */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString('utf8')));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      this.requests.push(JSON.parse(data) as LocalRequest);
      const reply = this.script.shift() ?? this.defaultReply;
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          choices: [{ index: 0, message: { role: 'assistant', content: reply.content }, finish_reason: reply.finishReason ?? 'stop' }],
          usage: { prompt_tokens: reply.promptTokens ?? 0, completion_tokens: reply.completionTokens ?? 0 },
        }),
      );
    });
  }
}
