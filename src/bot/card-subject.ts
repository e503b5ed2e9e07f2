import type { DataSource } from 'typeorm';
import { ApprovalDecision } from '../entities/approval-decision.entity.js';
import { Lead } from '../entities/lead.entity.js';
import { Proposal } from '../entities/proposal.entity.js';
import { SolutionDesign } from '../entities/solution-design.entity.js';

/** Everything a proposal's card shows, read in one place. */
export interface CardSubject {
  proposal: Proposal;
  lead: Lead;
  designSummary: string | null;
  decision: ApprovalDecision | null;
  /** The revision before this one, to say what changed. */
  previous: Proposal | null;
  /** The revision that replaced this one, when it is superseded. */
  next: Proposal | null;
}

export async function loadCardSubject(dataSource: DataSource, proposalId: string): Promise<CardSubject | null> {
  const proposal = await dataSource.getRepository(Proposal).findOneBy({ id: proposalId });
  if (!proposal) return null;
  const lead = await dataSource.getRepository(Lead).findOneBy({ id: proposal.leadId });
  if (!lead) return null;
  const design = proposal.solutionDesignId ? await dataSource.getRepository(SolutionDesign).findOneBy({ id: proposal.solutionDesignId }) : null;
  const decision = await dataSource.getRepository(ApprovalDecision).findOneBy({ proposalId });
  const proposals = dataSource.getRepository(Proposal);
  const previous = proposal.revision > 1 ? await proposals.findOneBy({ leadId: proposal.leadId, revision: proposal.revision - 1 }) : null;
  const next = await proposals.findOneBy({ leadId: proposal.leadId, revision: proposal.revision + 1 });
  return { proposal, lead, designSummary: summaryOf(design), decision, previous, next };
}

function summaryOf(design: SolutionDesign | null): string | null {
  return design?.summary?.trim() ? design.summary : null;
}
