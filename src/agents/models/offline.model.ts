import type { z } from 'zod';
import {
  answeredOnFirstAttempt,
  ModelCallError,
  NO_USAGE,
  type GenerateObjectRequest,
  type GenerateObjectResult,
  type LanguageModel,
} from './language-model.js';
import { formatIssues } from './structured-output.js';

export const OFFLINE_MODEL_NAME = 'rules';

/**
 * The provider without a network: it answers with the calling agent's own deterministic
 * implementation (`request.offline`), driven by the agency configuration. A real provider, not a
 * mock: with no key at all the whole flow runs on it, and with keys it is the last fallback.
 */
export class OfflineModel implements LanguageModel {
  readonly provider = 'offline';
  readonly model = OFFLINE_MODEL_NAME;

  async generateObject<S extends z.ZodType>(request: GenerateObjectRequest<S>): Promise<GenerateObjectResult<z.output<S>>> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const info = () => ({ provider: this.provider, model: this.model, latencyMs: elapsed() });
    if (request.signal?.aborted) throw new ModelCallError('aborted', 'offline: the call was cancelled', info());
    if (!request.offline) {
      throw new ModelCallError('bad_request', `offline: no offline implementation was given for ${request.schemaName}`, info());
    }
    let answer: unknown;
    try {
      answer = await request.offline();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new ModelCallError('unexpected', `offline: the implementation of ${request.schemaName} failed: ${message}`, {
        ...info(),
        cause: error,
      });
    }
    // The offline implementation is code, so a mismatch is a bug worth a loud, precise error.
    const parsed = request.schema.safeParse(answer);
    if (!parsed.success) {
      throw new ModelCallError(
        'unexpected',
        `offline: the implementation of ${request.schemaName} broke its schema: ${formatIssues(parsed.error).join('; ')}`,
        info(),
      );
    }
    return answeredOnFirstAttempt({ object: parsed.data as z.output<S>, provider: this.provider, model: this.model, usage: NO_USAGE, latencyMs: elapsed() });
  }
}
