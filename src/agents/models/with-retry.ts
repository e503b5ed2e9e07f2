import { setTimeout as delay } from 'node:timers/promises';
import type { z } from 'zod';
import {
  includeEarlierFailures,
  ModelCallError,
  ModelRetryError,
  RateLimitedError,
  toModelError,
  type GenerateObjectRequest,
  type GenerateObjectResult,
  type LanguageModel,
  type ModelError,
  type RetryStopReason,
} from './language-model.js';
import { silentLogger, type ModelLogger } from './model-logger.js';

export interface RetryOptions {
  /** The first attempt included. */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** No retry starts after this much time since the call began. */
  readonly maxElapsedMs: number;
  /** A provider asking to wait longer than this is left for the next one in the chain. */
  readonly maxRetryAfterMs: number;
  readonly random?: () => number;
  readonly logger?: ModelLogger;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxAttempts: 3,
  initialDelayMs: 500,
  maxDelayMs: 8_000,
  maxElapsedMs: 90_000,
  maxRetryAfterMs: 20_000,
};

/**
 * The wait before retry number `retry` (1 for the first): exponential, capped, with "equal
 * jitter" (half the step fixed, half random) so that callers spread out without ever retrying at once.
 */
export function backoffDelay(retry: number, settings: Pick<RetryOptions, 'initialDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const step = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** (retry - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

/**
 * Retries retryable failures only (rate limits, 5xx, timeouts, dropped connections), with
 * exponential backoff and jitter, honouring the provider's `Retry-After`; never a 400, 401, 403,
 * an exhausted quota or an invalid answer (that is the repair wrapper's business).
 */
export function withRetry(model: LanguageModel, options: Partial<RetryOptions> = {}): LanguageModel {
  const settings = { ...DEFAULT_RETRY_OPTIONS, ...options };
  const random = settings.random ?? Math.random;
  const logger = settings.logger ?? silentLogger;

  const backoff = (retry: number) => backoffDelay(retry, settings, random);

  return {
    provider: model.provider,
    model: model.model,
    async generateObject<S extends z.ZodType>(request: GenerateObjectRequest<S>): Promise<GenerateObjectResult<z.output<S>>> {
      const started = performance.now();
      const errors: ModelError[] = [];
      const stop = (reason: RetryStopReason) => (errors.length === 1 ? errors[0]! : new ModelRetryError(reason, errors));

      for (let attempt = 1; ; attempt++) {
        try {
          return includeEarlierFailures(await model.generateObject(request), errors, started);
        } catch (caught) {
          const error = toModelError(caught, model.provider, model.model);
          errors.push(error);
          if (!error.retryable) throw stop('not_retryable');
          if (attempt >= settings.maxAttempts) throw stop('attempts_exhausted');

          const retryAfterMs = error instanceof RateLimitedError ? error.retryAfterMs : undefined;
          if (retryAfterMs !== undefined && retryAfterMs > settings.maxRetryAfterMs) throw stop('retry_after_too_long');
          const waitMs = Math.max(retryAfterMs ?? 0, backoff(attempt));
          if (performance.now() - started + waitMs > settings.maxElapsedMs) {
            throw stop(retryAfterMs !== undefined && retryAfterMs >= waitMs ? 'retry_after_too_long' : 'time_exhausted');
          }

          logger.warn(
            { provider: model.provider, model: model.model, errorClass: error.errorClass, attempt, waitMs, retryAfterMs },
            'model call failed, retrying',
          );
          try {
            await delay(waitMs, undefined, { signal: request.signal });
          } catch {
            errors.push(
              new ModelCallError('aborted', `${model.provider}: cancelled while waiting to retry`, {
                provider: model.provider,
                model: model.model,
                latencyMs: 0,
              }),
            );
            throw stop('not_retryable');
          }
        }
      }
    },
  };
}
