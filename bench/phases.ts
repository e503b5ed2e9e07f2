import { createLogger } from '../src/logger.js';
import { startJobQueue } from '../src/pipeline/job-queue.js';
import { sampleLead } from '../test/helpers/sample-leads.js';
import { submitLead, type BenchInstance } from './instance.js';
import { profileSteps, type StepProfile } from './queue-profile.js';
import { SettleWatcher } from './settle-watcher.js';
import { closedLoop, percentile, summarise, type Summary } from './stats.js';

export interface Load {
  /** Leads measured (after the warm-up). */
  total: number;
  /** Clients, each submitting its next lead when its last one settled. */
  clients: number;
  /** Leads run first and not measured (JIT, connection pools, query plans). */
  warmup: number;
}

/** Baseline: `submitLead` over HTTP alone, nothing working the jobs it enqueues. */
export async function measureSubmitOnly(instance: BenchInstance, load: Load): Promise<Summary> {
  await closedLoop(load.warmup, load.clients, (index) => submitLead(instance, sampleLead(index, 'w')));
  const started = Date.now();
  const latencies = await closedLoop(load.total, load.clients, async (index) => {
    const begun = performance.now();
    await submitLead(instance, sampleLead(index, 's'));
    return performance.now() - begun;
  });
  return summarise(latencies, Date.now() - started);
}

/**
 * Baseline: a chain of `length` pg-boss jobs whose handlers do nothing but enqueue the next, on
 * the same queue module, policies and concurrency as the pipeline: what the queue alone costs.
 */
export async function measureQueueChain(instance: BenchInstance, load: Load, length: number): Promise<Summary> {
  const names = Array.from({ length }, (_, index) => `bench-chain-${index}`);
  const queue = await startJobQueue<Record<string, { chain: number }>>({
    connectionString: instance.connectionString,
    logger: createLogger({ level: 'warn', name: 'bench-chain' }),
    queues: Object.fromEntries(names.map((name) => [name, {}])),
    poolSize: Math.min(20, Math.max(4, Math.ceil(instance.config.workerConcurrency / 2) + 2)),
  });
  const finished = new Map<number, () => void>();
  try {
    for (const [index, name] of names.entries()) {
      await queue.work(
        name,
        async ({ chain }) => {
          const next = names[index + 1];
          if (next) await queue.enqueue(next, { chain });
          else finished.get(chain)?.();
        },
        { concurrency: instance.config.workerConcurrency },
      );
    }
    const run = (chain: number) =>
      new Promise<number>((resolve, reject) => {
        const begun = performance.now();
        finished.set(chain, () => resolve(performance.now() - begun));
        queue.enqueue(names[0]!, { chain }).catch(reject);
      });
    await closedLoop(load.warmup, load.clients, (index) => run(-1 - index));
    const started = Date.now();
    const latencies = await closedLoop(load.total, load.clients, (index) => run(index));
    return summarise(latencies, Date.now() - started);
  } finally {
    await queue.stop(5_000);
  }
}

export interface LeadRun {
  leadId: string;
  status: string;
  submittedAt: number;
  latencyMs: number;
}

/** Leads from submitLead (HTTP GraphQL) to where the pipeline stops, closed loop. */
export async function runLeads(instance: BenchInstance, count: number, clients: number, tag: string): Promise<LeadRun[]> {
  const watcher = new SettleWatcher(instance.pool);
  try {
    return await closedLoop(count, clients, async (index) => {
      const submittedAt = Date.now();
      const leadId = await submitLead(instance, sampleLead(index, tag));
      const settled = await watcher.wait(leadId);
      return { leadId, status: settled.status, submittedAt, latencyMs: settled.doneAt - submittedAt };
    });
  } finally {
    watcher.stop();
  }
}

export interface PipelineResult extends Summary {
  /** Leads that did not reach AWAITING_APPROVAL, by status. */
  notApproved: Record<string, number>;
}

/** Throughput and latency of leads that reached PENDING_APPROVAL, over the measured window. */
export async function measurePipeline(instance: BenchInstance, load: Load): Promise<{ result: PipelineResult; runs: LeadRun[]; profile: StepProfile[] }> {
  await runLeads(instance, load.warmup, load.clients, 'w');
  const runs = await runLeads(instance, load.total, load.clients, 'p');
  const first = Math.min(...runs.map((run) => run.submittedAt));
  const last = Math.max(...runs.map((run) => run.submittedAt + run.latencyMs));
  const approved = runs.filter((run) => run.status === 'awaiting_approval');
  const notApproved: Record<string, number> = {};
  for (const run of runs) if (run.status !== 'awaiting_approval') notApproved[run.status] = (notApproved[run.status] ?? 0) + 1;
  return { result: { ...summarise(approved.map((run) => run.latencyMs), last - first), notApproved }, runs, profile: await profileSteps(instance.pool) };
}

export interface CriticalPathResult {
  leads: number;
  clients: number;
  delayMs: number;
  /** Model calls per lead on the critical path (p50), and all calls (p50). */
  criticalCallsP50: number;
  callsP50: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  /** Latency over critical-path model time, per lead. */
  overheadP50: number;
  overheadP95: number;
  notApproved: Record<string, number>;
  profile: StepProfile[];
}

/**
 * Agents whose calls run beside the critical path: the responder's first reply is enqueued next
 * to the requirements step, whose chain (requirements → design → estimate → price → write →
 * review) is always longer. Every other call waits for the one before it.
 */
const OFF_CRITICAL_PATH = new Set(['responder']);

/** Each lead's latency over the model time of its longest chain of dependent calls (from agent_runs). */
export async function measureCriticalPath(instance: BenchInstance, load: Omit<Load, 'warmup'>, delayMs: number): Promise<CriticalPathResult> {
  const runs = await runLeads(instance, load.total, load.clients, 'm');
  const approved = runs.filter((run) => run.status === 'awaiting_approval');
  const { rows } = await instance.pool.query<{ lead_id: string; agent: string; calls: string }>(
    // Every attempt is a model call of its own (a retry, a re-ask after an invalid answer).
    `SELECT lead_id, agent, sum(greatest(1, jsonb_array_length(attempts))) AS calls FROM agent_runs WHERE lead_id = ANY($1::uuid[]) GROUP BY lead_id, agent`,
    [approved.map((run) => run.leadId)],
  );
  const critical = new Map<string, number>();
  const all = new Map<string, number>();
  for (const row of rows) {
    all.set(row.lead_id, (all.get(row.lead_id) ?? 0) + Number(row.calls));
    if (!OFF_CRITICAL_PATH.has(row.agent)) critical.set(row.lead_id, (critical.get(row.lead_id) ?? 0) + Number(row.calls));
  }
  const ratios = approved.map((run) => run.latencyMs / ((critical.get(run.leadId) ?? Number.NaN) * delayMs));
  const notApproved: Record<string, number> = {};
  for (const run of runs) if (run.status !== 'awaiting_approval') notApproved[run.status] = (notApproved[run.status] ?? 0) + 1;
  return {
    leads: runs.length,
    clients: load.clients,
    delayMs,
    criticalCallsP50: percentile([...critical.values()], 50),
    callsP50: percentile([...all.values()], 50),
    latencyP50Ms: percentile(approved.map((run) => run.latencyMs), 50),
    latencyP95Ms: percentile(approved.map((run) => run.latencyMs), 95),
    overheadP50: percentile(ratios, 50),
    overheadP95: percentile(ratios, 95),
    notApproved,
    profile: await profileSteps(instance.pool),
  };
}
