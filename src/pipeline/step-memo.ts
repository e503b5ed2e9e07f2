import type { EntityManager } from 'typeorm';

/**
 * The recorded output of each pipeline step, keyed per lead: written in the transaction that
 * applies the step, so a redelivered job finds its key taken and does nothing a second time.
 */

/** Records the output; false when the key is taken (another delivery of the job got there first). */
export async function recordStep(manager: EntityManager, entry: { leadId: string; generation: number; key: string; step: string; output: unknown }): Promise<boolean> {
  const rows = (await manager.query(
    `INSERT INTO lead_pipeline_steps (lead_id, key, step, generation, output) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (lead_id, key) DO NOTHING RETURNING key`,
    [entry.leadId, entry.key, entry.step, entry.generation, JSON.stringify(entry.output)],
  )) as unknown[];
  return rows.length === 1;
}

/**
 * Locks the lead row and records the output, in one statement: only while the lead is in this
 * generation and not erased (a re-run or an erasure that committed first wins), and only once per
 * key. False when either stops it. FOR NO KEY UPDATE, the lock an UPDATE of the lead takes: it
 * waits for a re-run or an erasure all the same, but not for the key-share locks every insert
 * of a row referencing the lead holds (its agent runs, its activities) until that commits.
 */
export async function recordStepOfCurrentLead(manager: EntityManager, entry: { leadId: string; generation: number; key: string; step: string; output: unknown }): Promise<boolean> {
  const rows = (await manager.query(
    `WITH lead AS (SELECT id FROM leads WHERE id = $1 AND pipeline_generation = $4 AND erased_at IS NULL FOR NO KEY UPDATE)
     INSERT INTO lead_pipeline_steps (lead_id, key, step, generation, output) SELECT id, $2, $3, $4, $5 FROM lead
       ON CONFLICT (lead_id, key) DO NOTHING RETURNING key`,
    [entry.leadId, entry.key, entry.step, entry.generation, JSON.stringify(entry.output)],
  )) as unknown[];
  return rows.length === 1;
}

/** The output recorded under one key, or null. */
export async function stepOutput<T>(manager: EntityManager, leadId: string, key: string): Promise<T | null> {
  const rows = (await manager.query(`SELECT output FROM lead_pipeline_steps WHERE lead_id = $1 AND key = $2`, [leadId, key])) as { output: T }[];
  return rows[0]?.output ?? null;
}

/** The key of a step in a generation; proposal steps add the proposal and round. */
export function stepKey(generation: number, step: string, ...parts: (string | number)[]): string {
  return [generation, step, ...parts].join(':');
}
