import type { GenerateContentResponse, GoogleGenAI } from '@google/genai';
import type { z } from 'zod';
import { classifyStatus, describeCause, isAbortError, isConnectionFailure, parseProtobufDuration, startAttemptSignal } from './http-attempt.js';
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
import { parseAnswer, toJsonSchema, withPropertyOrdering } from './structured-output.js';

type GeminiSdk = typeof import('@google/genai');
/** The SDK is loaded by the first call: a process whose chain never reaches Gemini does not hold it. */
let sdk: Promise<GeminiSdk> | undefined;
const loadSdk = () => (sdk ??= import('@google/genai'));

export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

export interface GeminiModelOptions {
  readonly apiKey: string;
  /** Unset: the public Gemini API. Tests point it at the fake server. */
  readonly baseUrl?: string;
  readonly model: string;
  readonly timeoutMs: number;
}

/** Finish reasons that mean the model withheld its answer rather than failed to write one. */
const WITHHELD = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'LANGUAGE']);

/**
 * Gemini `generateContent` with JSON output (`responseMimeType: application/json` and
 * `responseJsonSchema`). One call is one attempt: the SDK's retries are left off.
 */
export class GeminiModel implements LanguageModel {
  readonly provider = 'gemini';
  readonly model: string;
  private client: GoogleGenAI | undefined;

  constructor(private readonly options: GeminiModelOptions) {
    this.model = options.model;
  }

  private clientOf(gemini: GeminiSdk): GoogleGenAI {
    // Everything explicit, so that the SDK reads nothing from the environment on its own.
    return (this.client ??= new gemini.GoogleGenAI({
      vertexai: false,
      apiKey: this.options.apiKey,
      apiVersion: 'v1beta',
      httpOptions: { baseUrl: this.options.baseUrl ?? GEMINI_DEFAULT_BASE_URL },
    }));
  }

  async generateObject<S extends z.ZodType>(request: GenerateObjectRequest<S>): Promise<GenerateObjectResult<z.output<S>>> {
    const gemini = await loadSdk();
    const started = performance.now();
    const attempt = startAttemptSignal(request.timeoutMs ?? this.options.timeoutMs, request.signal);
    const elapsed = () => Math.round(performance.now() - started);
    let response: GenerateContentResponse;
    try {
      response = await this.clientOf(gemini).models.generateContent({
        model: this.model,
        contents: request.messages.map((message) => ({
          role: message.role === 'assistant' ? 'model' : 'user',
          parts: [{ text: message.content }],
        })),
        config: {
          systemInstruction: request.system,
          ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
          responseMimeType: 'application/json',
          responseJsonSchema: withPropertyOrdering(toJsonSchema(request.schema)),
          automaticContinuation: false,
          abortSignal: attempt.signal,
        },
      });
    } catch (error) {
      throw this.toCallError(gemini, error, elapsed(), attempt.timedOut(), request.signal);
    } finally {
      attempt.dispose();
    }

    const latencyMs = elapsed();
    const model = response.modelVersion || this.model;
    const metadata = response.usageMetadata;
    const usage: TokenUsage = {
      inputTokens: metadata?.promptTokenCount ?? 0,
      // Thinking tokens are billed as output.
      outputTokens: (metadata?.candidatesTokenCount ?? 0) + (metadata?.thoughtsTokenCount ?? 0),
    };
    const callInfo = { provider: this.provider, model, latencyMs, usage };
    const blocked = response.promptFeedback?.blockReason;
    const candidate = response.candidates?.[0];
    const finishReason = candidate?.finishReason;
    if (blocked || (finishReason && WITHHELD.has(finishReason))) {
      throw new ModelCallError('refused', `gemini withheld the answer: ${blocked ?? finishReason}`, callInfo);
    }
    const text = (candidate?.content?.parts ?? [])
      .filter((part) => typeof part.text === 'string' && !part.thought)
      .map((part) => part.text)
      .join('');
    const parsed = parseAnswer(text, request.schema);
    if (!parsed.ok) {
      const truncated = finishReason === 'MAX_TOKENS' ? ' (cut off at the token limit)' : '';
      throw new InvalidOutputError(`gemini: ${parsed.problem}${truncated}`, text, parsed.issues, callInfo);
    }
    return answeredOnFirstAttempt({ object: parsed.object, provider: this.provider, model, usage, latencyMs });
  }

  private toCallError({ ApiError }: GeminiSdk, error: unknown, latencyMs: number, timedOut: boolean, callerSignal: AbortSignal | undefined): ModelCallError {
    // No `cause`: the SDK's error holds what the API echoed back (a masked key, say); the message below is redacted.
    const info = { provider: this.provider, model: this.model, latencyMs };
    const clean = (text: string) => redactSecrets(text, [this.options.apiKey]);
    if (timedOut) return new ModelCallError('timeout', `gemini: no answer within ${latencyMs} ms`, info);
    if (callerSignal?.aborted) return new ModelCallError('aborted', 'gemini: the call was cancelled', info);
    if (error instanceof ApiError) {
      const body = parseGoogleError(error.message);
      const detail = clean(`gemini ${error.status}${body.status ? ` ${body.status}` : ''}: ${body.message ?? 'no message'}`);
      const withStatus = { ...info, status: error.status };
      if (error.status === 429) {
        const violations = body.details.flatMap((entry) => (Array.isArray(entry['violations']) ? entry['violations'] : [])) as {
          quotaId?: unknown;
          quotaValue?: unknown;
        }[];
        // Gemini says "exceeded your current quota" for every 429; a daily quota (or none at
        // all on this tier) will not come back by waiting, a per-minute one will.
        const exhausted = violations.some(
          (violation) => /PerDay/i.test(String(violation.quotaId ?? '')) || String(violation.quotaValue ?? '') === '0',
        );
        if (exhausted) return new ModelCallError('quota_exhausted', detail, withStatus);
        const retryInfo = body.details.find((entry) => String(entry['@type'] ?? '').endsWith('google.rpc.RetryInfo'));
        return new RateLimitedError(detail, parseProtobufDuration(retryInfo?.['retryDelay']), withStatus);
      }
      const invalidKey = body.details.some((entry) => entry['reason'] === 'API_KEY_INVALID');
      return new ModelCallError(invalidKey ? 'unauthorized' : classifyStatus(error.status), detail, withStatus);
    }
    if (isConnectionFailure(error)) {
      return new ModelCallError('connection', clean(`gemini: connection failed: ${describeCause(error)}`), info);
    }
    if (isAbortError(error)) return new ModelCallError('aborted', 'gemini: the call was cancelled', info);
    return new ModelCallError('unexpected', clean(`gemini: ${describeCause(error)}`), info);
  }
}

interface GoogleErrorBody {
  message?: string;
  status?: string;
  details: Record<string, unknown>[];
}

/** The SDK puts the response body, as JSON text, into `ApiError.message`. */
function parseGoogleError(message: string): GoogleErrorBody {
  try {
    const body = JSON.parse(message) as { error?: { message?: unknown; status?: unknown; details?: unknown } };
    const error = body.error ?? {};
    return {
      message: typeof error.message === 'string' ? error.message : undefined,
      status: typeof error.status === 'string' ? error.status : undefined,
      details: Array.isArray(error.details) ? (error.details as Record<string, unknown>[]) : [],
    };
  } catch {
    return { message: message.slice(0, 500), details: [] };
  }
}
