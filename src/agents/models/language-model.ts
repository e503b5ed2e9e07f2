import type { z } from 'zod';

/**
 * The one interface agents depend on. Providers (OpenAI, Gemini, offline) are adapters of it;
 * retry, repair, circuit breaker, fallback and run recording are wrappers implementing it too.
 */
export interface LanguageModel {
  /** `openai`, `gemini`, `offline`, or a wrapper's name for a chain. */
  readonly provider: string;
  readonly model: string;
  generateObject<S extends z.ZodType>(request: GenerateObjectRequest<S>): Promise<GenerateObjectResult<z.output<S>>>;
}

export interface ChatMessage {
  readonly role: 'user' | 'assistant';
  readonly content: string;
}

/** Who is asking, for the `agent_runs` record; the model layer itself does not act on it. */
export interface RunContext {
  readonly agent: string;
  readonly strategy: string;
  readonly promptVersion?: string | null;
  readonly leadId?: string | null;
}

export interface GenerateObjectRequest<S extends z.ZodType> {
  readonly system: string;
  readonly messages: readonly ChatMessage[];
  /** The answer is parsed with it; providers receive its JSON Schema. */
  readonly schema: S;
  /** `[a-zA-Z0-9_-]{1,64}`: OpenAI requires it for the response format. */
  readonly schemaName: string;
  readonly temperature?: number;
  /** For each attempt (one HTTP call); the adapter's default when absent. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /**
   * The calling agent's own deterministic implementation: what the offline provider answers
   * with. Agents always pass it, so that the chain can end in `offline`.
   */
  readonly offline?: () => z.output<S> | Promise<z.output<S>>;
  readonly run?: RunContext;
}

export interface TokenUsage {
  readonly inputTokens: number;
  readonly outputTokens: number;
}

export const NO_USAGE: TokenUsage = Object.freeze({ inputTokens: 0, outputTokens: 0 });

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
}

/** The result of a single attempt that answered: it is its own only attempt. */
export function answeredOnFirstAttempt<T>(answer: { object: T; provider: string; model: string; usage: TokenUsage; latencyMs: number }): GenerateObjectResult<T> {
  const { object, provider, model, usage, latencyMs } = answer;
  return { object, usage, latencyMs, provider, model, attempts: [{ provider, model, errorClass: null, message: null, latencyMs, usage }] };
}

/**
 * A success that came after failed attempts (a retry, a fallback) reports every attempt, their
 * summed tokens, and the latency of the whole call.
 */
export function includeEarlierFailures<T>(result: GenerateObjectResult<T>, failures: readonly ModelError[], startedAt: number): GenerateObjectResult<T> {
  if (failures.length === 0) return result;
  const attempts = [...failures.flatMap((failure) => failure.attempts), ...result.attempts];
  return {
    ...result,
    attempts,
    usage: attempts.reduce((sum, each) => addUsage(sum, each.usage), { inputTokens: 0, outputTokens: 0 }),
    latencyMs: Math.round(performance.now() - startedAt),
  };
}

/** One call to one provider, successful (`errorClass: null`) or not. */
export interface ModelAttempt {
  readonly provider: string;
  readonly model: string;
  readonly errorClass: ModelErrorClass | null;
  readonly message: string | null;
  readonly latencyMs: number;
  /** Tokens billed for this attempt: an answer that failed validation was still paid for. */
  readonly usage: TokenUsage;
}

export interface GenerateObjectResult<T> {
  readonly object: T;
  /** Summed over every attempt of the call, failed ones included. */
  readonly usage: TokenUsage;
  /** From the start of the call to the answer, waiting between retries included. */
  readonly latencyMs: number;
  /** The provider and model that answered. */
  readonly provider: string;
  readonly model: string;
  /** Every attempt in order; the last one is the answer. */
  readonly attempts: readonly ModelAttempt[];
}

export const MODEL_ERROR_CLASSES = [
  'rate_limited',
  'server_error',
  'timeout',
  'connection',
  'bad_request',
  'unauthorized',
  'quota_exhausted',
  'invalid_output',
  'refused',
  'circuit_open',
  'aborted',
  'unexpected',
] as const;
export type ModelErrorClass = (typeof MODEL_ERROR_CLASSES)[number];

const RETRYABLE: ReadonlySet<ModelErrorClass> = new Set(['rate_limited', 'server_error', 'timeout', 'connection']);

/** Failures that say something about the provider's health rather than about the request. */
const PROVIDER_FAILURES: ReadonlySet<ModelErrorClass> = new Set([
  ...RETRYABLE,
  'quota_exhausted',
  'unauthorized',
]);

export function isRetryableClass(errorClass: ModelErrorClass): boolean {
  return RETRYABLE.has(errorClass);
}

export function isProviderFailureClass(errorClass: ModelErrorClass): boolean {
  return PROVIDER_FAILURES.has(errorClass);
}

/**
 * Every failure a `LanguageModel` throws. `attempts` lists each call made on the way, so the
 * wrappers and the run record can tell the whole story.
 */
export class ModelError extends Error {
  readonly code = 'MODEL_ERROR';
  readonly retryable: boolean;
  constructor(
    readonly errorClass: ModelErrorClass,
    message: string,
    readonly attempts: readonly ModelAttempt[],
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ModelError';
    this.retryable = options?.retryable ?? isRetryableClass(errorClass);
  }

