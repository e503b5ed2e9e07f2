import type { EntityManager } from 'typeorm';

/**
 * The lead's next revision number of its proposals or designs, read inside the transaction that
 * inserts it; the unique (lead_id, revision) index turns a race into a retryable conflict.
 */
export async function nextRevision(manager: EntityManager, table: 'proposals' | 'solution_designs', leadId: string): Promise<number> {
  const [row] = (await manager.query(`SELECT coalesce(max(revision), 0) + 1 AS next FROM ${table} WHERE lead_id = $1`, [leadId])) as { next: number }[];
  return row!.next;
}
