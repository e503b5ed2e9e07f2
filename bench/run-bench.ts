import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAgencyConfig } from '../src/agents/agency-config.js';
import { SERVER_NODE_FLAGS } from '../src/cli/node-flags.js';
import { loadAgentOracle, startSlowFakeOpenAI } from './fake-openai-model.js';
import { formatKpiBench, measureKpis } from './kpis-bench.js';
import { describeMachine } from './machine.js';
import { startBenchInstance, type BenchInstance } from './instance.js';
import { measureCriticalPath, measurePipeline, measureQueueChain, measureSubmitOnly, type Load } from './phases.js';
import { describeLoad, formatMarkdown, formatTable, resultRows, type BenchReport } from './report.js';
import { measureFanout } from './fanout/fanout-bench.js';
import { measureReads } from './reads/reads-bench.js';
import { measureSlackAck } from './slack-ack.js';
import { SlowOfflineModel } from './slow-model.js';

/**
 * `npm run bench [-- --only reads,fanout …]`: every figure of issue 11 against a baseline measured
 * in the same run, printed as one table and (for a full run, or with --out) written to
 * bench/RESULTS.md with the machine. Groups (all by default):
 * - pipeline: the offline pipeline's throughput and latency, against bare submitLead and a no-op
 *   pg-boss chain (--leads 200 --clients 20 --warmup 20);
 * - slow: latency with an 800 ms model against its critical-path model time
 *   (--slow-leads 16 --slow-clients 8 --fake-model auto|openai|wrapper);
 * - reads: leads(first: 20) with proposals against a bare graphql-js + pg server
 *   (--reads-leads 2000 --reads-connections 50 --reads-seconds 8 --reads-rounds 3; --cpu-prof DIR
 *   profiles the Leadpilot process);
 * - fanout: one event to --subscribers 1000 graphql-ws subscriptions (--events 20), one and two
 *   processes, against bare graphql-ws; also the all-roles process's peak memory;
 * - slack: Slack acknowledgement p99 (--clicks 40 --ack-clients 20) against GET /healthz;
 * - kpis: the KPI queries over a seeded year (--kpi-leads 100000).
 * `--kpis-only` is `--only kpis`. Not a test: it fails only when the harness does.
 */

const GROUPS = ['pipeline', 'slow', 'reads', 'fanout', 'slack', 'kpis'] as const;
type Group = (typeof GROUPS)[number];

/** From `dist/bench/` (the build) to the repository. */
const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const MODEL_DELAY_MS = 800;
/** Steps on the pipeline's critical path of jobs: intake … review (the responder runs beside it). */
const CRITICAL_STEPS = 9;
const WRAPPER_KIND =
  'Fake model: a LanguageModel used only in the benchmark process (bench/slow-model.ts) that waits 800 ms and then answers with the calling agent\'s own offline implementation (`request.offline()`), injected through `startLeadpilot({ provider })` in place of the configured providers; run recording still wraps it.';
const FAKE_OPENAI_KIND =
  'Fake model: the fake OpenAI server (test/fakes/fake-openai.server.ts) answering every request after 800 ms, reached through OPENAI_BASE_URL by the real OpenAI adapter (with its retry, repair and circuit breaker), its answers from the agent oracle (test/fakes/agent-oracle.ts: the asking agent\'s offline implementation on the input read back from the request).';

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPOSITORY, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

async function withInstance<T>(
  roles: ('api' | 'worker')[],
  use: (instance: BenchInstance) => Promise<T>,
  model: { provider?: SlowOfflineModel; env?: Record<string, string> } = {},
): Promise<T> {
  const instance = await startBenchInstance({ roles, ...model });
  try {
    return await use(instance);
  } finally {
    await instance.stop();
  }
}

