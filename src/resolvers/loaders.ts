import DataLoader from 'dataloader';
import type { ApprovalDecision } from '../entities/approval-decision.entity.js';
import type { LeadActivity } from '../entities/lead-activity.entity.js';
import type { Lead } from '../entities/lead.entity.js';
import type { OutboundMessage } from '../entities/outbound-message.entity.js';
import type { Proposal } from '../entities/proposal.entity.js';
import type { SolutionDesign } from '../entities/solution-design.entity.js';
import type { Services } from '../services/index.js';

/** Per request, never shared: a loader's cache must not outlive the request that filled it. */
export interface Loaders {
  readonly lead: DataLoader<string, Lead | null>;
  readonly activitiesByLead: DataLoader<string, LeadActivity[]>;
  readonly designsByLead: DataLoader<string, SolutionDesign[]>;
  readonly proposalsByLead: DataLoader<string, Proposal[]>;
  readonly decisionsByProposal: DataLoader<string, ApprovalDecision[]>;
  readonly outboundByLead: DataLoader<string, OutboundMessage[]>;
}

/**
 * `cache: false` for subscriptions: graphql-ws keeps one context for every event of an
 * operation, and a cache would answer later events with the rows of the first. Batching within
 * one event still applies.
 */
export function createLoaders(services: Services, options: { cache?: boolean } = {}): Loaders {
  const graph = services.leadGraph;
  const cache = options.cache ?? true;
  return {
    lead: new DataLoader((ids) => graph.leadsByIds(ids), { cache }),
    activitiesByLead: new DataLoader((ids) => graph.activitiesByLeadIds(ids), { cache }),
    designsByLead: new DataLoader((ids) => graph.designsByLeadIds(ids), { cache }),
    proposalsByLead: new DataLoader((ids) => graph.proposalsByLeadIds(ids), { cache }),
    decisionsByProposal: new DataLoader((ids) => graph.decisionsByProposalIds(ids), { cache }),
    outboundByLead: new DataLoader((ids) => graph.outboundByLeadIds(ids), { cache }),
  };
}
