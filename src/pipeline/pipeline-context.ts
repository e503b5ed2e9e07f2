import type { DataSource } from 'typeorm';
import type { AgencyConfig } from '../agents/agency-config.js';
import type { LanguageModel } from '../agents/models/language-model.js';
import { withPromptVersion } from '../agents/models/with-prompt-version.js';
import type { PromptVersionService } from '../services/prompt-version.service.js';
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../logger.js';
import type { DomainEvents } from '../services/domain-events.js';
import type { MailSettings } from '../delivery/outbox.js';
import type { JobQueue } from './job-queue.js';
import type { PipelinePayloads } from './pipeline-jobs.js';

/** The model an agent call goes to, with the prompt version chosen for the lead (A/B). */
export interface AgentModels {
  forAgent(agent: string, leadId: string | null): Promise<{ model: LanguageModel; promptVersion: string | undefined }>;
}

/**
 * Every agent on `model`, with the prompt version the lead is assigned for that agent (sticky
 * A/B); the built-in prompt when no version is active.
 */
export function promptVersionedModels(model: LanguageModel, promptVersions: Pick<PromptVersionService, 'choose'>): AgentModels {
  return {
    async forAgent(agent, leadId) {
      const choice = await promptVersions.choose(agent, leadId);
      return { model: withPromptVersion(model, choice), promptVersion: choice?.version };
    },
  };
}

/** The one model for every agent, with built-in prompts. */
export function singleModel(model: LanguageModel): AgentModels {
  return { forAgent: async () => ({ model, promptVersion: undefined }) };
}

/** What every step handler gets: ports only, so a handler is a function of its payload. */
export interface PipelineContext {
  readonly dataSource: DataSource;
  readonly queue: Pick<JobQueue<PipelinePayloads>, 'enqueue'>;
  readonly agency: AgencyConfig;
  readonly models: AgentModels;
  readonly clock: Clock;
  readonly events: DomainEvents;
  readonly logger: Logger;
  /** Where the first reply goes: written to the outbox, delivered when SMTP is configured. */
  readonly mail: MailSettings;
}
