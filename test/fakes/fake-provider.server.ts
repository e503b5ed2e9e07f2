import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What a fake provider does with the next valid request. */
export type FakeBehaviour =
  | { kind: 'answer'; object?: unknown }
  | { kind: 'server_error' }
  | { kind: 'unavailable' }
  | { kind: 'rate_limited'; retryAfterSeconds: number }
  | { kind: 'quota_exhausted' }
  /** Never answers: the client's deadline has to end it. */
  | { kind: 'hang' }
  /** A 200 whose text is not JSON (cut off at the token limit). */
  | { kind: 'invalid_json' }
  /** A 200 with JSON that does not match the requested schema. */
  | { kind: 'schema_mismatch'; object?: unknown }
  | { kind: 'refusal' };

export type Scripted = FakeBehaviour | Exclude<FakeBehaviour['kind'], 'rate_limited'>;

/** What an agent asked, recovered from either wire format, for an `answerWith` hook. */
export interface AgentRequest {
  /** The system text (OpenAI's system message, Gemini's systemInstruction). */
  readonly system: string;
  /** The conversation after the system text, in order. */
  readonly messages: readonly { role: 'user' | 'assistant'; text: string }[];
  /** The first user message: where the agents put their input. */
  readonly user: string;
  /** OpenAI's response_format name; null for Gemini, which has none. */
  readonly schemaName: string | null;
  /** The JSON Schema the answer must match. */
  readonly schema: Record<string, unknown>;
}

const BEHAVIOUR = Symbol('fake behaviour');
/** Returned by an `answerWith` hook: behave like this instead of answering. */
export interface BehaviourOverride {
  readonly [BEHAVIOUR]: FakeBehaviour;
}
export function behave(behaviour: Scripted): BehaviourOverride {
  return { [BEHAVIOUR]: typeof behaviour === 'string' ? ({ kind: behaviour } as FakeBehaviour) : behaviour };
}

/** Answers an agent's request with an object (or `behave(...)` to fail it instead). */
export type Answerer = (request: AgentRequest) => unknown;

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when it was not JSON. */
  readonly body: unknown;
  /** `performance.now()` when the request arrived. */
  readonly receivedAt: number;
  /** What the fake answered; `hang` when it never did. */
  status: number | 'hang';
}

