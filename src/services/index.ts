import type { DataSource } from 'typeorm';
import type { Clock } from '../lib/clock.js';
import { AgentOverviewService } from './agent-overview.service.js';
import { ApiKeyService } from './api-key.service.js';
import { noDomainEvents, type DomainEvents } from './domain-events.js';
import { LeadGraphService } from './lead-graph.service.js';
import { LeadPrivacyService } from './lead-privacy.service.js';
import { LeadService } from './lead.service.js';
import { PromptVersionService } from './prompt-version.service.js';
import { ProposalService } from './proposal.service.js';

/** The domain services, built once per process and shared by every entry point. */
export interface Services {
  readonly apiKeys: ApiKeyService;
  readonly leads: LeadService;
  readonly proposals: ProposalService;
  readonly leadGraph: LeadGraphService;
  readonly privacy: LeadPrivacyService;
  readonly promptVersions: PromptVersionService;
  readonly agents: AgentOverviewService;
}

export function makeServices(dataSource: DataSource, clock: Clock, events: DomainEvents = noDomainEvents): Services {
  const promptVersions = new PromptVersionService(dataSource);
  return {
    apiKeys: new ApiKeyService(dataSource, clock),
    leads: new LeadService(dataSource, clock, events),
    proposals: new ProposalService(dataSource, clock, events),
    leadGraph: new LeadGraphService(dataSource),
    privacy: new LeadPrivacyService(dataSource, clock, events),
    promptVersions,
    agents: new AgentOverviewService(dataSource, clock, promptVersions),
  };
}
