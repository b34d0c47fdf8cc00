import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted answer of the fake Messages API. */
export type FakeReply =
  | { text: string; inputTokens?: number; outputTokens?: number; model?: string; stopReason?: 'end_turn' | 'max_tokens' }
  | { status: number; type: string; message?: string; headers?: Record<string, string> }
  | { hang: true }
  | { raw: string };

export interface RecordedRequest {
  path: string;
  headers: IncomingMessage['headers'];
  body: { model: string; max_tokens: number; system?: string; messages: { role: string; content: string }[] };
}

/**
 * A fake Anthropic Messages API on 127.0.0.1: answers POST /v1/messages from a script (or with
 * `defaultReply` when the script is empty), and records every request it got.
 */
export class FakeAnthropic {
  readonly requests: RecordedRequest[] = [];
  script: FakeReply[] = [];
  defaultReply: FakeReply = { text: '{}', inputTokens: 1000, outputTokens: 100 };
  private readonly hanging = new Set<ServerResponse>();
  private readonly server = createServer((req, res) => this.handle(req, res));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/messages') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"type":"error","error":{"type":"not_found_error","message":"no such route"}}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as RecordedRequest['body'];
      this.requests.push({ path: req.url, headers: req.headers, body });
      this.reply(this.script.shift() ?? this.defaultReply, body, res);
    });
  }

  private reply(reply: FakeReply, body: RecordedRequest['body'], res: ServerResponse): void {
    if ('hang' in reply) {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if ('raw' in reply) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(reply.raw);
      return;
    }
    if ('status' in reply) {
      res
        .writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers })
        .end(JSON.stringify({ type: 'error', error: { type: reply.type, message: reply.message ?? reply.type } }));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: `msg_${this.requests.length}`,
        type: 'message',
        role: 'assistant',
        model: reply.model ?? body.model,
        content: [{ type: 'text', text: reply.text }],
        stop_reason: reply.stopReason ?? 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: reply.inputTokens ?? 0, output_tokens: reply.outputTokens ?? 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      }),
    );
  }
}
