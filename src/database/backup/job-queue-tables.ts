import type pg from 'pg';
import { JOB_QUEUE_SCHEMA } from './table-catalog.js';

/**
 * What a backup carries of the job queue (pg-boss): the queues' settings and the jobs not yet
 * finished (created, waiting for a retry, or running), so work queued at backup time survives a
 * restore. Finished jobs are pg-boss's own history and are left out; pg-boss installs its schema
 * (functions, partitions, bookkeeping) itself, which a row copy could not reproduce.
 */
export const QUEUE_COLUMNS = [
  'name', 'policy', 'retry_limit', 'retry_delay', 'retry_backoff', 'retry_delay_max', 'expire_seconds', 'retention_seconds',
  'deletion_seconds', 'warning_queued', 'dead_letter', 'partition', 'heartbeat_seconds', 'notify',
];
export const UNFINISHED_JOB_STATES = ['created', 'retry', 'active'];
export const UNFINISHED_JOBS_FILTER = `state IN (${UNFINISHED_JOB_STATES.map((state) => `'${state}'`).join(', ')})`;

export const JOB_QUEUE_QUEUE_TABLE = { schema: JOB_QUEUE_SCHEMA, name: 'queue' } as const;
export const JOB_QUEUE_JOB_TABLE = { schema: JOB_QUEUE_SCHEMA, name: 'job' } as const;

/** pg-boss's schema version, or null when the job queue was never installed in this database. */
export async function jobQueueSchemaVersion(client: pg.ClientBase): Promise<number | null> {
  const { rows } = await client.query<{ present: boolean }>(`SELECT to_regclass('${JOB_QUEUE_SCHEMA}.version') IS NOT NULL AS present`);
  if (!rows[0]?.present) return null;
  const version = await client.query<{ version: number }>(`SELECT version FROM ${JOB_QUEUE_SCHEMA}.version`);
  return version.rows[0]?.version ?? null;
}

/** Recreates backed-up queues (dead-letter targets first) through pg-boss's own create_queue. */
export const CREATE_QUEUES_SQL = `
  SELECT ${JOB_QUEUE_SCHEMA}.create_queue(q.name, jsonb_strip_nulls(jsonb_build_object(
    'policy', q.policy, 'retryLimit', q.retry_limit, 'retryDelay', q.retry_delay, 'retryBackoff', q.retry_backoff,
    'retryDelayMax', q.retry_delay_max, 'expireInSeconds', q.expire_seconds, 'retentionSeconds', q.retention_seconds,
    'deleteAfterSeconds', q.deletion_seconds, 'warningQueueSize', q.warning_queued, 'deadLetter', q.dead_letter,
    'partition', q.partition, 'heartbeatSeconds', q.heartbeat_seconds, 'notify', q.notify)))
  FROM json_populate_recordset(NULL::${JOB_QUEUE_SCHEMA}.queue, $1::json) q
  WHERE NOT EXISTS (SELECT 1 FROM ${JOB_QUEUE_SCHEMA}.queue existing WHERE existing.name = q.name)
  ORDER BY q.dead_letter IS NOT NULL, q.name`;
