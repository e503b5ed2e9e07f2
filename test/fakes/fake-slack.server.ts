import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message as the fake keeps it. */
export interface FakeSlackMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: any[];
  threadTs?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  updates: number;
}

export interface FakeSlackCall {
  method: string;
  body: Record<string, any>;
  /** The HTTP status the fake answered with. */
  status: number;
}

const KNOWN_CHANNELS = new Set(['C0APPROVALS']);
const MAX_MESSAGE_BLOCKS = 50;
const MAX_MODAL_BLOCKS = 100;
const MAX_SECTION_TEXT = 3000;

/**
 * A local Slack Web API speaking its wire format: `POST /api/<method>` with a form-encoded or
 * JSON body, the bot token as `Authorization: Bearer` (or a `token` field), always HTTP 200 with
 * `{ ok: true, ... }` or `{ ok: false, error }`, except 429 with `Retry-After` when rate limited.
 * It validates what it is sent (token, required fields, Block Kit limits), keeps the messages so
 * history and threads can be read back, and records every call. Also takes `response_url` posts
 * at `/response/<id>`. Reached through the SDK's `slackApiUrl`.
 */
export class FakeSlackServer {
  readonly calls: FakeSlackCall[] = [];
  readonly messages: FakeSlackMessage[] = [];
  /** What was posted to response URLs, in order. */
  readonly responses: { id: string; body: Record<string, any> }[] = [];
  private server: Server | undefined;
  private lastTsMicros = 0;
  private sequence = 0;
  private readonly rateLimits = new Map<string, { count: number; retryAfter: number }>();
  private readonly lostResponses = new Map<string, number>();
  private readonly periodicLimits = new Map<string, { every: number; retryAfter: number; seen: number }>();

  constructor(readonly token = 'xoxb-test-fake-slack-token') {}

