import { In, type DataSource } from 'typeorm';
import { ApprovalDecision } from '../entities/approval-decision.entity.js';
import { LeadActivity } from '../entities/lead-activity.entity.js';
import { Lead } from '../entities/lead.entity.js';
import { OutboundMessage } from '../entities/outbound-message.entity.js';
import { Proposal } from '../entities/proposal.entity.js';
import { SolutionDesign } from '../entities/solution-design.entity.js';

/**
 * Batched reads for nested GraphQL fields: one query per relation for a whole set of parents,
 * so a page of leads with their proposals costs the same number of queries at any page size.
 * Each method answers in the order of the ids it was given, as DataLoader requires.
 */
export class LeadGraphService {
  constructor(private readonly dataSource: DataSource) {}

  async leadsByIds(ids: readonly string[]): Promise<(Lead | null)[]> {
    const rows = await this.dataSource.getRepository(Lead).findBy({ id: In([...ids]) });
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async activitiesByLeadIds(leadIds: readonly string[]): Promise<LeadActivity[][]> {
    const rows = await this.dataSource.getRepository(LeadActivity).find({ where: { leadId: In([...leadIds]) }, order: { createdAt: 'ASC', id: 'ASC' } });
    return groupBy(leadIds, rows, (row) => row.leadId);
  }

  async designsByLeadIds(leadIds: readonly string[]): Promise<SolutionDesign[][]> {
    const rows = await this.dataSource.getRepository(SolutionDesign).find({ where: { leadId: In([...leadIds]) }, order: { revision: 'ASC' } });
    return groupBy(leadIds, rows, (row) => row.leadId);
  }

  async proposalsByLeadIds(leadIds: readonly string[]): Promise<Proposal[][]> {
    const rows = await this.dataSource.getRepository(Proposal).find({ where: { leadId: In([...leadIds]) }, order: { revision: 'ASC' } });
    return groupBy(leadIds, rows, (row) => row.leadId);
  }

  async outboundByLeadIds(leadIds: readonly string[]): Promise<OutboundMessage[][]> {
    const rows = await this.dataSource.getRepository(OutboundMessage).find({ where: { leadId: In([...leadIds]) }, order: { createdAt: 'ASC', id: 'ASC' } });
    return groupBy(leadIds, rows, (row) => row.leadId ?? '');
  }

  async decisionsByProposalIds(proposalIds: readonly string[]): Promise<ApprovalDecision[][]> {
    const rows = await this.dataSource.getRepository(ApprovalDecision).find({ where: { proposalId: In([...proposalIds]) }, order: { createdAt: 'ASC' } });
    return groupBy(proposalIds, rows, (row) => row.proposalId ?? '');
  }
}

function groupBy<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}