const progress = (text: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`);

async function main(): Promise<void> {
  const missing = SERVER_NODE_FLAGS.filter((flag) => !process.execArgv.includes(flag));
  // The in-process phases (pipeline, slow) would run on another heap than a shipped server's.
  if (missing.length) progress(`warning: node runs without ${missing.join(' ')}; npm run bench passes it, as leadpilot serve runs with it`);
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      leads: { type: 'string', default: '200' },
      clients: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '20' },
      'slow-leads': { type: 'string', default: '16' },
      'slow-clients': { type: 'string', default: '8' },
      'no-slow': { type: 'boolean', default: false },
      /** openai: the fake OpenAI server with the agent oracle; wrapper: the slow offline model; auto: openai when the oracle is built. */
      'fake-model': { type: 'string', default: 'auto' },
      'reads-leads': { type: 'string', default: '2000' },
      'reads-connections': { type: 'string', default: '50' },
      'reads-seconds': { type: 'string', default: '8' },
      'reads-rounds': { type: 'string', default: '3' },
      'cpu-prof': { type: 'string' },
      subscribers: { type: 'string', default: '1000' },
      events: { type: 'string', default: '20' },
      clicks: { type: 'string', default: '40' },
      'ack-clients': { type: 'string', default: '20' },
      out: { type: 'string' },
      'kpi-leads': { type: 'string', default: '100000' },
      'kpis-only': { type: 'boolean', default: false },
    },
  });
  const groups = selectedGroups(values['kpis-only'] ? 'kpis' : values.only);
  const full = groups.length === GROUPS.length;
  if (values['no-slow'] && groups.includes('slow')) groups.splice(groups.indexOf('slow'), 1);
  const machine = describeMachine();
  const report: BenchReport = { machine, commit: gitCommit(), groups };
  let kpiSection: string | null = null;

  if (groups.includes('reads')) {
    report.reads = await measureReads({
      leads: Number(values['reads-leads']),
      connections: Number(values['reads-connections']),
      seconds: Number(values['reads-seconds']),
      rounds: Number(values['reads-rounds']),
      ...(values['cpu-prof'] ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values['cpu-prof'])}`] } : {}),
      progress,
    });
  }
  if (groups.includes('fanout')) report.fanout = await measureFanout({ subscribers: Number(values.subscribers), events: Number(values.events), progress });
  if (groups.includes('slack')) report.slackAck = await measureSlackAck({ clicks: Number(values.clicks), clients: Number(values['ack-clients']), progress });

  if (groups.includes('pipeline')) {
    const load: Load = { total: Number(values.leads), clients: Number(values.clients), warmup: Number(values.warmup) };
    progress('baselines: submitLead without a worker, then a no-op pg-boss chain (fresh embedded PostgreSQL)…');
    const { submitOnly, queueChain, workerConcurrency } = await withInstance(['api'], async (instance) => ({
      submitOnly: await measureSubmitOnly(instance, load),
      queueChain: await measureQueueChain(instance, load, CRITICAL_STEPS),
      workerConcurrency: instance.config.workerConcurrency,
    }));
    progress(`offline pipeline: ${load.total} leads by ${load.clients} clients (fresh embedded PostgreSQL)…`);
    const { result: pipeline, profile: pipelineProfile } = await withInstance(['api', 'worker'], (instance) => measurePipeline(instance, load));
    report.pipeline = { workerConcurrency, load, chainLength: CRITICAL_STEPS, submitOnly, queueChain, pipeline, pipelineProfile };
  }

  if (values['no-slow']) report.slowModelSkipped = '--no-slow';
  if (groups.includes('slow')) {
    report.fakeModelKind = WRAPPER_KIND;
    const slowLoad = { total: Number(values['slow-leads']), clients: Number(values['slow-clients']) };
    const configureOracle = values['fake-model'] === 'wrapper' ? null : await loadAgentOracle(loadAgencyConfig());
    if (values['fake-model'] === 'openai' && !configureOracle) throw new Error('--fake-model openai needs the agent oracle (test/fakes/agent-oracle.ts), which this build does not have');
    if (configureOracle) {
      report.fakeModelKind = FAKE_OPENAI_KIND;
      const fake = await startSlowFakeOpenAI(MODEL_DELAY_MS, configureOracle);
      try {
        progress(`${MODEL_DELAY_MS} ms model (fake OpenAI server): ${slowLoad.total} leads by ${slowLoad.clients} clients (fresh embedded PostgreSQL)…`);
        report.slowModel = await withInstance(['api', 'worker'], (instance) => measureCriticalPath(instance, slowLoad, MODEL_DELAY_MS), { env: fake.env });
      } finally {
        await fake.server.close();
      }
    } else {
      if (values['fake-model'] === 'auto') report.fakeModelKind += ' The fake OpenAI server was not used: this build has no agent oracle (test/fakes/agent-oracle.ts), and its schema samples are not valid answers for every agent.';
      progress(`${MODEL_DELAY_MS} ms model (slow offline wrapper): ${slowLoad.total} leads by ${slowLoad.clients} clients (fresh embedded PostgreSQL)…`);
      report.slowModel = await withInstance(['api', 'worker'], (instance) => measureCriticalPath(instance, slowLoad, MODEL_DELAY_MS), { provider: new SlowOfflineModel(MODEL_DELAY_MS) });
    }
  }

  if (groups.includes('kpis')) {
    progress(`KPIs: seeding ${values['kpi-leads']} leads over a year (fresh embedded PostgreSQL)…`);
    report.kpis = await withInstance(['api'], (instance) => measureKpis(instance, Number(values['kpi-leads'])));
    kpiSection = formatKpiBench(report.kpis);
  }

  process.stdout.write(
    `\nLeadpilot benchmark (${groups.join(', ')}); ${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}${report.pipeline ? `\nOffline load: ${describeLoad(report.pipeline)}` : ''}\n\n${formatTable(resultRows(report))}\n`,
  );
  if (kpiSection) process.stdout.write(`\n${kpiSection}\n`);
  // A partial run (--only) is for development: it prints, and writes only when asked to.
  const out = values.out ?? (full ? path.join(REPOSITORY, 'bench/RESULTS.md') : null);
  if (out) {
    await writeFile(out, formatMarkdown(report, kpiSection));
    process.stdout.write(`\nWritten to ${path.relative(process.cwd(), out) || out}\n`);
  }
}

function selectedGroups(only: string | undefined): Group[] {
  if (!only) return [...GROUPS];
  const asked = only.split(',').map((group) => group.trim()).filter(Boolean);
  const unknown = asked.filter((group) => !(GROUPS as readonly string[]).includes(group));
  if (unknown.length || !asked.length) throw new Error(`--only takes a comma-separated list of ${GROUPS.join(', ')}; got "${only}"`);
  // Always in the table's order, whatever order they were asked in.
  return GROUPS.filter((group) => asked.includes(group));
}

try {
  await main();
} catch (error) {
  process.stderr.write(`Benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
