import DataLoader from 'dataloader';
import type { ApprovalDecision } from '../entities/approval-decision.entity.js';
import type { LeadActivity } from '../entities/lead-activity.entity.js';
import type { Lead } from '../entities/lead.entity.js';
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
}

export function createLoaders(services: Services): Loaders {
  const graph = services.leadGraph;
  return {
    lead: new DataLoader((ids) => graph.leadsByIds(ids)),
    activitiesByLead: new DataLoader((ids) => graph.activitiesByLeadIds(ids)),
    designsByLead: new DataLoader((ids) => graph.designsByLeadIds(ids)),
    proposalsByLead: new DataLoader((ids) => graph.proposalsByLeadIds(ids)),
    decisionsByProposal: new DataLoader((ids) => graph.decisionsByProposalIds(ids)),
  };
}
