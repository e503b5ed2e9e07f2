import type { Machine } from './machine.js';
import type { CriticalPathResult, Load, PipelineResult } from './phases.js';
import type { StepProfile } from './queue-profile.js';
import type { Summary } from './stats.js';

export interface BenchReport {
  machine: Machine;
  commit: string | null;
  workerConcurrency: number;
  load: Load;
  chainLength: number;
  submitOnly: Summary;
  queueChain: Summary;
  pipeline: PipelineResult;
  pipelineProfile: StepProfile[];
  slowModel: CriticalPathResult | null;
  /** Why the slow-model part was not measured, when it was not. */
  slowModelSkipped: string | null;
  fakeModelKind: string;
}

export const TARGETS = { leadsPerMinute: 1000, p95Ms: 1000, criticalPathOverhead: 1.3 } as const;

const n = (value: number, digits = 0) => (Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const ms = (value: number) => `${n(value)} ms`;
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');

/** The one table: each figure, its same-run baseline and the ratio, its target and whether it is met. */
export function resultRows(report: BenchReport): string[][] {
  const { pipeline, submitOnly, queueChain, slowModel } = report;
  const rows: string[][] = [
    ['Figure', 'Measured', 'Same-run baseline', 'Ratio to baseline', 'Target', 'Met?'],
    [
      'offline: leads/min, capture → PENDING_APPROVAL',
      n(pipeline.perMinute),
      `bare submitLead ${n(submitOnly.perMinute)}/min; ${report.chainLength}-job no-op pg-boss chain ${n(queueChain.perMinute)}/min`,
      `${ratio(pipeline.perMinute / submitOnly.perMinute)} of submitLead; ${ratio(pipeline.perMinute / queueChain.perMinute)} of the chain`,
      `≥ ${n(TARGETS.leadsPerMinute)}/min (${ratio(pipeline.perMinute / TARGETS.leadsPerMinute)} of it)`,
      verdict(pipeline.perMinute >= TARGETS.leadsPerMinute),
    ],
    [
      'offline: latency p50 per lead',
      ms(pipeline.p50Ms),
      `submitLead ${ms(submitOnly.p50Ms)}; chain ${ms(queueChain.p50Ms)}`,
      `${ratio(pipeline.p50Ms / submitOnly.p50Ms)} submitLead; ${ratio(pipeline.p50Ms / queueChain.p50Ms)} chain`,
      '—',
      '—',
    ],
    [
      'offline: latency p95 per lead',
      ms(pipeline.p95Ms),
      `submitLead ${ms(submitOnly.p95Ms)}; chain ${ms(queueChain.p95Ms)}`,
      `${ratio(pipeline.p95Ms / submitOnly.p95Ms)} submitLead; ${ratio(pipeline.p95Ms / queueChain.p95Ms)} chain`,
      `< ${ms(TARGETS.p95Ms)} (${ratio(pipeline.p95Ms / TARGETS.p95Ms)} of it)`,
      verdict(pipeline.p95Ms < TARGETS.p95Ms),
    ],
  ];
  if (slowModel) {
    const path = `${n(slowModel.criticalCallsP50)} calls × ${n(slowModel.delayMs)} ms = ${ms(slowModel.criticalCallsP50 * slowModel.delayMs)}`;
    rows.push(
      ['800 ms model: latency p50 / critical-path model time', ratio(slowModel.overheadP50), `critical path ${path} (p50)`, `${ms(slowModel.latencyP50Ms)} latency`, `≤ ${ratio(TARGETS.criticalPathOverhead)}`, verdict(slowModel.overheadP50 <= TARGETS.criticalPathOverhead)],
      ['800 ms model: latency p95 / critical-path model time', ratio(slowModel.overheadP95), 'per lead, its own chain', `${ms(slowModel.latencyP95Ms)} latency`, `≤ ${ratio(TARGETS.criticalPathOverhead)}`, verdict(slowModel.overheadP95 <= TARGETS.criticalPathOverhead)],
    );
  } else {
    rows.push(['800 ms model: latency / critical-path model time', 'not measured', report.slowModelSkipped ?? '', '', `≤ ${ratio(TARGETS.criticalPathOverhead)}`, '—']);
  }
  return rows;
}

export function formatTable(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => row.map((cell, column) => cell.padEnd(widths[column]!)).join(' │ ');
  return [line(rows[0]!), widths.map((width) => '─'.repeat(width)).join('─┼─'), ...rows.slice(1).map(line)].join('\n');
}

function markdownTable(rows: string[][]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [`| ${rows[0]!.map(escape).join(' | ')} |`, `|${rows[0]!.map(() => '---').join('|')}|`, ...rows.slice(1).map((row) => `| ${row.map(escape).join(' | ')} |`)].join('\n');
}

export function describeLoad(report: BenchReport): string {
  const { load } = report;
  return `${load.total} leads (after ${load.warmup} warm-up leads) by ${load.clients} concurrent clients, closed loop (each client submits its next lead when its last one settled); WORKER_CONCURRENCY ${report.workerConcurrency}`;
}

export function formatMarkdown(report: BenchReport, notes: readonly string[]): string {
  const { machine, slowModel } = report;
  return [
    '# Leadpilot benchmark results',
    '',
    'Written by `npm run bench` (bench/run-bench.ts); numbers from one run on the machine below. Not a test:',
    'nothing fails on them. Each figure is set against a baseline measured in the same run.',
    '',
    '## Machine',
    '',
    `- CPU: ${machine.cpuModel}, ${machine.cores} cores`,
    `- Memory: ${machine.memoryGiB} GiB`,
    `- Node.js: ${machine.node} on ${machine.platform}`,
    `- Date: ${machine.date}`,
    `- Commit: ${report.commit ?? 'unknown'}`,
    '',
    '## Results',
    '',
    markdownTable(resultRows(report)),
    '',
    '## How it was measured',
    '',
    `- Offline load: ${describeLoad(report)}. Each phase runs on its own fresh embedded PostgreSQL (temporary DATA_DIR), started with \`startLeadpilot\` as \`leadpilot serve\` does, LOG_LEVEL warn, provider \`offline\`.`,
    '- Throughput: leads that reached PENDING_APPROVAL divided by the window from the first submission to the last PENDING_APPROVAL. Latency per lead: from just before its `submitLead` HTTP request to the `proposal.pending_approval` activity row (the database clock, `clock_timestamp()`; one machine, one clock). The harness finds settled leads with one poll every 20 ms.',
    `- Baselines, same run and same load: (1) bare \`submitLead\` over HTTP GraphQL on an instance with the api role only (no worker): its rate and request latency; (2) a chain of ${report.chainLength} pg-boss jobs (the length of the pipeline's critical path of steps: intake, enrichment, qualification, requirements, design, estimate, price, write, review) whose handlers only enqueue the next job, through the same job-queue module, queue policies and WORKER_CONCURRENCY, on that instance's database.`,
    slowModel
      ? `- 800 ms model: ${slowModel.leads} leads by ${slowModel.clients} concurrent clients (closed loop). ${report.fakeModelKind} The critical-path model time of a lead is (its model calls from agent_runs, each attempt counted, minus the responder's, which runs beside the requirements → … → review chain) × ${slowModel.delayMs} ms: every other call waits for the one before it (the reviewer's ReAct steps and a reviser's re-write included). Median calls per lead: ${n(slowModel.callsP50)} in all, ${n(slowModel.criticalCallsP50)} on the critical path.${Object.keys(slowModel.notApproved).length ? ` Not approved: ${JSON.stringify(slowModel.notApproved)}.` : ''}`
      : `- 800 ms model: not measured (${report.slowModelSkipped}).`,
    Object.keys(report.pipeline.notApproved).length ? `- Offline leads that did not reach PENDING_APPROVAL: ${JSON.stringify(report.pipeline.notApproved)}.` : '- Every offline lead reached PENDING_APPROVAL.',
    '',
    '## Where the time goes',
    '',
    'Per step, from pg-boss\'s job rows: *wait* is enqueued (the enqueueing transaction\'s time) to fetched by a worker; *run* is fetched to completed (the handler: its reads, its model calls and its transaction). With 20 leads in flight on 2 cores, offline run times are mostly waiting for the CPU.',
    '',
    '### Offline',
    '',
    profileTable(report.pipelineProfile),
    ...(slowModel ? ['', '### 800 ms model', '', profileTable(slowModel.profile)] : []),
    ...(notes.length ? ['', '## Notes', '', ...notes.map((note) => `- ${note}`)] : []),
    '',
  ].join('\n');
}

function profileTable(profile: readonly StepProfile[]): string {
  const total = (pick: (step: StepProfile) => number) => profile.filter((step) => CRITICAL_PATH_STEPS.has(step.step)).reduce((sum, step) => sum + pick(step), 0);
  return markdownTable([
    ['Step', 'Jobs', 'Wait p50', 'Wait p95', 'Run p50', 'Run p95'],
    ...profile.map((step) => [step.step, String(step.jobs), ms(step.waitP50Ms), ms(step.waitP95Ms), ms(step.runP50Ms), ms(step.runP95Ms)]),
    ['critical path (sum of p50s; respond excluded)', '', ms(total((step) => step.waitP50Ms)), '', ms(total((step) => step.runP50Ms)), ''],
  ]);
}

/** The steps a lead's PENDING_APPROVAL waits for in turn (respond runs beside requirements). */
const CRITICAL_PATH_STEPS = new Set(['lead-intake', 'lead-enrich', 'lead-qualify', 'lead-requirements', 'proposal-design', 'proposal-estimate', 'proposal-price', 'proposal-write', 'proposal-review', 'proposal-revise']);