export interface FakeResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The shared part of the fake OpenAI and Gemini servers: a real HTTP server on 127.0.0.1 and a
 * random port, a script of behaviours consumed one per valid request (an invalid request is
 * refused with the API's own 400 and consumes nothing), a record of every request, and the
 * connections a client closed while the fake was still "thinking".
 */
export abstract class FakeProviderServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests scripted to hang whose connection the client closed. */
  abandoned = 0;
  private readonly script: FakeBehaviour[] = [];
  private fallbackBehaviour: FakeBehaviour = { kind: 'answer' };
  private answerer: Answerer | undefined;
  /** Errors thrown by the `answerWith` hook (each answered with a 500): a spec asserts there are none. */
  readonly answererErrors: Error[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly waiters: (() => void)[] = [];
  protected port = 0;
  /** Requests scripted to hang, until `releaseHanging()`. */
  private readonly hanging: { response: http.ServerResponse; recorded: RecordedRequest; body: unknown }[] = [];
  /** How long the fake "thinks" before each answer to a valid request (see `delay`). */
  private answerDelayMs = 0;

  constructor() {
    this.server = http.createServer((request, response) => void this.handle(request, response));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Queues behaviours for the next valid requests, in order. */
  enqueue(...behaviours: Scripted[]): this {
    this.script.push(...behaviours.map((behaviour) => (typeof behaviour === 'string' ? ({ kind: behaviour } as FakeBehaviour) : behaviour)));
    return this;
  }

  /** What to do once the script is used up (initially: answer). */
  otherwise(behaviour: Scripted): this {
    this.fallbackBehaviour = typeof behaviour === 'string' ? ({ kind: behaviour } as FakeBehaviour) : behaviour;
    return this;
  }

  /**
   * Answers every request that would get a sample answer (nothing scripted, or a bare `answer`)
   * with what `answerer` returns for it; `null` goes back to samples.
   */
  answerWith(answerer: Answerer | null): this {
    this.answerer = answerer ?? undefined;
    return this;
  }

  get validRequests(): RecordedRequest[] {
    return this.requests.filter((request) => request.status !== 400 && request.status !== 401 && request.status !== 403 && request.status !== 404);
  }

  /** Resolves once the client has closed `count` hung connections in all. */
  async waitForAbandoned(count = 1, timeoutMs = 5_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.abandoned < count) {
      if (performance.now() > deadline) throw new Error(`the client closed ${this.abandoned} hung connections, expected ${count}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50).unref();
      });
    }
  }

  /**
   * Every answer to a valid request (an error answer too) comes `ms` after the request arrived,
   * as a remote model takes its time: the benchmark's 800 ms model. Refusals of invalid requests
   * stay immediate, as the real APIs' are.
   */
  delay(ms: number): this {
    this.answerDelayMs = Math.max(0, ms);
    return this;
  }

  /** Checks the request as the real API would; a refusal is answered as is. */
  protected abstract validate(path: string, headers: http.IncomingHttpHeaders, body: unknown, rawBody: string): FakeResponse | undefined;
  /** The agent's request in the provider's wire format, read back. */
  protected abstract agentRequestOf(body: unknown): AgentRequest;
  protected abstract respond(behaviour: FakeBehaviour, body: unknown, path: string): FakeResponse;

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: unknown = rawBody;
    try {
      body = rawBody === '' ? undefined : JSON.parse(rawBody);
    } catch {
      // left as text: validate() refuses it the way the API does
    }
    const recorded: RecordedRequest = {
      method: request.method ?? '',
      path: request.url ?? '',
      headers: request.headers,
      body,
      receivedAt: performance.now(),
      status: 0,
    };
    this.requests.push(recorded);

    const refusal = this.validate(recorded.path, request.headers, body, rawBody);
    if (refusal) return this.send(response, recorded, refusal);

    const behaviour = this.answered(this.script.shift() ?? this.fallbackBehaviour, body);
    if (behaviour.kind === 'hang') {
      recorded.status = 'hang';
      this.hanging.push({ response, recorded, body });
      response.on('close', () => {
        if (response.writableEnded) return;
        this.abandoned += 1;
        for (const wake of this.waiters.splice(0)) wake();
      });
      return;
    }
    const answer = this.respond(behaviour, body, recorded.path);
    if (this.answerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.answerDelayMs));
    // The client may have given up meanwhile (its deadline, an abort).
    if (response.destroyed) {
      recorded.status = 'hang';
      return;
    }
    this.send(response, recorded, answer);
  }

  /** The behaviour for a request: a scripted one, or what the answerer says. */
  private answered(scripted: FakeBehaviour, body: unknown): FakeBehaviour {
    if (scripted.kind !== 'answer' || scripted.object !== undefined || !this.answerer) return scripted;
    try {
      const answered = this.answerer(this.agentRequestOf(body));
      return isRecord(answered) && BEHAVIOUR in answered ? (answered as BehaviourOverride)[BEHAVIOUR] : { kind: 'answer', object: answered };
    } catch (error) {
      this.answererErrors.push(error instanceof Error ? error : new Error(String(error)));
      return { kind: 'server_error' };
    }
  }

  /**
   * Answers the requests still hanging as the answerer now would: a model that was slow, not
   * dead. Returns how many were answered (the client may have given up on the others).
   */
  releaseHanging(): number {
    let released = 0;
    for (const { response, recorded, body } of this.hanging.splice(0)) {
      if (response.destroyed || response.writableEnded) continue;
      const behaviour = this.answered(this.fallbackBehaviour, body);
      if (behaviour.kind === 'hang') continue;
      this.send(response, recorded, this.respond(behaviour, body, recorded.path));
      released += 1;
    }
    return released;
  }

  private send(response: http.ServerResponse, recorded: RecordedRequest, answer: FakeResponse): void {
    recorded.status = answer.status;
    const text = JSON.stringify(answer.body);
    response.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
      ...answer.headers,
    });
    response.end(text);
  }
}

/** About four characters per token, as the providers' own rule of thumb says. */
export function estimateTokens(value: unknown): number {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  return Math.max(1, Math.ceil(text.length / 4));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
