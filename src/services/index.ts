import type { DataSource } from 'typeorm';
import type { AgencyConfig } from '../agents/agency-config.js';
import type { DeliveryQueue, MailSettings } from '../delivery/outbox.js';
import type { Clock } from '../lib/clock.js';
import { AgentOverviewService } from './agent-overview.service.js';
import { ApiKeyService } from './api-key.service.js';
import { KpiService } from './kpi.service.js';
import type { DomainEvents } from './domain-events.js';
import { LeadGraphService } from './lead-graph.service.js';
import { LeadPrivacyService } from './lead-privacy.service.js';
import { LeadWebhookService } from './lead-webhook.service.js';
import { LeadService } from './lead.service.js';
import { OutboxService } from './outbox.service.js';
import { PipelineService, type StepQueue } from './pipeline.service.js';
import { PromptVersionService } from './prompt-version.service.js';
import { ProposalService } from './proposal.service.js';
import { RateLimitService } from './rate-limit.service.js';
import { WebhookEndpointService } from './webhook-endpoint.service.js';

/** The domain services, built once per process and shared by every entry point. */
export interface Services {
  readonly apiKeys: ApiKeyService;
  readonly leads: LeadService;
  readonly proposals: ProposalService;
  readonly leadGraph: LeadGraphService;
  readonly privacy: LeadPrivacyService;
  readonly pipeline: PipelineService;
  readonly promptVersions: PromptVersionService;
  readonly agents: AgentOverviewService;
  readonly leadWebhooks: LeadWebhookService;
  readonly rateLimits: RateLimitService;
  readonly outbox: OutboxService;
  readonly kpis: KpiService;
  readonly webhookEndpoints: WebhookEndpointService;
}

/** What e-mail needs: the settings from the config and the agency (its details go into every mail). */
export interface MailDependencies {
  settings: MailSettings;
  agency: AgencyConfig;
}

/**
 * `queue` is where the pipeline's jobs go: every process that changes leads enqueues, whether or
 * not it also works the jobs (the worker role).
 */
export function makeServices(dataSource: DataSource, clock: Clock, events: DomainEvents, queue: StepQueue, mail: MailDependencies): Services {
  const leads = new LeadService(dataSource, clock, events);
  const proposals = new ProposalService(dataSource, clock, events);
  const pipeline = new PipelineService(dataSource, events, queue);
  pipeline.attach(leads, proposals);
  const { settings, agency } = mail;
  const outbox = new OutboxService(dataSource, clock, events, queue as DeliveryQueue, settings, agency);
  outbox.attach(proposals);
  const promptVersions = new PromptVersionService(dataSource);
  return {
    apiKeys: new ApiKeyService(dataSource, clock),
    leads,
    proposals,
    leadGraph: new LeadGraphService(dataSource),
    privacy: new LeadPrivacyService(dataSource, clock, events),
    pipeline,
    promptVersions,
    agents: new AgentOverviewService(dataSource, clock, promptVersions),
    leadWebhooks: new LeadWebhookService(dataSource, leads),
    rateLimits: new RateLimitService(dataSource, clock),
    outbox,
    // Without a mail transport the response time is the outbox time (the KPI says so).
    kpis: new KpiService(dataSource, clock, { mailTransportConfigured: settings.transport }),
    webhookEndpoints: new WebhookEndpointService(dataSource, clock),
  };
}
