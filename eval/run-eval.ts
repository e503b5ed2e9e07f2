import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgencyConfigError, loadAgencyConfig, type AgencyConfig } from '../src/agents/agency-config.js';
import { ConfigError, loadConfig, type Config } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startLeadpilot, type RunningLeadpilot } from '../src/main.js';
import { evalEnvironment } from './eval-environment.js';
import { parseEvalOptions, USAGE, UsageError, type EvalOptions } from './eval-options.js';
import { createGraphqlClient } from './graphql-client.js';
import { loadLeadCases, type LeadCase } from './lead-case.schema.js';
import { formatReport, formatSeconds } from './report.js';
import { buildResultsDocument, defaultResultsPath, writeResults } from './results-file.js';
import { applyPromptVersions, runLeads } from './run-pipeline.js';
import { scoreLead } from './score-lead.js';
import { type GatedMetric, evaluateGates, summarise } from './summarise.js';

/**
 * `npm run eval -- [options]`: the labelled lead set through the real pipeline (api and worker
 * roles on a fresh embedded PostgreSQL), scored against its labels, printed as a table with the
 * failures, written as JSON. Exit 0 done, 1 a gate failed (with --gate), 2 harness error.
 */

const EXIT = { OK: 0, GATE_FAILED: 1, HARNESS_ERROR: 2 } as const;

/** From `dist/eval/` (the build) to the repository. */
const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPOSITORY, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

async function loadCases(options: EvalOptions): Promise<{ leadCase: LeadCase; holdout: boolean }[]> {
  const root = path.resolve(options.leadsDir === 'eval/leads' ? path.join(REPOSITORY, 'eval/leads') : options.leadsDir);
  const rest = (await loadLeadCases(root)).map((leadCase) => ({ leadCase, holdout: false }));
  const holdout = (await loadLeadCases(path.join(root, 'holdout'))).map((leadCase) => ({ leadCase, holdout: true }));
  const all = [...rest, ...holdout];
  const selected = options.only.length === 0 ? all : all.filter(({ leadCase }) => options.only.some((text) => leadCase.id.includes(text)));
  if (selected.length === 0) throw new UsageError(`no case in ${root} matches ${options.only.map((text) => `--only ${text}`).join(' ')}`);
  return selected;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: EvalOptions;
  try {
    options = parseEvalOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return EXIT.HARNESS_ERROR;
  }
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.OK;
  }

  const cases = await loadCases(options);
  const adminApiKey = randomBytes(24).toString('base64url');
  const dataDir = await mkdtemp(path.join(tmpdir(), 'leadpilot-eval-'));
  let config: Config;
  let agency: AgencyConfig;
  try {
    config = loadConfig(evalEnvironment(process.env, options, dataDir, adminApiKey));
    // The same file the pipeline reads: prices are judged against the rate card it priced with.
    agency = loadAgencyConfig(config.agencyConfigPath);
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  const logger = createLogger({ level: 'warn', name: 'eval' });
  const startedAt = new Date();
  const model = options.provider === 'openai' ? config.llm.openai.model : options.provider === 'gemini' ? config.llm.gemini.model : null;

  // Ctrl-C stops the leads in flight and the pipeline in order: the embedded server must not be orphaned.
  const interrupt = new AbortController();
  const onSignal = () => {
    if (!interrupt.signal.aborted) process.stderr.write('\nInterrupted: stopping the pipeline…\n');
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let running: RunningLeadpilot | undefined;
  try {
    process.stderr.write(`Starting the pipeline (provider ${options.provider}${model ? `, model ${model}` : ''}) on ${options.databaseUrl ? 'the given database' : `a fresh embedded PostgreSQL in ${dataDir}`}…\n`);
    running = await startLeadpilot(config, { roles: ['api', 'worker'], logger });
    if (!running.graphqlUrl) throw new Error('the api role did not report a GraphQL URL');
    const client = createGraphqlClient(running.graphqlUrl, running.generatedAdminKey ?? adminApiKey);

    const promptVersions = await applyPromptVersions(client, options.promptVersions);
    for (const used of promptVersions) process.stderr.write(`Prompt version ${used.version ?? used.id} of ${used.agent} from ${used.file} is active.\n`);

    process.stderr.write(`Running ${cases.length} leads (${options.concurrency ?? 'all'} at once, timeout ${options.timeoutMs / 1000} s each)…\n`);
    let done = 0;
    const runs = await runLeads(
      client,
      cases.map(({ leadCase }) => leadCase),
      {
        concurrency: options.concurrency,
        timeoutMs: options.timeoutMs,
        pollMs: options.pollMs,
        signal: interrupt.signal,
        onSettled: (leadCase, run) => {
          done += 1;
          const status = run.outcome === 'settled' ? run.result.status : run.outcome === 'error' ? `ERROR (${run.error.slice(0, 160)})` : 'TIMEOUT';
          process.stderr.write(`[${String(done).padStart(String(cases.length).length)}/${cases.length}] ${leadCase.id} ${status} ${formatSeconds(run.durationMs)}\n`);
        },
      },
    );
    if (interrupt.signal.aborted) return EXIT.HARNESS_ERROR;

    const scores = cases.map(({ leadCase, holdout }, index) => scoreLead(leadCase, runs[index]!, { agency, holdout }));
    const summary = summarise(scores);
    const gates = evaluateGates(summary);
    const finishedAt = new Date();
    const heading = `Leadpilot evaluation: ${cases.length} lead${cases.length === 1 ? '' : 's'}, provider ${options.provider}${model ? ` (${model})` : ''}${promptVersions.length ? `, prompt versions ${promptVersions.map((used) => `${used.agent}=${used.file}`).join(', ')}` : ''}`;
    process.stdout.write(`\n${formatReport({ summary, gates, scores, heading })}\n`);

    const out = options.out ?? defaultResultsPath(startedAt, options.provider, path.join(REPOSITORY, 'eval/results'));
    await writeResults(
      out,
      buildResultsDocument({
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        provider: options.provider,
        model,
        commit: gitCommit(),
        options: { only: options.only, concurrency: options.concurrency, timeoutMs: options.timeoutMs },
        promptVersions,
        gates,
        summary,
        scores,
        runs,
      }),
    );
    const relative = path.relative(process.cwd(), path.resolve(out));
    process.stdout.write(`\nResults written to ${relative.startsWith('..') ? path.resolve(out) : relative}\n`);

    // A lead the harness could not submit or read is the harness's failure, not the agents'.
    const harnessErrors = runs.filter((run) => run.outcome === 'error').length;
    if (harnessErrors > 0) {
      process.stderr.write(`${harnessErrors} lead(s) could not be submitted or read: see the "harness error" failures above.\n`);
      return EXIT.HARNESS_ERROR;
    }
    const deciding = gates.checks.filter((check) => options.gateOnly === null || options.gateOnly.includes(check.metric as GatedMetric));
    return options.gate && deciding.some((check) => !check.passed) ? EXIT.GATE_FAILED : EXIT.OK;
  } finally {
    await running?.stop();
    if (options.keepData) process.stderr.write(`Data kept in ${dataDir}\n`);
    else await rm(dataDir, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  // Configuration and usage mistakes say what to fix; anything else shows where it broke.
  const known = error instanceof ConfigError || error instanceof AgencyConfigError || error instanceof UsageError;
  process.stderr.write(`Evaluation failed: ${error instanceof Error ? (known ? error.message : (error.stack ?? error.message)) : String(error)}\n`);
  process.exitCode = EXIT.HARNESS_ERROR;
}
