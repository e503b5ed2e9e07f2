import type { z } from 'zod';
import {
  includeEarlierFailures,
  ModelFallbackError,
  toModelError,
  type GenerateObjectRequest,
  type GenerateObjectResult,
  type LanguageModel,
  type ModelError,
} from './language-model.js';
import { silentLogger, type ModelLogger } from './model-logger.js';

/**
 * Tries each model in order until one answers. Any failure moves on (a 400 from one provider may
 * be its own limitation); only the caller's cancellation stops the chain.
 */
export function withFallback(models: readonly LanguageModel[], options: { logger?: ModelLogger } = {}): LanguageModel {
  if (models.length === 0) throw new Error('withFallback needs at least one model');
  const logger = options.logger ?? silentLogger;
  return {
    provider: models.map((model) => model.provider).join('>'),
    model: models.map((model) => model.model).join('>'),
    async generateObject<S extends z.ZodType>(request: GenerateObjectRequest<S>): Promise<GenerateObjectResult<z.output<S>>> {
      const started = performance.now();
      const errors: ModelError[] = [];
      for (const [index, model] of models.entries()) {
        try {
          return includeEarlierFailures(await model.generateObject(request), errors, started);
        } catch (caught) {
          const error = toModelError(caught, model.provider, model.model);
          errors.push(error);
          if (error.errorClass === 'aborted' || request.signal?.aborted) break;
          const next = models[index + 1];
          if (next) {
            logger.warn(
              { provider: model.provider, errorClass: error.errorClass, next: next.provider, error: error.message },
              `${model.provider} failed, falling back to ${next.provider}`,
            );
          }
        }
      }
      throw errors.length === 1 ? errors[0]! : new ModelFallbackError(errors);
    },
  };
}
