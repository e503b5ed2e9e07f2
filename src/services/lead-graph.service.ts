import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { entityRows, selectList, selectRows } from '../database/entity-rows.js';
import { ApprovalDecision } from '../entities/approval-decision.entity.js';
import { LeadActivity } from '../entities/lead-activity.entity.js';
import { Lead } from '../entities/lead.entity.js';
import { OutboundMessage } from '../entities/outbound-message.entity.js';
import { Proposal } from '../entities/proposal.entity.js';
import { SolutionDesign } from '../entities/solution-design.entity.js';

/**
 * Batched reads for nested GraphQL fields: one query per relation for a whole set of parents,
 * so a page of leads with their proposals costs the same number of queries at any page size.
 * Each method answers in the order of the ids it was given, as DataLoader requires. Plain SQL
 * and entityRows: these run for every page a client reads, so no query builder on the way.
 */
export class LeadGraphService {
  constructor(private readonly dataSource: DataSource) {}

  /** `sql` reads `SELECT * FROM …`; the star becomes the entity's columns (selectList). */
  private async select<T extends ObjectLiteral>(target: EntityTarget<T>, sql: string, ids: readonly string[]): Promise<T[]> {
    const rows = await selectRows(this.dataSource, sql.replace('*', selectList(this.dataSource, target)), [ids]);
    return entityRows(this.dataSource, target)(rows);
  }

  async leadsByIds(ids: readonly string[]): Promise<(Lead | null)[]> {
    const rows = await this.select(Lead, 'SELECT * FROM leads WHERE id = ANY($1::uuid[])', ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  async activitiesByLeadIds(leadIds: readonly string[]): Promise<LeadActivity[][]> {
    const rows = await this.select(LeadActivity, 'SELECT * FROM lead_activities WHERE lead_id = ANY($1::uuid[]) ORDER BY created_at ASC, id ASC', leadIds);
    return groupBy(leadIds, rows, (row) => row.leadId);
  }

  async designsByLeadIds(leadIds: readonly string[]): Promise<SolutionDesign[][]> {
    const rows = await this.select(SolutionDesign, 'SELECT * FROM solution_designs WHERE lead_id = ANY($1::uuid[]) ORDER BY revision ASC', leadIds);
    return groupBy(leadIds, rows, (row) => row.leadId);
  }

  async proposalsByLeadIds(leadIds: readonly string[]): Promise<Proposal[][]> {
    const rows = await this.select(Proposal, 'SELECT * FROM proposals WHERE lead_id = ANY($1::uuid[]) ORDER BY revision ASC', leadIds);
    return groupBy(leadIds, rows, (row) => row.leadId);
  }

  async outboundByLeadIds(leadIds: readonly string[]): Promise<OutboundMessage[][]> {
    const rows = await this.select(OutboundMessage, 'SELECT * FROM outbound_messages WHERE lead_id = ANY($1::uuid[]) ORDER BY created_at ASC, id ASC', leadIds);
    return groupBy(leadIds, rows, (row) => row.leadId ?? '');
  }

  async decisionsByProposalIds(proposalIds: readonly string[]): Promise<ApprovalDecision[][]> {
    const rows = await this.select(ApprovalDecision, 'SELECT * FROM approval_decisions WHERE proposal_id = ANY($1::uuid[]) ORDER BY created_at ASC', proposalIds);
    return groupBy(proposalIds, rows, (row) => row.proposalId ?? '');
  }
}

function groupBy<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key) ?? []);
}
