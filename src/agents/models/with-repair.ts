import type { z } from 'zod';
import {
  ModelRetryError,
  addUsage,
  findInvalidOutput,
  toModelError,
  type ChatMessage,
  type GenerateObjectRequest,
  type GenerateObjectResult,
  type InvalidOutputError,
  type LanguageModel,
} from './language-model.js';
import { silentLogger, type ModelLogger } from './model-logger.js';

/** Long enough to show the model what it wrote; short enough not to double the prompt's cost. */
const MAX_ECHOED_ANSWER = 8_000;
const MAX_LISTED_ISSUES = 20;

/**
 * An answer that is not JSON or misses the schema gets exactly one corrective re-ask on the same
 * provider, carrying the validation errors; if that fails too, the error goes up (and the
 * fallback chain moves on to the next provider).
 */
export function withRepair(model: LanguageModel, options: { logger?: ModelLogger } = {}): LanguageModel {
  const logger = options.logger ?? silentLogger;
  return {
    provider: model.provider,
    model: model.model,
    async generateObject<S extends z.ZodType>(request: GenerateObjectRequest<S>): Promise<GenerateObjectResult<z.output<S>>> {
      const started = performance.now();
      let first;
      try {
        return await model.generateObject(request);
      } catch (caught) {
        first = toModelError(caught, model.provider, model.model);
      }
      const invalid = findInvalidOutput(first);
      if (!invalid || first.errorClass !== 'invalid_output') throw first;

      logger.warn({ provider: model.provider, model: model.model, issues: invalid.issues.slice(0, 5) }, 'invalid answer, asking again');
      try {
        const result = await model.generateObject({ ...request, messages: [...request.messages, ...repairMessages(invalid)] });
        const attempts = [...first.attempts, ...result.attempts];
        return {
          ...result,
          attempts,
          usage: attempts.reduce((sum, each) => addUsage(sum, each.usage), { inputTokens: 0, outputTokens: 0 }),
          latencyMs: Math.round(performance.now() - started),
        };
      } catch (caught) {
        throw new ModelRetryError('repair_failed', [first, toModelError(caught, model.provider, model.model)]);
      }
    },
  };
}

/** The model's own invalid answer, then what was wrong with it and what to do instead. */
export function repairMessages(invalid: InvalidOutputError): ChatMessage[] {
  const issues = invalid.issues.slice(0, MAX_LISTED_ISSUES);
  const more = invalid.issues.length - issues.length;
  return [
    { role: 'assistant', content: invalid.text.slice(0, MAX_ECHOED_ANSWER) || '(an empty answer)' },
    {
      role: 'user',
      content: [
        'Your previous answer could not be used: it failed validation with these errors:',
        ...issues.map((issue) => `- ${issue}`),
        ...(more > 0 ? [`- and ${more} more`] : []),
        'Answer again with one JSON object that fixes every error and matches the required schema exactly. Reply with the JSON object only.',
      ].join('\n'),
    },
  ];
}
