import type { EntityManager } from 'typeorm';
import { entityRows, selectList, selectRows } from '../database/entity-rows.js';
import { returnedRows } from '../database/query-rows.js';
import { Lead } from '../entities/lead.entity.js';
import type { LeadStatus } from '../entities/enums.js';
import type { PipelineContext } from './pipeline-context.js';
import type { LeadStep } from './pipeline-jobs.js';
import { recordStepOfCurrentLead } from './step-memo.js';

/**
 * The shape every step follows: read the lead and check the job is still current, compute (model
 * calls, outside any transaction), then apply in one transaction that records the step's output
 * under its key, changes the domain rows, enqueues what comes next and sends its live events
 * (delivered when it commits). A redelivered or stale job finds the key taken or the generation
 * moved on, and does nothing.
 */

/** Thrown inside `applyStep` when the lead is no longer where the step expected: the transaction rolls back quietly. */
export class StaleStepError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'StaleStepError';
  }
}

/** Earlier steps' outputs a step reads: by key (this generation's), and the newest of a step from any generation. */
export interface WantedInputs {
  readonly keys?: readonly string[];
  readonly latest?: readonly string[];
}

/** The outputs read with the lead; null where none was recorded. */
export interface StepInputs {
  byKey<T>(key: string): T | null;
  latest<T>(step: string): T | null;
}

/** [kind, name, output] for each output asked for: 'key' by key ($3), 'latest' per step ($4). */
const INPUTS_COLUMN = `,
            (SELECT coalesce(json_agg(json_build_array(i.kind, i.name, i.output)), '[]')
               FROM (SELECT 'key' AS kind, s.key AS name, s.output FROM lead_pipeline_steps s WHERE s.lead_id = l.id AND s.key = ANY($3::text[])
                     UNION ALL
                     SELECT * FROM (SELECT DISTINCT ON (s.step) 'latest', s.step, s.output FROM lead_pipeline_steps s
                                     WHERE s.lead_id = l.id AND s.step = ANY($4::text[]) ORDER BY s.step, s.generation DESC, s.created_at DESC) newest) i) AS inputs`;

/** The lead, if this job is still its business: same generation, not erased, in one of `statuses`. */
export async function currentLead(context: Pick<PipelineContext, 'dataSource' | 'logger'>, payload: LeadStep, statuses: readonly LeadStatus[], key: string): Promise<Lead | null> {
  return (await currentLeadWithInputs(context, payload, statuses, key, {}))?.lead ?? null;
}

/**
 * The lead as `currentLead` reads it, and the earlier outputs the step works from, in the same
 * round trip: the step's statements are the pipeline's cost, so its reads are one.
 */
export async function currentLeadWithInputs(
  context: Pick<PipelineContext, 'dataSource' | 'logger'>,
  payload: LeadStep,
  statuses: readonly LeadStatus[],
  key: string,
  wanted: WantedInputs,
): Promise<{ lead: Lead; inputs: StepInputs } | null> {
  // On the pool (read-only): the lead, whether this step's key is taken already, and the inputs
  // (a column of their own only when the step reads any).
  const reads = Boolean(wanted.keys?.length || wanted.latest?.length);
  const rows = await selectRows(
    context.dataSource,
    `SELECT ${selectList(context.dataSource, Lead, 'l')},
            EXISTS (SELECT 1 FROM lead_pipeline_steps s WHERE s.lead_id = l.id AND s.key = $2) AS step_done${reads ? INPUTS_COLUMN : ''}
       FROM leads l WHERE l.id = $1`,
    reads ? [payload.leadId, key, wanted.keys ?? [], wanted.latest ?? []] : [payload.leadId, key],
  );
  const lead = entityRows(context.dataSource, Lead)(rows)[0] ?? null;
  const ours = lead && !lead.erasedAt && lead.pipelineGeneration === payload.generation;
  const done = ours ? rows[0]?.['step_done'] === true : false;
  const reason = !lead
    ? 'lead not found'
    : lead.erasedAt
      ? 'lead erased'
      : lead.pipelineGeneration !== payload.generation
        ? `stale generation ${payload.generation} (now ${lead.pipelineGeneration})`
        : done
          ? 'already done'
          : !statuses.includes(lead.status)
            ? `lead is ${lead.status}`
            : null;
  if (!lead || reason) {
    context.logger.debug({ leadId: payload.leadId, key, reason }, 'pipeline step skipped');
    return null;
  }
  const found = new Map(((rows[0]!['inputs'] ?? []) as [string, string, unknown][]).map(([kind, name, output]) => [`${kind}\u0000${name}`, output]));
  const read = <T>(kind: string, name: string) => (found.get(`${kind}\u0000${name}`) ?? null) as T | null;
  return { lead, inputs: { byKey: (name) => read('key', name), latest: (step) => read('latest', step) } };
}

/**
 * Applies a step once: locks the lead row (so a re-run started meanwhile wins), re-checks the
 * generation and claims the key (one statement), then runs `apply`. Returns false when the step was stale or done.
 */
export async function applyStep(
  context: PipelineContext,
  entry: { payload: LeadStep; key: string; step: string; output: unknown },
  apply: (manager: EntityManager) => Promise<void>,
): Promise<boolean> {
  const { payload } = entry;
  try {
    return await context.dataSource.transaction(async (manager) => {
      if (!(await recordStepOfCurrentLead(manager, { leadId: payload.leadId, generation: payload.generation, key: entry.key, step: entry.step, output: entry.output }))) return false;
      await apply(manager);
      return true;
    });
  } catch (error) {
    if (error instanceof StaleStepError) {
      context.logger.debug({ leadId: payload.leadId, key: entry.key, reason: error.message }, 'pipeline step stale');
      return false;
    }
    throw error;
  }
}

/** Moves the lead's status within the step's transaction; a lead found elsewhere makes the step stale. */
export async function moveLead(manager: EntityManager, leadId: string, from: readonly LeadStatus[], to: LeadStatus, fields: Record<string, unknown> = {}): Promise<void> {
  const columns = Object.keys(fields);
  const assignments = columns.map((column, index) => `${column} = $${index + 4}`);
  const rows = (await manager.query(
    `UPDATE leads SET ${['status = $1', 'version = version + 1', 'updated_at = now()', ...assignments].join(', ')}
      WHERE id = $2 AND status = ANY($3::text[]) RETURNING id`,
    [to, leadId, [...from], ...columns.map((column) => fields[column])],
  )) as unknown;
  if (returnedRows(rows).length !== 1) throw new StaleStepError(`lead ${leadId} is not ${from.join(' or ')}`);
}

/** A lead_activities row in the step's transaction (plain SQL: several per step, and nobody reads the generated id). */
export function activity(manager: EntityManager, leadId: string, type: string, data: Record<string, unknown>, actor: string): Promise<unknown> {
  return manager.query(`INSERT INTO lead_activities (lead_id, type, data, actor) VALUES ($1, $2, $3, $4)`, [leadId, type, JSON.stringify(data), actor]);
}
