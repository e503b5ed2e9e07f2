import type { z } from 'zod';
import { DATA_NOT_INSTRUCTIONS } from '../agent-support.js';
import { renderPromptTemplate } from '../prompt-template.js';
import type { GenerateObjectRequest, GenerateObjectResult, LanguageModel } from './language-model.js';

/** What PromptVersionService.choose() picked; null is the built-in prompt. */
export interface PromptVersionChoice {
  readonly version: string;
  readonly template: string;
}

/**
 * A model whose calls use a prompt version: the system text becomes the template (with
 * `{{default}}` rendered as the agent's own system text) and the run records the version.
 * Messages, schema and the offline implementation are untouched, so the offline provider
 * answers as before and only the record shows the version.
 *
 * The rule that delimited data is never instructions is not the template author's to drop: when
 * the rendered text lacks it, it is appended.
 */
export function withPromptVersion(model: LanguageModel, choice: PromptVersionChoice | null): LanguageModel {
  if (choice === null) return model;
  return {
    provider: model.provider,
    model: model.model,
    generateObject<S extends z.ZodType>(request: GenerateObjectRequest<S>): Promise<GenerateObjectResult<z.output<S>>> {
      return model.generateObject({
        ...request,
        system: withDataRule(renderPromptTemplate(choice.template, request.system)),
        run: { agent: request.run?.agent ?? request.schemaName, strategy: request.run?.strategy ?? 'direct', ...request.run, promptVersion: choice.version },
      });
    },
  };
}

function withDataRule(system: string): string {
  if (DATA_NOT_INSTRUCTIONS.every((line) => system.includes(line))) return system;
  return `${system}\n\n${DATA_NOT_INSTRUCTIONS.join('\n')}`;
}
