import type { DataSource } from 'typeorm';

/** How many intake jobs the pipeline has for a lead (enqueued in the lead's transaction). */
export async function intakeJobsFor(dataSource: DataSource, leadId: string): Promise<number> {
  const rows = (await dataSource.query(`SELECT count(*)::int AS count FROM pgboss.job WHERE name = 'lead-intake' AND data->>'leadId' = $1`, [leadId])) as { count: number }[];
  return rows[0]!.count;
}
