import type OpenAI from 'openai';
import type { z } from 'zod';
import { classifyStatus, describeCause, isAbortError, isConnectionFailure, parseRetryAfter, startAttemptSignal } from './http-attempt.js';
import {
  answeredOnFirstAttempt,
  InvalidOutputError,
  ModelCallError,
  RateLimitedError,
  redactSecrets,
  type GenerateObjectRequest,
  type GenerateObjectResult,
  type LanguageModel,
  type TokenUsage,
} from './language-model.js';
import { parseAnswer, toJsonSchema } from './structured-output.js';

type OpenAISdk = typeof import('openai');
/** The SDK is loaded by the first call: a process whose chain never reaches OpenAI does not hold it. */
let sdk: Promise<OpenAISdk> | undefined;
const loadSdk = () => (sdk ??= import('openai'));

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAIModelOptions {
  readonly apiKey: string;
  /** Unset: the public API. Tests point it at the fake server. */
  readonly baseUrl?: string;
  readonly model: string;
  readonly timeoutMs: number;
}

/**
 * OpenAI chat completions with structured outputs (`response_format: json_schema`, strict). One
 * call is one attempt: the SDK's own retries are off, the wrappers decide.
 */
export class OpenAIModel implements LanguageModel {
  readonly provider = 'openai';
  readonly model: string;
  private client: OpenAI | undefined;

  constructor(private readonly options: OpenAIModelOptions) {
    this.model = options.model;
  }

  private clientOf(openai: OpenAISdk): OpenAI {
    // Everything explicit, so that the SDK reads nothing from the environment on its own.
    return (this.client ??= new openai.default({
      apiKey: this.options.apiKey,
      baseURL: this.options.baseUrl ?? OPENAI_DEFAULT_BASE_URL,
      organization: null,
      project: null,
      maxRetries: 0,
      logLevel: 'off',
    }));
  }

  async generateObject<S extends z.ZodType>(request: GenerateObjectRequest<S>): Promise<GenerateObjectResult<z.output<S>>> {
    const openai = await loadSdk();
    const started = performance.now();
    const timeoutMs = request.timeoutMs ?? this.options.timeoutMs;
    const attempt = startAttemptSignal(timeoutMs, request.signal);
    const elapsed = () => Math.round(performance.now() - started);
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.clientOf(openai).chat.completions.create(
        {
          model: this.model,
          messages: [
            { role: 'system', content: request.system },
            ...request.messages.map((message) => ({ role: message.role, content: message.content })),
          ],
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          response_format: {
            type: 'json_schema',
            json_schema: { name: request.schemaName, strict: true, schema: toJsonSchema(request.schema) },
          },
        },
        // Our deadline aborts first; the SDK's only bounds a request nobody watches any more.
        { signal: attempt.signal, timeout: timeoutMs * 2 },
      );
    } catch (error) {
      throw this.toCallError(openai, error, elapsed(), attempt.timedOut(), request.signal);
    } finally {
      attempt.dispose();
    }

    const latencyMs = elapsed();
    const model = completion.model || this.model;
    const usage: TokenUsage = {
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
    };
    const callInfo = { provider: this.provider, model, latencyMs, usage };
    const choice = completion.choices[0];
    if (choice?.message.refusal) {
      throw new ModelCallError('refused', `openai refused: ${choice.message.refusal}`, callInfo);
    }
    const text = choice?.message.content ?? '';
    const parsed = parseAnswer(text, request.schema);
    if (!parsed.ok) {
      const truncated = choice?.finish_reason === 'length' ? ' (cut off at the token limit)' : '';
      throw new InvalidOutputError(`openai: ${parsed.problem}${truncated}`, text, parsed.issues, callInfo);
    }
    return answeredOnFirstAttempt({ object: parsed.object, provider: this.provider, model, usage, latencyMs });
  }

  private toCallError({ APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError }: OpenAISdk, error: unknown, latencyMs: number, timedOut: boolean, callerSignal: AbortSignal | undefined): ModelCallError {
    // No `cause`: the SDK's error holds what the API echoed back (a masked key, say); the message below is redacted.
    const info = { provider: this.provider, model: this.model, latencyMs };
    const clean = (text: string) => redactSecrets(text, [this.options.apiKey]);
    if (timedOut) return new ModelCallError('timeout', `openai: no answer within ${latencyMs} ms`, info);
    if (callerSignal?.aborted || error instanceof APIUserAbortError) {
      return new ModelCallError('aborted', 'openai: the call was cancelled', info);
    }
    if (error instanceof APIConnectionTimeoutError) return new ModelCallError('timeout', 'openai: the request timed out', info);
    if (error instanceof APIConnectionError || isConnectionFailure(error)) {
      return new ModelCallError('connection', clean(`openai: connection failed: ${describeCause(error)}`), info);
    }
    if (error instanceof APIError && error.status !== undefined) {
      const body = (error.error ?? {}) as { message?: unknown; code?: unknown; type?: unknown };
      const detail = clean(`openai ${error.status}: ${typeof body.message === 'string' ? body.message : 'no message'}`);
      const withStatus = { ...info, status: error.status };
      if (error.status === 429) {
        if (body.code === 'insufficient_quota' || body.type === 'insufficient_quota') {
          return new ModelCallError('quota_exhausted', detail, withStatus);
        }
        return new RateLimitedError(detail, parseRetryAfter(error.headers), withStatus);
      }
      return new ModelCallError(classifyStatus(error.status), detail, withStatus);
    }
    if (isAbortError(error)) return new ModelCallError('aborted', 'openai: the call was cancelled', info);
    return new ModelCallError('unexpected', clean(`openai: ${describeCause(error)}`), info);
  }
}
