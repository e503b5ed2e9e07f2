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
  return new RequestLoaders(services.leadGraph, options.cache ?? true);
}

type LeadGraph = Services['leadGraph'];

/**
 * Each loader is built the first time a resolver asks for it: a request usually needs one or two
 * of the six, and every request used to allocate all six (with their caches) for the collector.
 */
class RequestLoaders implements Loaders {
  #lead?: Loaders['lead'];
  #activitiesByLead?: Loaders['activitiesByLead'];
  #designsByLead?: Loaders['designsByLead'];
  #proposalsByLead?: Loaders['proposalsByLead'];
  #decisionsByProposal?: Loaders['decisionsByProposal'];
  #outboundByLead?: Loaders['outboundByLead'];

  constructor(
    private readonly graph: LeadGraph,
    private readonly cache: boolean,
  ) {}

  get lead() {
    return (this.#lead ??= new DataLoader((ids) => this.graph.leadsByIds(ids), { cache: this.cache }));
  }
  get activitiesByLead() {
    return (this.#activitiesByLead ??= new DataLoader((ids) => this.graph.activitiesByLeadIds(ids), { cache: this.cache }));
  }
  get designsByLead() {
    return (this.#designsByLead ??= new DataLoader((ids) => this.graph.designsByLeadIds(ids), { cache: this.cache }));
  }
  get proposalsByLead() {
    return (this.#proposalsByLead ??= new DataLoader((ids) => this.graph.proposalsByLeadIds(ids), { cache: this.cache }));
  }
  get decisionsByProposal() {
    return (this.#decisionsByProposal ??= new DataLoader((ids) => this.graph.decisionsByProposalIds(ids), { cache: this.cache }));
  }
  get outboundByLead() {
    return (this.#outboundByLead ??= new DataLoader((ids) => this.graph.outboundByLeadIds(ids), { cache: this.cache }));
  }
}
