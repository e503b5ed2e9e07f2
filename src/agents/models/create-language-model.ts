import type { Config, ProviderName } from '../../config.js';
import type { Clock } from '../../lib/clock.js';
import { assertNever, type LanguageModel } from './language-model.js';
import { GeminiModel } from './gemini.model.js';
import { silentLogger, type ModelLogger } from './model-logger.js';
import { OfflineModel } from './offline.model.js';
import { OpenAIModel } from './openai.model.js';
import { makePriceTable } from './prices.js';
import { withCircuitBreaker, type CircuitBreakerModel, type CircuitBreakerOptions } from './with-circuit-breaker.js';
import { withFallback } from './with-fallback.js';
import { withRepair } from './with-repair.js';
import { withRetry, type RetryOptions } from './with-retry.js';
import { withRunRecording, type AgentRunRecorder } from './with-run-recording.js';

export interface LanguageModelDependencies {
  /** Unset: nothing is recorded (scripts, some tests). */
  readonly recorder?: AgentRunRecorder;
  readonly logger?: ModelLogger;
  /** For the breakers' cool-downs and the runs' timestamps. */
  readonly clock?: Clock;
  /** Overrides of the retry policy; tests shorten the waits. */
  readonly retry?: Partial<RetryOptions>;
  readonly breaker?: Partial<CircuitBreakerOptions>;
}

export interface ModelStack {
  /** What agents call. */
  readonly model: LanguageModel;
  /** One breaker per network provider, for health checks and metrics. */
  readonly circuits: readonly CircuitBreakerModel[];
}

/**
 * The chain in `LLM_PROVIDERS` order. Each network provider is
 * `breaker(repair(retry(adapter)))`: retries stay on the provider, a re-ask after an invalid answer
 * is retried like any call, and the breaker judges the provider after all of that. The offline
 * provider needs none of it. Recording wraps the whole chain: one `agent_runs` row per call.
 */
export function createLanguageModel(llm: Config['llm'], dependencies: LanguageModelDependencies = {}): ModelStack {
  const logger = dependencies.logger ?? silentLogger;
  const circuits: CircuitBreakerModel[] = [];
  const guard = (adapter: LanguageModel) => {
    const retried = withRetry(adapter, { maxAttempts: llm.maxAttempts, logger, ...dependencies.retry });
    const now = dependencies.clock ? () => dependencies.clock!.now().getTime() : undefined;
    const circuit = withCircuitBreaker(withRepair(retried, { logger }), { logger, now, ...dependencies.breaker });
    circuits.push(circuit);
    return circuit;
  };
  const build = (provider: ProviderName): LanguageModel => {
    switch (provider) {
      case 'openai':
        return guard(new OpenAIModel({ ...requireKey(llm.openai, 'OPENAI_API_KEY'), timeoutMs: llm.timeoutMs }));
      case 'gemini':
        return guard(new GeminiModel({ ...requireKey(llm.gemini, 'GEMINI_API_KEY'), timeoutMs: llm.timeoutMs }));
      case 'offline':
        return new OfflineModel();
      default:
        return assertNever(provider);
    }
  };
  const chain = llm.providers.map(build);
  const model = chain.length === 1 ? chain[0]! : withFallback(chain, { logger });
  return {
    model: dependencies.recorder
      ? withRunRecording(model, {
          recorder: dependencies.recorder,
          prices: makePriceTable(llm.prices),
          logger,
          now: dependencies.clock ? () => dependencies.clock!.now() : undefined,
        })
      : model,
    circuits,
  };
}

function requireKey<T extends { apiKey?: string }>(settings: T, variable: string): T & { apiKey: string } {
  // config.ts already refuses a listed provider without its key; this keeps the types honest.
  if (!settings.apiKey) throw new Error(`${variable} is not set`);
  return settings as T & { apiKey: string };
}
