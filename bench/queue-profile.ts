import type pg from 'pg';
import { PIPELINE_STEPS } from '../src/pipeline/pipeline-jobs.js';

/** Where a step's time goes, from pg-boss's own job rows: waiting to be fetched, then running. */
export interface StepProfile {
  step: string;
  jobs: number;
  waitP50Ms: number;
  waitP95Ms: number;
  runP50Ms: number;
  runP95Ms: number;
}

/**
 * Wait: `created_on` (the enqueueing transaction's time) to `started_on` (fetched by a worker);
 * run: `started_on` to `completed_on` (the handler, its model calls and its transaction, plus the
 * rest of its fetched batch, which completes together).
 */
export async function profileSteps(pool: pg.Pool): Promise<StepProfile[]> {
  const { rows } = await pool.query<{ name: string; jobs: string; wait50: number; wait95: number; run50: number; run95: number }>(
    `SELECT name, count(*) AS jobs,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_on - created_on) * 1000) AS wait50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM started_on - created_on) * 1000) AS wait95,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM completed_on - started_on) * 1000) AS run50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM completed_on - started_on) * 1000) AS run95
       FROM pgboss.job WHERE name = ANY($1::text[]) AND state = 'completed' GROUP BY name`,
    [[...PIPELINE_STEPS]],
  );
  const order = new Map<string, number>(PIPELINE_STEPS.map((step, index) => [step, index]));
  return rows
    .map((row) => ({ step: row.name, jobs: Number(row.jobs), waitP50Ms: row.wait50, waitP95Ms: row.wait95, runP50Ms: row.run50, runP95Ms: row.run95 }))
    .sort((a, b) => (order.get(a.step) ?? 99) - (order.get(b.step) ?? 99));
}
