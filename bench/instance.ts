import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { LanguageModel } from '../src/agents/models/language-model.js';
import { loadConfig, type Config, type ServerRoleName } from '../src/config.js';
import { attachOrStartEmbeddedDatabase } from '../src/database/embedded-postgres.js';
import { createLogger } from '../src/logger.js';
import { startLeadpilot } from '../src/main.js';
import { BENCH_RATE_LIMITS } from './processes.js';

/** A Leadpilot started for one benchmark phase, on a fresh embedded PostgreSQL of its own. */
export interface BenchInstance {
  readonly graphqlUrl: string;
  readonly apiKey: string;
  readonly config: Config;
  /** The instance's database, for the harness's own reads (settled leads, agent runs). */
  readonly pool: pg.Pool;
  readonly connectionString: string;
  stop(): Promise<void>;
}

/**
 * As `leadpilot serve` would run, with a temporary DATA_DIR, a random port and LOG_LEVEL warn.
 * Only WORKER_CONCURRENCY passes from the environment: a developer's providers, mail or database
 * settings must not change what is measured. `provider` replaces the model providers (the slow
 * fake model) and `env` may point them at a fake server; otherwise the offline provider answers.
 */
export async function startBenchInstance(options: {
  roles: readonly ServerRoleName[];
  provider?: LanguageModel;
  /** Settings over the defaults (the fake OpenAI server's base URL and key). */
  env?: Readonly<Record<string, string>>;
}): Promise<BenchInstance> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'leadpilot-bench-'));
  const adminApiKey = randomBytes(24).toString('base64url');
  const logger = createLogger({ level: 'warn', name: 'bench' });
  let config: Config;
  try {
    config = loadConfig({
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LLM_PROVIDERS: 'offline',
      ADMIN_API_KEY: adminApiKey,
      ...BENCH_RATE_LIMITS,
      WORKER_CONCURRENCY: process.env['WORKER_CONCURRENCY'],
      // The slow fake model is free; without a price its cost would be logged as unknown.
      LLM_PRICES: 'offline-after-delay=0/0',
      ...options.env,
    });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const running = await startLeadpilot(config, { roles: options.roles, logger, ...(options.provider ? { provider: options.provider } : {}) }).catch(async (error: unknown) => {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  // The server `running` owns; attaching finds it through its lock file and never stops it.
  const database = await attachOrStartEmbeddedDatabase(dataDir, logger);
  const pool = new pg.Pool({ connectionString: database.url, max: 2, application_name: 'leadpilot:bench' });
  return {
    graphqlUrl: running.graphqlUrl ?? '',
    apiKey: running.generatedAdminKey ?? adminApiKey,
    config,
    pool,
    connectionString: database.url,
    stop: async () => {
      await pool.end();
      await running.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function graphqlRequest<T>(url: string, apiKey: string, query: string, variables: Record<string, unknown>): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as { data?: T | null; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL: HTTP ${response.status} ${JSON.stringify(body.errors ?? null)}`);
  return body.data;
}

const SUBMIT_LEAD = /* GraphQL */ `
  mutation BenchSubmitLead($input: SubmitLeadInput!) {
    submitLead(input: $input) { id }
  }
`;

export async function submitLead(instance: BenchInstance, input: Record<string, unknown>): Promise<string> {
  const data = await graphqlRequest<{ submitLead: { id: string } }>(instance.graphqlUrl, instance.apiKey, SUBMIT_LEAD, { input });
  return data.submitLead.id;
}
