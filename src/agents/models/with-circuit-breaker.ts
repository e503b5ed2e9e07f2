import type { z } from 'zod';
import {
  CircuitOpenError,
  isProviderFailureClass,
  toModelError,
  type GenerateObjectRequest,
  type GenerateObjectResult,
  type LanguageModel,
} from './language-model.js';
import { silentLogger, type ModelLogger } from './model-logger.js';

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** Consecutive provider failures (after retries) that open the circuit. */
  readonly failureThreshold: number;
  /** How long an open circuit skips the provider before letting one probe through. */
  readonly cooldownMs: number;
  /** Milliseconds since the epoch; injectable so tests can move time. */
  readonly now?: () => number;
  readonly logger?: ModelLogger;
  /** For metrics, later: called on every change of state. */
  readonly onStateChange?: (change: { provider: string; model: string; from: CircuitState; to: CircuitState }) => void;
}

export const DEFAULT_CIRCUIT_BREAKER_OPTIONS: CircuitBreakerOptions = { failureThreshold: 5, cooldownMs: 30_000 };

export interface CircuitBreakerModel extends LanguageModel {
  readonly circuit: { readonly state: CircuitState; readonly consecutiveFailures: number };
}

/**
 * One breaker per provider. Closed: calls pass, and consecutive provider failures (5xx,
 * timeouts, connections, rate limits, exhausted quota, refused keys) are counted. Open: calls
 * are skipped at once with `circuit_open`, so the fallback chain moves on without waiting.
 * After the cool-down, half-open: one call probes; success closes the circuit, failure opens it
 * again for another cool-down. A 400 or an invalid answer proves the provider is up.
 */
export function withCircuitBreaker(model: LanguageModel, options: Partial<CircuitBreakerOptions> = {}): CircuitBreakerModel {
  const settings = { ...DEFAULT_CIRCUIT_BREAKER_OPTIONS, ...options };
  const now = settings.now ?? Date.now;
  const logger = settings.logger ?? silentLogger;
  let state: CircuitState = 'closed';
  let consecutiveFailures = 0;
  let openedAt = 0;
  let probing = false;

  const moveTo = (next: CircuitState, details: object = {}) => {
    if (next === state) return;
    const change = { provider: model.provider, model: model.model, from: state, to: next };
    state = next;
    if (next === 'open') openedAt = now();
    const log = { ...change, consecutiveFailures, ...details };
    if (next === 'open') logger.warn(log, `circuit of ${model.provider} opened`);
    else logger.info(log, next === 'closed' ? `circuit of ${model.provider} closed` : `circuit of ${model.provider} half-open: probing`);
    settings.onStateChange?.(change);
  };

  return {
    provider: model.provider,
    model: model.model,
    get circuit() {
      return { state, consecutiveFailures };
    },
    async generateObject<S extends z.ZodType>(request: GenerateObjectRequest<S>): Promise<GenerateObjectResult<z.output<S>>> {
      if (state === 'open' && now() - openedAt >= settings.cooldownMs) moveTo('half_open');
      if (state === 'open' || (state === 'half_open' && probing)) {
        throw new CircuitOpenError(model.provider, model.model, new Date(openedAt + settings.cooldownMs));
      }
      const isProbe = state === 'half_open';
      if (isProbe) probing = true;
      try {
        const result = await model.generateObject(request);
        consecutiveFailures = 0;
        moveTo('closed');
        return result;
      } catch (caught) {
        const error = toModelError(caught, model.provider, model.model);
        if (error.errorClass === 'aborted') {
          // The caller gave up: no verdict on the provider. A probe cut short lets the next call probe.
          if (isProbe) {
            state = 'open';
            openedAt = now() - settings.cooldownMs;
          }
        } else if (isProviderFailureClass(error.errorClass)) {
          consecutiveFailures += 1;
          if (isProbe || consecutiveFailures >= settings.failureThreshold) {
            moveTo('open', { errorClass: error.errorClass });
          }
        } else {
          consecutiveFailures = 0;
          moveTo('closed');
        }
        throw error;
      } finally {
        if (isProbe) probing = false;
      }
    },
  };
}
