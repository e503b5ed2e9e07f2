import pg from 'pg';
import { seedKpiHistory } from '../kpis-bench.js';
import { startBenchChild, startServeProcess } from '../processes.js';
import type { LoadResult, LoadSpec } from './load-generator.js';
import { READS_QUERY } from './reads-sql.js';

export interface ReadsResult {
  leads: number;
  connections: number;
  seconds: number;
  rounds: number;
  /** Medians over the rounds. */
  leadpilot: { requestsPerSecond: number; p50Ms: number; p99Ms: number };
  bare: { requestsPerSecond: number; p50Ms: number; p99Ms: number };
  /**
   * Leadpilot over bare, per round (each round runs both back to back, so a machine busy with
   * something else weighs on both), then the median over the rounds.
   */
  throughputRatio: number;
  p99Ratio: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const medians = (results: LoadResult[]) => ({
  requestsPerSecond: median(results.map((result) => result.requestsPerSecond)),
  p50Ms: median(results.map((result) => result.p50Ms)),
  p99Ms: median(results.map((result) => result.p99Ms)),
});

/**
 * `leads(first: 20)` with nested proposals over HTTP: a `leadpilot serve --roles api` process
 * (NODE_ENV=production) and the bare graphql-js + pg server (bench/reads/bare-graphql-server.ts)
 * on the same seeded database, each loaded in turn by the load generator in a third process;
 * `rounds` rounds of both, one after the other, the ratios taken per round. Both answers are
 * compared first: the same data, or the benchmark fails.
 */
export async function measureReads(options: { leads: number; connections: number; seconds: number; rounds: number; nodeArgs?: readonly string[]; progress: (text: string) => void }): Promise<ReadsResult> {
  const leadpilot = await startServeProcess({ roles: ['api'], ...(options.nodeArgs ? { nodeArgs: options.nodeArgs } : {}) });
  try {
    const pool = new pg.Pool({ connectionString: leadpilot.databaseUrl, max: 2 });
    try {
      await seedKpiHistory(pool, options.leads);
    } finally {
      await pool.end();
    }
    const bare = await startBenchChild<{ url: string }>('reads/bare-graphql-server.js', [], { DATABASE_URL: leadpilot.databaseUrl });
    try {
      const body = JSON.stringify({ query: READS_QUERY });
      const targets = {
        leadpilot: { url: leadpilot.graphqlUrl, headers: { authorization: `Bearer ${leadpilot.apiKey}` } },
        bare: { url: bare.first.url, headers: {} },
      };
      await sameAnswers(body, targets.leadpilot, targets.bare);
      const results: { leadpilot: LoadResult[]; bare: LoadResult[] } = { leadpilot: [], bare: [] };
      for (let round = 1; round <= options.rounds; round++) {
        for (const name of round % 2 ? (['bare', 'leadpilot'] as const) : (['leadpilot', 'bare'] as const)) {
          options.progress(`reads: round ${round}/${options.rounds}, ${name}, ${options.connections} connections for ${options.seconds} s…`);
          const spec: LoadSpec = { ...targets[name], body, connections: options.connections, seconds: options.seconds, warmupSeconds: 2 };
          const generator = await startBenchChild<LoadResult>('reads/load-generator.js', [JSON.stringify(spec)]);
          if (generator.first.errors) throw new Error(`reads: ${generator.first.errors} failed requests against ${name}; first: ${generator.first.firstError}`);
          results[name].push(generator.first);
        }
      }
      return {
        leads: options.leads,
        connections: options.connections,
        seconds: options.seconds,
        rounds: options.rounds,
        leadpilot: medians(results.leadpilot),
        bare: medians(results.bare),
        throughputRatio: median(results.leadpilot.map((result, round) => result.requestsPerSecond / results.bare[round]!.requestsPerSecond)),
        p99Ratio: median(results.leadpilot.map((result, round) => result.p99Ms / results.bare[round]!.p99Ms)),
      };
    } finally {
      await bare.stop();
    }
  } finally {
    await leadpilot.stop();
  }
}

async function sameAnswers(body: string, ...targets: { url: string; headers: Record<string, string> }[]): Promise<void> {
  const answers = await Promise.all(
    targets.map(async (target) => {
      const response = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/json', ...target.headers }, body });
      return JSON.stringify(await response.json());
    }),
  );
  if (answers.some((answer) => answer !== answers[0])) throw new Error(`reads: the two servers answer differently:\n${answers.map((answer) => answer.slice(0, 600)).join('\n')}`);
}
