import { setTimeout as delay } from 'node:timers/promises';
import type { z } from 'zod';
import { ModelCallError, type GenerateObjectRequest, type GenerateObjectResult, type LanguageModel } from '../src/agents/models/language-model.js';
import { OfflineModel } from '../src/agents/models/offline.model.js';

/**
 * The benchmark's fake model, used only in the benchmark process: it waits `delayMs` (as a
 * remote model would) and then answers with the calling agent's own offline implementation, so
 * every answer is valid for its agent and the pipeline takes its ordinary path. It stands in for
 * the whole provider chain; run recording still wraps it, so agent_runs counts its calls.
 */
export class SlowOfflineModel implements LanguageModel {
  readonly provider = 'bench-slow';
  readonly model = 'offline-after-delay';
  private readonly offline = new OfflineModel();

  constructor(private readonly delayMs: number) {}

  async generateObject<S extends z.ZodType>(request: GenerateObjectRequest<S>): Promise<GenerateObjectResult<z.output<S>>> {
    const started = performance.now();
    try {
      await delay(this.delayMs, undefined, request.signal ? { signal: request.signal } : undefined);
    } catch (error) {
      throw new ModelCallError('aborted', 'bench-slow: the call was cancelled', { provider: this.provider, model: this.model, latencyMs: Math.round(performance.now() - started), cause: error });
    }
    const answer = await this.offline.generateObject(request);
    const latencyMs = Math.round(performance.now() - started);
    return {
      ...answer,
      provider: this.provider,
      model: this.model,
      latencyMs,
      attempts: answer.attempts.map((attempt) => ({ ...attempt, provider: this.provider, model: this.model, latencyMs })),
    };
  }
}
