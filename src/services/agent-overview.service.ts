import type { DataSource } from 'typeorm';
import { AGENT_REGISTRY, AGENT_NAMES, type AgentDefinition } from '../agents/agent-registry.js';
import { AppError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { PromptVersionService } from './prompt-version.service.js';
import { plannedEachTime } from '../database/entity-rows.js';

export const DEFAULT_AGENT_PERIOD_MS = 7 * 24 * 60 * 60 * 1000;

/** A prompt an agent's calls currently go to, with its share. */
export interface AgentPromptShare {
  /** null for the built-in prompt. */
  readonly id: string | null;
  readonly version: string;
  readonly weight: number;
  readonly builtin: boolean;
}

/** Run statistics of one agent over a period, from `agent_runs`. */
export interface AgentRunStatistics {
  readonly runs: number;
  readonly successRate: number | null;
  readonly latencyP50Ms: number | null;
  readonly latencyP95Ms: number | null;
  readonly totalCost: number;
  readonly averageCost: number | null;
  readonly fallbackRate: number | null;
}

export interface AgentOverview extends AgentDefinition, AgentRunStatistics {
  readonly activePromptVersions: readonly AgentPromptShare[];
  readonly from: Date;
  readonly to: Date;
}

interface StatisticsRow {
  agent: string;
  runs: number;
  succeeded: number;
  p50: number | null;
  p95: number | null;
  total_cost: number;
  average_cost: number | null;
  fallbacks: number;
}

/**
 * One row per registry agent: what it is, which prompts it runs, and how its runs went. The
 * statistics come from a single grouped query over `agent_runs` (its (agent, created_at) index).
 */
export class AgentOverviewService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly promptVersions: PromptVersionService,
  ) {}

  /** Period queries: planned for their period every time, never prepared (see plannedEachTime). */
  private readonly analytics = plannedEachTime(this.dataSource);

  /** Over [from, to); to defaults to now, from to seven days before to. */
  async list(period: { from?: Date | null; to?: Date | null } = {}): Promise<AgentOverview[]> {
    const to = period.to ?? this.clock.now();
    const from = period.from ?? new Date(to.getTime() - DEFAULT_AGENT_PERIOD_MS);
    if (from.getTime() >= to.getTime()) {
      throw new AppError('BAD_USER_INPUT', 'from: must be before to.', { field: 'from' });
    }
    const [rows, active] = await Promise.all([this.statistics(from, to), this.promptVersions.listActive()]);
    const byAgent = new Map(rows.map((row) => [row.agent, row]));
    return AGENT_REGISTRY.map((agent) => {
      const shares: AgentPromptShare[] = active
        .filter((version) => version.agent === agent.name)
        .map((version) => ({ id: version.id, version: version.version, weight: version.weight, builtin: false }));
      return {
        ...agent,
        from,
        to,
        activePromptVersions: shares.length > 0 ? shares : [{ id: null, version: agent.builtinPromptVersion, weight: 100, builtin: true }],
        ...toStatistics(byAgent.get(agent.name)),
      };
    });
  }

  private async statistics(from: Date, to: Date): Promise<StatisticsRow[]> {
    // Percentiles are interpolated, so rounded to 0.1 ms (binary noise otherwise).
    // A fallback: the run was answered by a provider other than the first one it tried.
    return this.analytics.query(
      `SELECT agent,
              count(*)::int AS runs,
              count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms)::numeric, 1)::float8 AS p50,
              round(percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms)::numeric, 1)::float8 AS p95,
              coalesce(sum(cost), 0)::float8 AS total_cost,
              avg(cost)::float8 AS average_cost,
              count(*) FILTER (WHERE provider IS NOT NULL AND provider IS DISTINCT FROM attempts -> 0 ->> 'provider')::int AS fallbacks
         FROM agent_runs
        WHERE agent = ANY($1) AND created_at >= $2 AND created_at < $3
        GROUP BY agent`,
      [AGENT_NAMES, from, to],
    );
  }
}

function toStatistics(row: StatisticsRow | undefined): AgentRunStatistics {
  if (!row || row.runs === 0) {
    return { runs: 0, successRate: null, latencyP50Ms: null, latencyP95Ms: null, totalCost: 0, averageCost: null, fallbackRate: null };
  }
  return {
    runs: row.runs,
    successRate: row.succeeded / row.runs,
    latencyP50Ms: row.p50,
    latencyP95Ms: row.p95,
    totalCost: row.total_cost,
    averageCost: row.average_cost,
    fallbackRate: row.fallbacks / row.runs,
  };
}
