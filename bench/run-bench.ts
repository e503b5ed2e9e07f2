import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeMachine } from './machine.js';
import { startBenchInstance, type BenchInstance } from './instance.js';
import { measureCriticalPath, measurePipeline, measureQueueChain, measureSubmitOnly, type Load } from './phases.js';
import { describeLoad, formatMarkdown, formatTable, resultRows, type BenchReport } from './report.js';
import { SlowOfflineModel } from './slow-model.js';

/**
 * `npm run bench [-- --leads 200 --clients 20 --slow-leads 16 --slow-clients 8 --no-slow]`:
 * throughput and latency of the offline pipeline against same-run baselines, and latency with an
 * 800 ms model against its critical-path model time. Prints one table, writes bench/RESULTS.md.
 * Not a test: it fails only when the harness does.
 */

/** From `dist/bench/` (the build) to the repository. */
const REPOSITORY = fileURLToPath(new URL('../../', import.meta.url));
const MODEL_DELAY_MS = 800;
/** Steps on the pipeline's critical path of jobs: intake … review (the responder runs beside it). */
const CRITICAL_STEPS = 9;
const FAKE_MODEL_KIND =
  'Fake model: a LanguageModel used only in the benchmark process (bench/slow-model.ts) that waits 800 ms and then answers with the calling agent\'s own offline implementation (`request.offline()`), injected through `startLeadpilot({ provider })` in place of the configured providers; run recording still wraps it. The fake OpenAI server with an 800 ms delay was not used: it has no per-agent answer oracle yet, and its schema samples are not valid answers for every agent.';

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPOSITORY, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null;
  } catch {
    return null;
  }
}

async function withInstance<T>(roles: ('api' | 'worker')[], use: (instance: BenchInstance) => Promise<T>, provider?: SlowOfflineModel): Promise<T> {
  const instance = await startBenchInstance({ roles, ...(provider ? { provider } : {}) });
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
      out: { type: 'string', default: path.join(REPOSITORY, 'bench/RESULTS.md') },
    },
  });
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
  if (values['no-slow']) {
    slowModelSkipped = '--no-slow';
  } else {
    const slowLoad = { total: Number(values['slow-leads']), clients: Number(values['slow-clients']) };
    progress(`${MODEL_DELAY_MS} ms model: ${slowLoad.total} leads by ${slowLoad.clients} clients (fresh embedded PostgreSQL)…`);
    slowModel = await withInstance(['api', 'worker'], (instance) => measureCriticalPath(instance, slowLoad, MODEL_DELAY_MS), new SlowOfflineModel(MODEL_DELAY_MS));
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
    fakeModelKind: FAKE_MODEL_KIND,
  };
  process.stdout.write(`\nLeadpilot benchmark: ${describeLoad(report)}; ${machine.cpuModel}, ${machine.cores} cores, node ${machine.node}\n\n${formatTable(resultRows(report))}\n`);
  await writeFile(values.out, formatMarkdown(report, []));
  process.stdout.write(`\nWritten to ${path.relative(process.cwd(), values.out) || values.out}\n`);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`Benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
}
