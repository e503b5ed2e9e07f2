import { z } from 'zod';
import { parseDuration } from './lib/duration.js';

/**
 * The only reader of `process.env`. Everything the process may be told from outside is parsed
 * here once, and every bad variable is reported together, each with what is expected.
 */

const PROVIDERS = ['openai', 'gemini', 'offline'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

export const ROLE_NAMES = ['api', 'worker', 'bot'] as const;
export type ServerRoleName = (typeof ROLE_NAMES)[number];

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

const optionalText = z.preprocess(blankToUndefined, z.string().optional());

const optionalUrl = (protocols: readonly string[], example: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((value) => {
        try {
          return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      }, `expected a ${protocols.join(' or ')} URL such as ${example}`)
      .optional(),
  );

/** `minimum`: the shortest duration allowed, with how to say it ("10s"). */
const duration = (fallback: string, minimum?: { ms: number; text: string }) =>
  z.preprocess(
    (value) => blankToUndefined(value) ?? fallback,
    z.string().transform((text, context) => {
      const ms = parseDuration(text);
      if (ms === undefined || ms <= 0) {
        context.addIssue({ code: 'custom', message: `expected a duration such as 30m, 4h or 3d, got "${text}"` });
        return z.NEVER;
      }
      if (minimum && ms < minimum.ms) {
        context.addIssue({ code: 'custom', message: `expected at least ${minimum.text}, got "${text}"` });
        return z.NEVER;
      }
      return ms;
    }),
  );

const durationList = (fallback: string) =>
  z.preprocess(
    (value) => blankToUndefined(value) ?? fallback,
    z.string().transform((text, context) => {
      const parts = text.split(',').map((part) => part.trim()).filter(Boolean);
      const values = parts.map(parseDuration);
      if (values.some((ms) => ms === undefined || ms <= 0)) {
        context.addIssue({ code: 'custom', message: `expected a comma-separated list of durations such as 3d,7d, got "${text}"` });
        return z.NEVER;
      }
      return values as number[];
    }),
  );

const list = z.preprocess(
  (value) => blankToUndefined(value) ?? '',
  z.string().transform((text) => text.split(',').map((part) => part.trim()).filter(Boolean)),
);

const boolean = (fallback: boolean) =>
  z.preprocess(
    (value) => blankToUndefined(value) ?? String(fallback),
    z
      .string()
      .toLowerCase()
      .refine((text) => ['true', 'false', '1', '0', 'yes', 'no'].includes(text), 'expected true or false')
      .transform((text) => ['true', '1', 'yes'].includes(text)),
  );

const integer = (fallback: number, min: number, max: number) =>
  z.preprocess(
    (value) => blankToUndefined(value) ?? String(fallback),
    z
      .string()
      .regex(/^\d+$/, `expected a whole number from ${min} to ${max}`)
      .transform(Number)
      .pipe(z.number().int().min(min, `expected at least ${min}`).max(max, `expected at most ${max}`)),
  );

/** `count/duration` (5/10m), or, where `allowOff`, `off` for no limit (undefined). */
function rateLimit(fallback: string, example: string, allowOff: boolean) {
  return z.preprocess(
    (value) => blankToUndefined(value) ?? fallback,
    z.string().transform((text, context) => {
      if (allowOff && text.trim().toLowerCase() === 'off') return undefined;
      const match = /^\s*(\d{1,9})\s*\/\s*(\S+)\s*$/.exec(text);
      const windowMs = match ? parseDuration(match[2]!) : undefined;
      if (!match || Number(match[1]) < 1 || windowMs === undefined || windowMs <= 0) {
        context.addIssue({ code: 'custom', message: `expected ${example}, got "${text}"` });
        return z.NEVER;
      }
      return { max: Number(match[1]), windowMs };
    }),
  );
}

const BYTE_UNITS = { b: 1, kb: 1024, mb: 1024 ** 2 } as const;

/** A size such as 512kb or 1mb, in bytes. */
function byteSize(fallback: string) {
  return z.preprocess(
    (value) => blankToUndefined(value) ?? fallback,
    z.string().transform((text, context) => {
      const match = /^\s*(\d{1,9})\s*(b|kb|mb)\s*$/i.exec(text);
      const bytes = match ? Number(match[1]) * BYTE_UNITS[match[2]!.toLowerCase() as keyof typeof BYTE_UNITS] : 0;
      if (!match || bytes < 1024 || bytes > 64 * 1024 ** 2) {
        context.addIssue({ code: 'custom', message: `expected a size from 1kb to 64mb such as 512kb or 1mb, got "${text}"` });
        return z.NEVER;
      }
      return bytes;
    }),
  );
}

const environmentSchema = z.object({
  NODE_ENV: z.preprocess(blankToUndefined, z.enum(['development', 'production', 'test']).default('development')),
  LOG_LEVEL: z.preprocess(
    blankToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  PORT: integer(4000, 0, 65535),
  // Blank: no metrics server of its own (the api role serves /metrics on PORT).
  METRICS_PORT: z.preprocess(blankToUndefined, z.string().regex(/^\d+$/, 'expected a whole number from 0 to 65535').transform(Number).pipe(z.number().max(65535)).optional()),
  HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  PUBLIC_URL: optionalUrl(['http', 'https'], 'https://leads.example.com'),
  TRUST_PROXY: integer(0, 0, 10),
  DATABASE_URL: optionalUrl(['postgres', 'postgresql'], 'postgres://user:password@127.0.0.1:5432/leadpilot'),
  DATABASE_POOL_SIZE: integer(10, 2, 200),
  DATA_DIR: z.preprocess(blankToUndefined, z.string().default('./data')),
  TEST_DATABASE_URL: optionalUrl(['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/test'),
  AGENCY_CONFIG: optionalText,
  LLM_PROVIDERS: z.preprocess(
    blankToUndefined,
    z
      .string()
      .transform((text) => text.split(',').map((part) => part.trim().toLowerCase()).filter(Boolean))
      .pipe(z.array(z.enum(PROVIDERS, { message: `expected a comma-separated list of ${PROVIDERS.join(', ')}` })).min(1))
      .optional(),
  ),
  OPENAI_API_KEY: optionalText,
  OPENAI_BASE_URL: optionalUrl(['http', 'https'], 'https://api.openai.com/v1'),
  OPENAI_MODEL: z.preprocess(blankToUndefined, z.string().default('gpt-4.1-mini')),
  GEMINI_API_KEY: optionalText,
  GEMINI_BASE_URL: optionalUrl(['http', 'https'], 'https://generativelanguage.googleapis.com'),
  GEMINI_MODEL: z.preprocess(blankToUndefined, z.string().default('gemini-2.5-flash')),
  LLM_TIMEOUT: duration('60s'),
  LLM_MAX_ATTEMPTS: integer(3, 1, 10),
  LLM_PRICES: z.preprocess(
    (value) => blankToUndefined(value) ?? '',
    z.string().transform((text, context) => {
      const prices: Record<string, { inputPerMillion: number; outputPerMillion: number }> = {};
      for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
        const match = /^([^=\s]+)=(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(entry);
        if (!match) {
          context.addIssue({ code: 'custom', message: `expected model=input/output in USD per million tokens, such as gpt-4.1-mini=0.40/1.60, got "${entry}"` });
          return z.NEVER;
        }
        prices[match[1]!] = { inputPerMillion: Number(match[2]), outputPerMillion: Number(match[3]) };
      }
      return prices;
    }),
  ),
  WORKER_CONCURRENCY: integer(8, 1, 256),
  PIPELINE_STEP_RETRIES: integer(4, 0, 20),
  PIPELINE_RETRY_DELAY: duration('5s'),
  PIPELINE_STEP_TIMEOUT: duration('15m'),
  // pg-boss refuses heartbeats under 10 s; its workers beat at half the interval.
  JOB_HEARTBEAT: duration('30s', { ms: 10_000, text: '10s' }),
  SHUTDOWN_GRACE: duration('30s', { ms: 3_000, text: '3s' }),
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APPROVAL_CHANNEL: optionalText,
  SLACK_API_URL: optionalUrl(['http', 'https'], 'https://slack.com/api/'),
  SLACK_APPROVER_IDS: list,
  APPROVAL_REMINDER_AFTER: duration('4h'),
  APPROVAL_EXPIRES_AFTER: duration('72h'),
  LEADPILOT_API_URL: optionalUrl(['http', 'https'], 'http://127.0.0.1:4000/graphql'),
  LEADPILOT_API_KEY: optionalText,
  SMTP_URL: optionalUrl(['smtp', 'smtps'], 'smtp://user:password@mail.example.com:587'),
  MAIL_FROM: optionalText,
  APPROVER_EMAILS: list.pipe(z.array(z.email({ message: 'expected a comma-separated list of e-mail addresses' }))),
  FOLLOW_UP_OFFSETS: durationList('3d,7d'),
  FOLLOW_UPS_AUTO: boolean(false),
  DIGEST_AT: z.preprocess(
    (value) => blankToUndefined(value) ?? '08:00',
    z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time of day such as 08:00'),
  ),
  HUBSPOT_TOKEN: optionalText,
  HUBSPOT_BASE_URL: optionalUrl(['http', 'https'], 'https://api.hubapi.com'),
  HUBSPOT_CLIENT_SECRET: optionalText,
  LEAD_WEBHOOK_SECRET: optionalText,
  FORM_RATE_LIMIT: rateLimit('5/10m', 'submissions per window such as 5/10m', false),
  RATE_LIMIT_ANONYMOUS: rateLimit('600/1m', 'requests per window such as 600/1m, or off', true),
  RATE_LIMIT_VIEWER: rateLimit('1200/1m', 'requests per window such as 1200/1m, or off', true),
  RATE_LIMIT_INTEGRATION: rateLimit('1200/1m', 'requests per window such as 1200/1m, or off', true),
  RATE_LIMIT_APPROVER: rateLimit('1200/1m', 'requests per window such as 1200/1m, or off', true),
  RATE_LIMIT_ADMIN: rateLimit('2400/1m', 'requests per window such as 2400/1m, or off', true),
  RATE_LIMIT_SYNC_INTERVAL: duration('100ms'),
  GRAPHQL_BODY_LIMIT: byteSize('1mb'),
  // Room for Slack's largest interaction payloads and the longest valid lead, every character \u-escaped.
  WEBHOOK_BODY_LIMIT: byteSize('1mb'),
  ADMIN_API_KEY: z.preprocess(
    blankToUndefined,
    z.string().min(24, 'expected at least 24 characters: an admin key must be hard to guess').optional(),
  ),
});

type Environment = z.infer<typeof environmentSchema>;

export interface Config {
  readonly env: Environment['NODE_ENV'];
  readonly logLevel: Environment['LOG_LEVEL'];
  /** `publicUrlSet`: PUBLIC_URL was given, so links to it (the dashboard in Slack) reach people. `trustedProxies`: reverse proxies in front whose X-Forwarded-For is believed (the client IP the form's rate limit counts). `metricsPort`: METRICS_PORT, where a process without the api role serves /metrics. */
  readonly http: { readonly port: number; readonly host: string; readonly publicUrl: string; readonly publicUrlSet: boolean; readonly trustedProxies: number; readonly metricsPort: number | undefined };
  /** Unset: an embedded PostgreSQL server in `dataDir`. */
  readonly databaseUrl: string | undefined;
  /** Connections the application's pool of a `serve` process may hold (the job queue has its own). */
  readonly databasePoolSize: number;
  readonly dataDir: string;
  readonly testDatabaseUrl: string | undefined;
  readonly agencyConfigPath: string | undefined;
  readonly llm: {
    readonly providers: readonly ProviderName[];
    readonly openai: { readonly apiKey?: string; readonly baseUrl?: string; readonly model: string };
    readonly gemini: { readonly apiKey?: string; readonly baseUrl?: string; readonly model: string };
    /** Per attempt: one HTTP call to a provider. */
    readonly timeoutMs: number;
    /** Per provider and call, the first attempt included. */
    readonly maxAttempts: number;
    /** USD per million tokens, by model name (prefix); merged over the defaults in `agents/models/prices.ts`. */
    readonly prices: Readonly<Record<string, { readonly inputPerMillion: number; readonly outputPerMillion: number }>>;
  };
  readonly workerConcurrency: number;
  /** A pipeline step that fails is tried this many more times (exponential backoff from retryDelayMs) before the lead is FAILED. */
  /** `stepTimeoutMs`: a step still running then is failed and tried again (how a killed worker's jobs come back). */
  readonly pipeline: { readonly stepRetries: number; readonly retryDelayMs: number; readonly stepTimeoutMs: number };
  /**
   * `heartbeatMs`: a running job not heard from for this long belongs to a dead process (SIGKILL,
   * a lost machine) and is released to another worker, however long its step may legitimately run.
   */
  readonly jobs: { readonly heartbeatMs: number };
  /** After SIGTERM or SIGINT: the time in-flight requests and jobs get to finish before the process exits anyway. */
  readonly shutdownGraceMs: number;
  readonly slack: {
    readonly botToken?: string;
    readonly signingSecret?: string;
    readonly approvalChannel?: string;
    readonly apiUrl?: string;
    readonly approverIds: readonly string[];
  };
  readonly approval: { readonly reminderAfterMs: number; readonly expiresAfterMs: number };
  readonly api: { readonly url?: string; readonly key?: string };
  readonly mail: { readonly smtpUrl?: string; readonly from?: string; readonly approverEmails: readonly string[] };
  readonly followUps: { readonly offsetsMs: readonly number[]; readonly auto: boolean };
  readonly digestAt: string;
  readonly hubspot: { readonly token?: string; readonly baseUrl?: string; readonly clientSecret?: string };
  readonly leadWebhookSecret?: string;
  /** Lead form submissions per client IP and window (POST /, counted in PostgreSQL). */
  readonly form: { readonly rateLimit: RateLimitSetting };
  /**
   * Requests per API key by its role, and per client IP without a (valid) key, on every endpoint;
   * undefined: no limit. `syncIntervalMs`: how often an instance writes its counts to PostgreSQL.
   */
  readonly rateLimits: {
    readonly anonymous: RateLimitSetting | undefined;
    readonly byRole: Readonly<Record<'viewer' | 'integration' | 'approver' | 'admin', RateLimitSetting | undefined>>;
    readonly syncIntervalMs: number;
  };
  /** Largest accepted body in bytes: a /graphql request or WebSocket message; a webhook delivery or Slack request. */
  readonly bodyLimits: { readonly graphql: number; readonly webhook: number };
  readonly adminApiKey?: string;
}

export interface RateLimitSetting {
  readonly max: number;
  readonly windowMs: number;
}

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`The configuration is invalid:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type EnvironmentSource = Readonly<Record<string, string | undefined>>;

/**
 * Parses the environment (the real one unless another is given, as tests do) and throws a
 * `ConfigError` naming every bad variable at once.
 */
export function loadConfig(source: EnvironmentSource = process.env): Config {
  const parsed = environmentSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = issue.path.join('.');
        const given = source[String(issue.path[0])];
        const shown = given === undefined || isSecret(variable) ? '' : ` (got "${given}")`;
        return `${variable}: ${issue.message}${shown}`;
      }),
    );
  }
  const env = parsed.data;
  const problems: string[] = [];
  const defaultProviders: ProviderName[] = [
    ...(env.OPENAI_API_KEY ? (['openai'] as const) : []),
    ...(env.GEMINI_API_KEY ? (['gemini'] as const) : []),
    'offline',
  ];
  const providers = env.LLM_PROVIDERS ?? defaultProviders;
  if (providers.includes('openai') && !env.OPENAI_API_KEY) problems.push('LLM_PROVIDERS: lists openai, but OPENAI_API_KEY is not set');
  if (providers.includes('gemini') && !env.GEMINI_API_KEY) problems.push('LLM_PROVIDERS: lists gemini, but GEMINI_API_KEY is not set');
  if (env.SLACK_BOT_TOKEN && !env.SLACK_SIGNING_SECRET) problems.push('SLACK_SIGNING_SECRET: required when SLACK_BOT_TOKEN is set (Slack requests are verified with it)');
  if (env.SLACK_BOT_TOKEN && !env.SLACK_APPROVAL_CHANNEL) problems.push('SLACK_APPROVAL_CHANNEL: required when SLACK_BOT_TOKEN is set (the channel proposals are posted to)');
  if (env.SMTP_URL && !env.MAIL_FROM) problems.push('MAIL_FROM: required when SMTP_URL is set, e.g. "Agency <sales@agency.example>"');
  if (env.APPROVAL_REMINDER_AFTER >= env.APPROVAL_EXPIRES_AFTER) problems.push('APPROVAL_REMINDER_AFTER: must be shorter than APPROVAL_EXPIRES_AFTER');
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: env.NODE_ENV,
    logLevel: env.LOG_LEVEL,
    http: {
      port: env.PORT,
      host: env.HOST,
      publicUrl: (env.PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/$/, ''),
      trustedProxies: env.TRUST_PROXY,
      publicUrlSet: env.PUBLIC_URL !== undefined,
      metricsPort: env.METRICS_PORT,
    },
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    dataDir: env.DATA_DIR,
    testDatabaseUrl: env.TEST_DATABASE_URL,
    agencyConfigPath: env.AGENCY_CONFIG,
    llm: {
      providers,
      openai: { apiKey: env.OPENAI_API_KEY, baseUrl: env.OPENAI_BASE_URL, model: env.OPENAI_MODEL },
      gemini: { apiKey: env.GEMINI_API_KEY, baseUrl: env.GEMINI_BASE_URL, model: env.GEMINI_MODEL },
      timeoutMs: env.LLM_TIMEOUT,
      maxAttempts: env.LLM_MAX_ATTEMPTS,
      prices: env.LLM_PRICES,
    },
    workerConcurrency: env.WORKER_CONCURRENCY,
    pipeline: { stepRetries: env.PIPELINE_STEP_RETRIES, retryDelayMs: env.PIPELINE_RETRY_DELAY, stepTimeoutMs: env.PIPELINE_STEP_TIMEOUT },
    jobs: { heartbeatMs: env.JOB_HEARTBEAT },
    shutdownGraceMs: env.SHUTDOWN_GRACE,
    slack: {
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      approvalChannel: env.SLACK_APPROVAL_CHANNEL,
      apiUrl: env.SLACK_API_URL,
      approverIds: env.SLACK_APPROVER_IDS,
    },
    approval: { reminderAfterMs: env.APPROVAL_REMINDER_AFTER, expiresAfterMs: env.APPROVAL_EXPIRES_AFTER },
    api: { url: env.LEADPILOT_API_URL, key: env.LEADPILOT_API_KEY },
    mail: { smtpUrl: env.SMTP_URL, from: env.MAIL_FROM, approverEmails: env.APPROVER_EMAILS },
    followUps: { offsetsMs: env.FOLLOW_UP_OFFSETS, auto: env.FOLLOW_UPS_AUTO },
    digestAt: env.DIGEST_AT,
    hubspot: { token: env.HUBSPOT_TOKEN, baseUrl: env.HUBSPOT_BASE_URL, clientSecret: env.HUBSPOT_CLIENT_SECRET },
    leadWebhookSecret: env.LEAD_WEBHOOK_SECRET,
    form: { rateLimit: env.FORM_RATE_LIMIT! },
    rateLimits: {
      anonymous: env.RATE_LIMIT_ANONYMOUS,
      byRole: { viewer: env.RATE_LIMIT_VIEWER, integration: env.RATE_LIMIT_INTEGRATION, approver: env.RATE_LIMIT_APPROVER, admin: env.RATE_LIMIT_ADMIN },
      syncIntervalMs: env.RATE_LIMIT_SYNC_INTERVAL,
    },
    bodyLimits: { graphql: env.GRAPHQL_BODY_LIMIT, webhook: env.WEBHOOK_BODY_LIMIT },
    adminApiKey: env.ADMIN_API_KEY,
  };
}

const SECRET_VARIABLES = /KEY|TOKEN|SECRET|PASSWORD|DATABASE_URL|SMTP_URL/;

function isSecret(variable: string): boolean {
  return SECRET_VARIABLES.test(variable);
}