  port = 0;

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  responseUrl(id: string): string {
    return `http://127.0.0.1:${this.port}/response/${id}`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** The next `count` calls of `method` are answered 429 with this Retry-After (seconds). */
  rateLimit(method: string, count: number, retryAfter = 1): void {
    this.rateLimits.set(method, { count, retryAfter });
  }

  /** From now on every `every`-th call of `method` is answered 429 with this Retry-After (seconds); 0 stops it. */
  rateLimitEvery(method: string, every: number, retryAfter = 1): void {
    this.periodicLimits.set(method, { every, retryAfter, seen: 0 });
  }

  /** The next `count` calls of `method` take effect, but the connection drops before the answer. */
  loseResponses(method: string, count: number): void {
    this.lostResponses.set(method, count);
  }

  callsOf(method: string): FakeSlackCall[] {
    return this.calls.filter((call) => call.method === method && call.status === 200);
  }

  /** Top-level messages of a channel, oldest first. */
  channelMessages(channel: string): FakeSlackMessage[] {
    return this.messages.filter((message) => message.channel === channel && !message.threadTs);
  }

  threadOf(ts: string): FakeSlackMessage[] {
    return this.messages.filter((message) => message.threadTs === ts);
  }

  /** The card of a proposal (by the metadata the bot sends), or undefined. */
  cardOf(proposalId: string): FakeSlackMessage | undefined {
    return this.messages.find((message) => message.metadata?.event_payload['proposal_id'] === proposalId);
  }

  cardsOf(proposalId: string): FakeSlackMessage[] {
    return this.messages.filter((message) => message.metadata?.event_payload['proposal_id'] === proposalId);
  }

  /** The cards of a follow-up (an outbound message), by the metadata the bot sends. */
  followUpCardsOf(outboundMessageId: string): FakeSlackMessage[] {
    return this.messages.filter((message) => message.metadata?.event_payload['outbound_message_id'] === outboundMessageId);
  }

  /** The daily digests posted, oldest first. */
  digests(): FakeSlackMessage[] {
    return this.messages.filter((message) => message.metadata?.event_type === 'leadpilot_daily_digest');
  }

  /** Polls until `done` holds; the deadline only bounds a hang. */
  async waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`fake Slack: timed out waiting for ${what}; calls: ${this.calls.map((call) => `${call.method}:${call.status}`).join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const raw = await readBody(request);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const responseMatch = /^\/response\/([\w-]+)$/.exec(url.pathname);
    if (responseMatch && request.method === 'POST') {
      const body = JSON.parse(raw) as Record<string, any>;
      this.responses.push({ id: responseMatch[1]!, body });
      return send(response, 200, 'ok', 'text/plain');
    }
    const apiMatch = /^\/api\/([\w.]+)$/.exec(url.pathname);
    if (!apiMatch || request.method !== 'POST') return send(response, 404, JSON.stringify({ ok: false, error: 'unknown_method' }));
    const method = apiMatch[1]!;
    const body = parseBody(request.headers['content-type'], raw);
    if (!body) return send(response, 200, JSON.stringify({ ok: false, error: 'invalid_form_data' }));

    const limited = this.rateLimits.get(method);
    const periodic = this.periodicLimits.get(method);
    const periodicHit = periodic !== undefined && periodic.every > 0 && ++periodic.seen % periodic.every === 0;
    if ((limited && limited.count > 0) || periodicHit) {
      if (limited && limited.count > 0) limited.count -= 1;
      const retryAfter = limited && !periodicHit ? limited.retryAfter : periodic!.retryAfter;
      this.calls.push({ method, body, status: 429 });
      response.setHeader('Retry-After', String(retryAfter));
      return send(response, 429, JSON.stringify({ ok: false, error: 'ratelimited' }));
    }
    const token = /^Bearer (.+)$/.exec(request.headers['authorization'] ?? '')?.[1] ?? body['token'];
    if (!token) return this.answer(response, method, body, { ok: false, error: 'not_authed' });
    if (token !== this.token) return this.answer(response, method, body, { ok: false, error: 'invalid_auth' });
    const result = this.dispatch(method, body);
    const lost = this.lostResponses.get(method) ?? 0;
    if (lost > 0 && result['ok']) {
      this.lostResponses.set(method, lost - 1);
      this.calls.push({ method, body, status: 0 });
      request.socket.destroy();
      return;
    }
    return this.answer(response, method, body, result);
  }

  private answer(response: ServerResponse, method: string, body: Record<string, any>, result: Record<string, unknown>): void {
    this.calls.push({ method, body, status: 200 });
    send(response, 200, JSON.stringify(result));
  }

  private dispatch(method: string, body: Record<string, any>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://leadpilot-test.slack.com/', team: 'Leadpilot Test', user: 'leadpilot', team_id: 'T0TEAM', user_id: 'U0BOT', bot_id: 'B0BOT' };
      case 'chat.postMessage':
        return this.postMessage(body);
      case 'chat.update':
        return this.update(body);
      case 'chat.postEphemeral': {
        if (!body['channel'] || !body['user']) return { ok: false, error: 'invalid_arguments' };
        if (!KNOWN_CHANNELS.has(body['channel'])) return { ok: false, error: 'channel_not_found' };
        if (!body['text'] && !body['blocks']) return { ok: false, error: 'no_text' };
        return { ok: true, message_ts: this.nextTs() };
      }
      case 'views.open':
        return this.openView(body);
      case 'conversations.history': {
        if (!KNOWN_CHANNELS.has(body['channel'])) return { ok: false, error: 'channel_not_found' };
        const oldest = Number(body['oldest'] ?? 0);
        const withMetadata = isTrue(body['include_all_metadata']);
        const messages = this.channelMessages(body['channel']).filter((message) => Number(message.ts) >= oldest).reverse().map((message) => this.wire(message, withMetadata));
        return { ok: true, messages, has_more: false };
      }
      case 'conversations.replies': {
        const parent = this.messages.find((message) => message.channel === body['channel'] && message.ts === body['ts']);
        if (!parent) return { ok: false, error: 'thread_not_found' };
        const withMetadata = isTrue(body['include_all_metadata']);
        return { ok: true, messages: [parent, ...this.threadOf(parent.ts)].map((message) => this.wire(message, withMetadata)), has_more: false };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  private postMessage(body: Record<string, any>): Record<string, unknown> {
    const channel = body['channel'];
    if (!channel) return { ok: false, error: 'channel_not_found' };
    if (!KNOWN_CHANNELS.has(channel)) return { ok: false, error: 'channel_not_found' };
    const blocks = parseJson(body['blocks'], []);
    if (!body['text'] && !blocks.length) return { ok: false, error: 'no_text' };
    const invalid = invalidBlocks(blocks, MAX_MESSAGE_BLOCKS);
    if (invalid) return { ok: false, error: 'invalid_blocks', errors: [invalid] };
    const threadTs = body['thread_ts'] ? String(body['thread_ts']) : undefined;
    if (threadTs && !this.messages.some((message) => message.channel === channel && message.ts === threadTs && !message.threadTs)) return { ok: false, error: 'thread_not_found' };
    const metadata = body['metadata'] ? parseJson(body['metadata'], undefined) : undefined;
    if (body['metadata'] && (!metadata?.event_type || typeof metadata.event_payload !== 'object')) return { ok: false, error: 'invalid_metadata_format' };
    const message: FakeSlackMessage = { channel, ts: this.nextTs(), text: String(body['text'] ?? ''), blocks, ...(threadTs ? { threadTs } : {}), ...(metadata ? { metadata } : {}), updates: 0 };
    this.messages.push(message);
    return { ok: true, channel, ts: message.ts, message: this.wire(message, true) };
  }

  private update(body: Record<string, any>): Record<string, unknown> {
    const message = this.messages.find((candidate) => candidate.channel === body['channel'] && candidate.ts === body['ts']);
    if (!body['channel'] || !body['ts']) return { ok: false, error: 'invalid_arguments' };
    if (!message) return { ok: false, error: 'message_not_found' };
    const blocks = parseJson(body['blocks'], []);
    const invalid = invalidBlocks(blocks, MAX_MESSAGE_BLOCKS);
    if (invalid) return { ok: false, error: 'invalid_blocks', errors: [invalid] };
    message.text = String(body['text'] ?? message.text);
    message.blocks = blocks;
    message.updates += 1;
    return { ok: true, channel: message.channel, ts: message.ts, text: message.text };
  }

  private openView(body: Record<string, any>): Record<string, unknown> {
    if (!body['trigger_id']) return { ok: false, error: 'invalid_arguments' };
    const view = parseJson(body['view'], undefined);
    if (!view || view.type !== 'modal' || !view.title?.text) return { ok: false, error: 'invalid_arguments' };
    if (view.title.text.length > 24) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['title must be less than 25 characters'] } };
    const invalid = invalidBlocks(view.blocks ?? [], MAX_MODAL_BLOCKS);
    if (invalid) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: [invalid] } };
    return { ok: true, view: { id: `V${++this.sequence}`, ...view } };
  }

  private wire(message: FakeSlackMessage, withMetadata: boolean) {
    return {
      type: 'message',
      user: 'U0BOT',
      bot_id: 'B0BOT',
      ts: message.ts,
      text: message.text,
      blocks: message.blocks,
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      ...(withMetadata && message.metadata ? { metadata: message.metadata } : {}),
    };
  }

  /** Like Slack's: unix seconds and microseconds, unique and increasing within the channel. */
  private nextTs(): string {
    this.sequence += 1;
    const micros = Math.max(Date.now() * 1000, this.lastTsMicros + 1);
    this.lastTsMicros = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }
}

function invalidBlocks(blocks: any[], max: number): string | undefined {
  if (!Array.isArray(blocks)) return 'blocks must be an array';
  if (blocks.length > max) return `no more than ${max} items allowed [json-pointer:/blocks]`;
  for (const [index, block] of blocks.entries()) {
    if (typeof block?.type !== 'string') return `missing required field: type [json-pointer:/blocks/${index}]`;
    if (block.type === 'section') {
      if (!block.text && !block.fields) return `must provide text or fields [json-pointer:/blocks/${index}]`;
      if (block.text && String(block.text.text ?? '').length > MAX_SECTION_TEXT) return `must be less than 3001 characters [json-pointer:/blocks/${index}/text]`;
      if (block.text && !String(block.text.text ?? '')) return `must be more than 0 characters [json-pointer:/blocks/${index}/text]`;
      for (const field of block.fields ?? []) if (String(field.text ?? '').length > 2000) return `must be less than 2001 characters [json-pointer:/blocks/${index}/fields]`;
    }
    if (block.type === 'header' && String(block.text?.text ?? '').length > 150) return `must be less than 151 characters [json-pointer:/blocks/${index}/text]`;
    if (block.type === 'actions' && (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25)) return `invalid elements [json-pointer:/blocks/${index}/elements]`;
  }
  return undefined;
}

function parseBody(contentType: string | undefined, raw: string): Record<string, any> | undefined {
  if (contentType?.includes('application/json')) {
    try {
      const parsed = JSON.parse(raw || '{}');
      return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(new URLSearchParams(raw));
}

/** Form bodies carry nested values as JSON strings; JSON bodies carry them as they are. */
function parseJson(value: unknown, fallback: any): any {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return fallback;
  }
}

const isTrue = (value: unknown) => value === true || value === 'true' || value === '1';

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, status: number, body: string, contentType = 'application/json; charset=utf-8'): void {
  response.statusCode = status;
  response.setHeader('content-type', contentType);
  response.end(body);
}
