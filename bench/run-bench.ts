import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAgencyConfig } from '../src/agents/agency-config.js';
import { loadAgentOracle, startSlowFakeOpenAI } from './fake-openai-model.js';
import { formatKpiBench, measureKpis } from './kpis-bench.js';
import { describeMachine } from './machine.js';
import { startBenchInstance, type BenchInstance } from './instance.js';
import { measureCriticalPath, measurePipeline, measureQueueChain, measureSubmitOnly, type Load } from './phases.js';
import { describeLoad, formatMarkdown, formatTable, resultRows, type BenchReport } from './report.js';
import { SlowOfflineModel } from './slow-model.js';

/**
 * `npm run bench [-- --leads 200 --clients 20 --slow-leads 16 --slow-clients 8 --fake-model auto|openai|wrapper --no-slow --kpi-leads 100000 --kpis-only]`:
 * throughput and latency of the offline pipeline against same-run baselines, and latency with an
 * 800 ms model against its critical-path model time; and the KPI queries over a seeded year.
 * Prints the tables, writes bench/RESULTS.md.
 * Not a test: it fails only when the harness does.
 */

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
  const { values } = parseArgs({
    options: {
      leads: { type: 'string', default: '200' },
      clients: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '20' },
      'slow-leads': { type: 'string', default: '16' },
      'slow-clients': { type: 'string', default: '8' },
      'no-slow': { type: 'boolean', default: false },
      /** openai: the fake OpenAI server with the agent oracle; wrapper: the slow offline model; auto: openai when the oracle is built. */
      'fake-model': { type: 'string', default: 'auto' },
      out: { type: 'string', default: path.join(REPOSITORY, 'bench/RESULTS.md') },
      'kpi-leads': { type: 'string', default: '100000' },
      /** Only the KPI benchmark (it has its own fresh database), printed and not written to RESULTS.md. */
      'kpis-only': { type: 'boolean', default: false },
    },
  });
  progress(`KPIs: seeding ${values['kpi-leads']} leads over a year (fresh embedded PostgreSQL)…`);
  const kpis = await withInstance(['api'], (instance) => measureKpis(instance, Number(values['kpi-leads'])));
  const kpiSection = formatKpiBench(kpis);
  process.stdout.write(`\n${kpiSection}\n`);
  if (values['kpis-only']) return;
  const load: Load = { total: Number(values.leads), clients: Number(values.clients), warmup: Number(values.warmup) };
  const machine = describeMachine();

  progress('baselines: submitLead without a worker, then a no-op pg-boss chain (fresh embedded PostgreSQL)…');
  const { submitOnly, queueChain, workerConcurrency } = await withInstance(['api'], async (instance) => ({
    submitOnly: await measureSubmitOnly(instance, load),
    queueChain: await measureQueueChain(instance, load, CRITICAL_STEPS),
    workerConcurrency: instance.config.workerConcurrency,
  }));
  progress(`offline pipeline: ${load.total} leads by ${load.clients} clients (fresh embedded PostgreSQL)…`);
  const { result: pipeline, profile: pipelineProfile } = await withInstance(['api', 'worker'], (instance) => measurePipeline(instance, load));

  let slowModel = null;
  let slowModelSkipped: string | null = null;
  let fakeModelKind = WRAPPER_KIND;
  if (values['no-slow']) {
    slowModelSkipped = '--no-slow';
  } else {
    const slowLoad = { total: Number(values['slow-leads']), clients: Number(values['slow-clients']) };
    const configureOracle = values['fake-model'] === 'wrapper' ? null : await loadAgentOracle(loadAgencyConfig());
    if (values['fake-model'] === 'openai' && !configureOracle) throw new Error('--fake-model openai needs the agent oracle (test/fakes/agent-oracle.ts), which this build does not have');
    if (configureOracle) {
      fakeModelKind = FAKE_OPENAI_KIND;
      const fake = await startSlowFakeOpenAI(MODEL_DELAY_MS, configureOracle);
      try {
        progress(`${MODEL_DELAY_MS} ms model (fake OpenAI server): ${slowLoad.total} leads by ${slowLoad.clients} clients (fresh embedded PostgreSQL)…`);
        slowModel = await withInstance(['api', 'worker'], (instance) => measureCriticalPath(instance, slowLoad, MODEL_DELAY_MS), { env: fake.env });
      } finally {
        await fake.server.close();
      }
    } else {
      if (values['fake-model'] === 'auto') fakeModelKind += ' The fake OpenAI server was not used: this build has no agent oracle (test/fakes/agent-oracle.ts), and its schema samples are not valid answers for every agent.';
      progress(`${MODEL_DELAY_MS} ms model (slow offline wrapper): ${slowLoad.total} leads by ${slowLoad.clients} clients (fresh embedded PostgreSQL)…`);
      slowModel = await withInstance(['api', 'worker'], (instance) => measureCriticalPath(instance, slowLoad, MODEL_DELAY_MS), { provider: new SlowOfflineModel(MODEL_DELAY_MS) });
    }
  }

  const report: BenchReport = {
    machine,
    commit: gitCommit(),
    workerConcurrency,
    load,
    chainLength: CRITICAL_STEPS,
    submitOnly,
    queueChain,
    pipeline,
    pipelineProfile,
    slowModel,
    slowModelSkipped,
    fakeModelKind,
  };
  process.stdout.write(`\nLeadpilot benchmark: ${describeLoad(report)}; ${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}\n\n${formatTable(resultRows(report))}\n`);
  await writeFile(values.out, `${formatMarkdown(report, [])}\n## KPI queries\n\n${kpiSection}\n`);
  process.stdout.write(`\nWritten to ${path.relative(process.cwd(), values.out) || values.out}\n`);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`Benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