  get usage(): TokenUsage {
    return this.attempts.reduce((sum, attempt) => addUsage(sum, attempt.usage), NO_USAGE);
  }
}

interface CallErrorOptions {
  provider: string;
  model: string;
  latencyMs: number;
  usage?: TokenUsage;
  cause?: unknown;
  /** HTTP status, when there was one. */
  status?: number;
}

/** One failed call to one provider. */
export class ModelCallError extends ModelError {
  readonly provider: string;
  readonly model: string;
  readonly status: number | undefined;
  constructor(errorClass: ModelErrorClass, message: string, options: CallErrorOptions) {
    super(
      errorClass,
      message,
      [
        {
          provider: options.provider,
          model: options.model,
          errorClass,
          message,
          latencyMs: options.latencyMs,
          usage: options.usage ?? NO_USAGE,
        },
      ],
      { cause: options.cause },
    );
    this.name = 'ModelCallError';
    this.provider = options.provider;
    this.model = options.model;
    this.status = options.status;
  }
}

/** A 429 that will pass: `retryAfterMs` is the provider's own hint, when it gave one. */
export class RateLimitedError extends ModelCallError {
  constructor(
    message: string,
    readonly retryAfterMs: number | undefined,
    options: CallErrorOptions,
  ) {
    super('rate_limited', message, options);
    this.name = 'RateLimitedError';
  }
}

/** The provider answered, but not with JSON matching the schema. `issues` say why, for the re-ask. */
export class InvalidOutputError extends ModelCallError {
  constructor(
    message: string,
    readonly text: string,
    readonly issues: readonly string[],
    options: CallErrorOptions,
  ) {
    super('invalid_output', message, options);
    this.name = 'InvalidOutputError';
  }
}

/** The breaker skipped the provider without calling it. */
export class CircuitOpenError extends ModelError {
  constructor(
    readonly provider: string,
    readonly model: string,
    readonly retryAt: Date,
  ) {
    const message = `${provider} skipped: its circuit is open until ${retryAt.toISOString()}`;
    super('circuit_open', message, [
      { provider, model, errorClass: 'circuit_open', message, latencyMs: 0, usage: NO_USAGE },
    ]);
    this.name = 'CircuitOpenError';
  }
}

export type RetryStopReason = 'not_retryable' | 'attempts_exhausted' | 'time_exhausted' | 'retry_after_too_long' | 'repair_failed';

/** A wrapper tried more than once and gave up; `errors` keeps every failure, in order. */
export class ModelRetryError extends ModelError {
  constructor(
    readonly reason: RetryStopReason,
    readonly errors: readonly ModelError[],
  ) {
    const last = errors.at(-1)!;
    super(last.errorClass, `${describeStop(reason, errors.length)}: ${last.message}`, errors.flatMap((error) => error.attempts), {
      cause: last,
      retryable: false,
    });
    this.name = 'ModelRetryError';
  }

  get lastError(): ModelError {
    return this.errors.at(-1)!;
  }
}

/** Every provider of the chain failed; `errors` holds one failure per provider. */
export class ModelFallbackError extends ModelError {
  constructor(readonly errors: readonly ModelError[]) {
    const last = errors.at(-1)!;
    super(
      last.errorClass,
      `every provider failed: ${errors.map((error) => error.message).join('; ')}`,
      errors.flatMap((error) => error.attempts),
      { cause: last, retryable: false },
    );
    this.name = 'ModelFallbackError';
  }
}

function describeStop(reason: RetryStopReason, count: number): string {
  switch (reason) {
    case 'not_retryable':
      return `gave up after ${count} attempts on a failure that is not retried`;
    case 'attempts_exhausted':
      return `gave up after ${count} attempts`;
    case 'time_exhausted':
      return `gave up after ${count} attempts: out of time`;
    case 'retry_after_too_long':
      return `gave up after ${count} attempts: the provider asked to wait longer than allowed`;
    case 'repair_failed':
      return 'the corrected answer was still invalid';
    default:
      return assertNever(reason);
  }
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${String(value)}`);
}

/** The most recent invalid answer inside an error, if that is what it ended on. */
export function findInvalidOutput(error: unknown): InvalidOutputError | undefined {
  if (error instanceof InvalidOutputError) return error;
  if (error instanceof ModelRetryError || error instanceof ModelFallbackError) return findInvalidOutput(error.errors.at(-1));
  return undefined;
}

/** Coerces anything thrown into a `ModelError`, so that wrappers only ever see one kind. */
export function toModelError(error: unknown, provider: string, model: string, latencyMs = 0): ModelError {
  if (error instanceof ModelError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ModelCallError('unexpected', redactSecrets(message), { provider, model, latencyMs });
}

const SECRET_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_*.-]{4,}/g, // OpenAI keys, also masked ones echoed back in 401 messages
  /\bAIza[0-9A-Za-z_-]{10,}/g, // Google API keys
  /([?&]key=)[^&\s"]+/g, // keys passed in a query string
  /(Incorrect API key provided: )[^\s.,"]+/g,
  /(Bearer\s+)[A-Za-z0-9._~+/=-]+/g,
];

/**
 * Removes API keys from text that may reach a log, an error or a database row: the given
 * secrets verbatim, and anything shaped like a provider key.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) result = result.split(secret).join('[redacted]');
  }
  for (const pattern of SECRET_PATTERNS) {
    result = result.replace(pattern, (match, prefix?: unknown) =>
      typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}[redacted]` : '[redacted]',
    );
  }
  return result;
}
