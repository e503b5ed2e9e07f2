import { GATES, type GatedMetric } from './summarise.js';
import { parseArgs } from 'node:util';
import { z } from 'zod';

/**
 * The command line of `npm run eval -- …`, parsed and checked once. Unknown options are refused:
 * a mistyped option silently ignored would evaluate something else than asked.
 */

export const EVAL_PROVIDERS = ['offline', 'openai', 'gemini'] as const;
export type EvalProvider = (typeof EVAL_PROVIDERS)[number];

export const USAGE = `Usage: npm run eval -- [options]

  --provider offline|openai|gemini  the one LLM provider the pipeline uses (default offline)
  --prompt-version <agent>=<file>   create a prompt version for <agent> from the file and activate it
                                    before the run (repeatable)
  --only <text>                     only the cases whose id contains <text> (repeatable: any of them)
  --concurrency <n>                 leads in flight at once (default: all)
  --timeout <seconds>               per lead, submit to settled (default 120 offline, 600 otherwise)
  --poll-ms <ms>                    how often a lead's status is read (default 100)
  --out <file>                      the JSON results (default eval/results/<iso-time>-<provider>.json)
  --leads <dir>                     the labelled set (default eval/leads, its hold-out in <dir>/holdout)
  --database-url <url>              an existing, empty PostgreSQL database instead of a fresh embedded one
  --keep-data                       keep the temporary data directory (embedded database, outbox)
  --gate                            exit 1 when a gate fails
  --gate-only <metric,…>            exit 1 only when one of these gates fails (qualification, language, requirements, price, injection)
  --help                            this text

Exit codes: 0 done (and gates pass, with --gate), 1 a gate failed (with --gate), 2 harness error.`;

export interface PromptVersionOption {
  readonly agent: string;
  readonly file: string;
}

export interface EvalOptions {
  readonly provider: EvalProvider;
  readonly promptVersions: readonly PromptVersionOption[];
  readonly only: readonly string[];
  readonly concurrency: number | null;
  readonly timeoutMs: number;
  readonly pollMs: number;
  readonly out: string | null;
  readonly leadsDir: string;
  readonly databaseUrl: string | null;
  readonly keepData: boolean;
  readonly gate: boolean;
  /** Only these gates decide the exit code (a gate not yet reached is still reported). */
  readonly gateOnly: readonly GatedMetric[] | null;
  readonly help: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const positiveInteger = (name: string) =>
  z
    .string()
    .regex(/^\d+$/, `${name}: expected a whole number`)
    .transform(Number)
    .pipe(z.number().int().positive(`${name}: expected at least 1`));

const promptVersion = z.string().transform((text, context) => {
  const separator = text.indexOf('=');
  const agent = text.slice(0, separator).trim();
  const file = text.slice(separator + 1).trim();
  if (separator <= 0 || agent === '' || file === '') {
    context.addIssue({ code: 'custom', message: `--prompt-version: expected <agent>=<file>, got "${text}"` });
    return z.NEVER;
  }
  return { agent, file };
});

export function parseEvalOptions(argv: readonly string[]): EvalOptions {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        provider: { type: 'string' },
        'prompt-version': { type: 'string', multiple: true },
        only: { type: 'string', multiple: true },
        concurrency: { type: 'string' },
        timeout: { type: 'string' },
        'poll-ms': { type: 'string' },
        out: { type: 'string' },
        leads: { type: 'string' },
        'database-url': { type: 'string' },
        'keep-data': { type: 'boolean' },
        gate: { type: 'boolean' },
        'gate-only': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }

  const schema = z.object({
    provider: z.enum(EVAL_PROVIDERS, { message: `--provider: expected one of ${EVAL_PROVIDERS.join(', ')}` }).default('offline'),
    'prompt-version': z.array(promptVersion).default([]),
    only: z.array(z.string().min(1, '--only: expected a non-empty text')).default([]),
    concurrency: positiveInteger('--concurrency').optional(),
    timeout: positiveInteger('--timeout').optional(),
    'poll-ms': positiveInteger('--poll-ms').default(100),
    out: z.string().min(1).optional(),
    leads: z.string().min(1).default('eval/leads'),
    'database-url': z.string().regex(/^postgres(ql)?:\/\//, '--database-url: expected postgres://…').optional(),
    'keep-data': z.boolean().default(false),
    gate: z.boolean().default(false),
    'gate-only': z
      .string()
      .transform((text) => text.split(',').map((part) => part.trim()).filter(Boolean))
      .pipe(z.array(z.enum(GATES.map((gate) => gate.metric) as [GatedMetric, ...GatedMetric[]], { message: `--gate-only: expected metrics among ${GATES.map((gate) => gate.metric).join(', ')}` })).min(1))
      .optional(),
    help: z.boolean().default(false),
  });
  const parsed = schema.safeParse(values);
  if (!parsed.success) throw new UsageError(parsed.error.issues.map((issue) => issue.message).join('\n'));
  const options = parsed.data;
  const agents = options['prompt-version'].map((entry) => entry.agent);
  const repeated = agents.find((agent, index) => agents.indexOf(agent) !== index);
  if (repeated) throw new UsageError(`--prompt-version: "${repeated}" is given twice`);

  return {
    provider: options.provider,
    promptVersions: options['prompt-version'],
    only: options.only,
    concurrency: options.concurrency ?? null,
    // A real provider answers in seconds per call and a lead makes several calls.
    timeoutMs: (options.timeout ?? (options.provider === 'offline' ? 120 : 600)) * 1000,
    pollMs: options['poll-ms'],
    out: options.out ?? null,
    leadsDir: options.leads,
    databaseUrl: options['database-url'] ?? null,
    keepData: options['keep-data'],
    // --gate-only implies --gate, judged on the metrics named (the hold-out gap included).
    gate: options.gate || options['gate-only'] !== undefined,
    gateOnly: options['gate-only'] ?? null,
    help: options.help,
  };
}
