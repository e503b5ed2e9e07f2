import type { EvalOptions } from './eval-options.js';

/** The environment the evaluated pipeline is configured from (`loadConfig`). */

/**
 * Only what chooses and reaches the models, and the agency, passes from the environment: a
 * developer's SMTP, Slack or HubSpot settings must never make an evaluation mail the set's
 * (realistic) addresses or post to a channel, and DATABASE_URL must not point it at their data.
 */
const PASSED_THROUGH = [
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'OPENAI_MODEL',
  'GEMINI_API_KEY',
  'GEMINI_BASE_URL',
  'GEMINI_MODEL',
  'LLM_TIMEOUT',
  'LLM_MAX_ATTEMPTS',
  'LLM_PRICES',
  'AGENCY_CONFIG',
  'WORKER_CONCURRENCY',
] as const;

export function evalEnvironment(
  source: Readonly<Record<string, string | undefined>>,
  options: Pick<EvalOptions, 'provider' | 'databaseUrl'>,
  dataDir: string,
  adminApiKey: string,
): Record<string, string | undefined> {
  const environment: Record<string, string | undefined> = Object.fromEntries(PASSED_THROUGH.map((name) => [name, source[name]]));
  return {
    ...environment,
    DATA_DIR: dataDir,
    DATABASE_URL: options.databaseUrl ?? undefined,
    PORT: '0',
    HOST: '127.0.0.1',
    // One provider only: a failing provider shows as failures, not as the offline fallback.
    LLM_PROVIDERS: options.provider,
    ADMIN_API_KEY: adminApiKey,
    // The harness is one client with one admin key polling every lead in flight, faster than any
    // person: it must not be throttled as one would be. The limiter stays on (it is part of the
    // pipeline's HTTP path), just far above what the harness sends.
    RATE_LIMIT_ADMIN: '100000000/1m',
  };
}
