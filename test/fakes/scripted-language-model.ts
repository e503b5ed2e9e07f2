import type { z } from 'zod';
import {
  ModelCallError,
  RateLimitedError,
  type GenerateObjectRequest,
  type GenerateObjectResult,
  type LanguageModel,
  type ModelErrorClass,
} from '../../src/agents/models/language-model.js';

export type ScriptedOutcome = 'ok' | ModelErrorClass | { errorClass: 'rate_limited'; retryAfterMs: number };

/**
 * A `LanguageModel` that plays a script of outcomes, one per call ('ok' answers with the
 * request's offline implementation): for testing the wrappers without HTTP. Once the script is
 * used up it repeats `otherwise`.
 */
export class ScriptedLanguageModel implements LanguageModel {
  calls = 0;
  private readonly script: ScriptedOutcome[];

  constructor(
    readonly provider: string,
    script: ScriptedOutcome[] = [],
    private readonly otherwise: ScriptedOutcome = 'ok',
    readonly model = `${provider}-model`,
  ) {
    this.script = [...script];
  }

  enqueue(...outcomes: ScriptedOutcome[]): this {
    this.script.push(...outcomes);
    return this;
  }

  async generateObject<S extends z.ZodType>(request: GenerateObjectRequest<S>): Promise<GenerateObjectResult<z.output<S>>> {
    this.calls += 1;
    const outcome = this.script.shift() ?? this.otherwise;
    const info = { provider: this.provider, model: this.model, latencyMs: 1, usage: { inputTokens: 10, outputTokens: 5 } };
    if (outcome === 'ok') {
      const object = request.schema.parse(await request.offline?.()) as z.output<S>;
      return {
        object,
        usage: info.usage,
        latencyMs: 1,
        provider: this.provider,
        model: this.model,
        attempts: [{ provider: this.provider, model: this.model, errorClass: null, message: null, latencyMs: 1, usage: info.usage }],
      };
    }
    if (typeof outcome === 'object') throw new RateLimitedError(`${this.provider}: rate limited`, outcome.retryAfterMs, info);
    if (outcome === 'rate_limited') throw new RateLimitedError(`${this.provider}: rate limited`, undefined, info);
    throw new ModelCallError(outcome, `${this.provider}: scripted ${outcome}`, info);
  }
}
