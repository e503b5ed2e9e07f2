import { SERVER_NODE_FLAGS } from '../src/cli/node-flags.js';
import type { FanoutBenchResult } from './fanout/fanout-bench.js';
import type { KpiBenchResult } from './kpis-bench.js';
import type { Machine } from './machine.js';
import type { ReadsResult } from './reads/reads-bench.js';
import { percentile } from './stats.js';
import type { SlackAckResult, Timed } from './slack-ack.js';
import type { CriticalPathResult, Load, PipelineResult } from './phases.js';
import type { StepProfile } from './queue-profile.js';
import type { Summary } from './stats.js';

/** The offline pipeline and its baselines (the agents issue). */
export interface PipelineReport {
  workerConcurrency: number;
  load: Load;
  chainLength: number;
  submitOnly: Summary;
  queueChain: Summary;
  pipeline: PipelineResult;
  pipelineProfile: StepProfile[];
}

/** Whatever groups a run measured (`--only` picks some); absent ones are left out of the table. */
export interface BenchReport {
  machine: Machine;
  commit: string | null;
  groups: readonly string[];
  pipeline?: PipelineReport;
  slowModel?: CriticalPathResult | null;
  /** Why the slow-model part was not measured, when it was not. */
  slowModelSkipped?: string | null;
  fakeModelKind?: string;
  reads?: ReadsResult;
  fanout?: FanoutBenchResult;
  slackAck?: SlackAckResult;
  kpis?: KpiBenchResult;
}

export const TARGETS = {
  leadsPerMinute: 1000,
  p95Ms: 1000,
  criticalPathOverhead: 1.3,
  /** Leadpilot's reads as a share of the bare graphql-js + pg server's. */
  readsShare: 0.7,
  fanoutP99Ms: 100,
  slackAckP99Ms: 100,
  peakRssMiB: 300,
} as const;

const n = (value: number, digits = 0) => (Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const ms = (value: number) => `${n(value)} ms`;
const ratio = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
const pct = (value: number) => (Number.isFinite(value) ? `${Math.round(value * 100)} %` : 'n/a');
const mib = (value: number) => (Number.isFinite(value) ? `${n(value)} MiB` : 'n/a');
const p99Of = (results: readonly Timed[]) => percentile(results.map((result) => result.ms), 99);
const p50Of = (results: readonly Timed[]) => percentile(results.map((result) => result.ms), 50);
const failed = (results: readonly Timed[]) => results.filter((result) => result.status !== 200).length;

export const HEADER = ['Figure', 'Measured', 'Same-run baseline', 'Ratio to baseline', 'Target', 'Met?'];

/** The one table: each figure, its same-run baseline and the ratio, its target and whether it is met. */
export function resultRows(report: BenchReport): string[][] {
  return [HEADER, ...pipelineRows(report), ...readsRows(report.reads), ...fanoutRows(report.fanout), ...slackRows(report.slackAck), ...kpiRows(report.kpis)];
}

function pipelineRows(report: BenchReport): string[][] {
  const rows: string[][] = [];
  if (report.pipeline) {
    const { pipeline, submitOnly, queueChain, chainLength } = report.pipeline;
    rows.push(
      [
        'offline: leads/min, capture → PENDING_APPROVAL',
        n(pipeline.perMinute),
        `bare submitLead ${n(submitOnly.perMinute)}/min; ${chainLength}-job no-op pg-boss chain ${n(queueChain.perMinute)}/min`,
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
    );
  }
  const { slowModel } = report;
  if (slowModel) {
    const path = `${n(slowModel.criticalCallsP50)} calls × ${n(slowModel.delayMs)} ms = ${ms(slowModel.criticalCallsP50 * slowModel.delayMs)}`;
    rows.push(
      ['800 ms model: latency p50 / critical-path model time', ratio(slowModel.overheadP50), `critical path ${path} (p50)`, `${ms(slowModel.latencyP50Ms)} latency`, `≤ ${ratio(TARGETS.criticalPathOverhead)}`, verdict(slowModel.overheadP50 <= TARGETS.criticalPathOverhead)],
      ['800 ms model: latency p95 / critical-path model time', ratio(slowModel.overheadP95), 'per lead, its own chain', `${ms(slowModel.latencyP95Ms)} latency`, `≤ ${ratio(TARGETS.criticalPathOverhead)}`, verdict(slowModel.overheadP95 <= TARGETS.criticalPathOverhead)],
    );
  } else if (report.slowModelSkipped) {
    rows.push(['800 ms model: latency / critical-path model time', 'not measured', report.slowModelSkipped, '', `≤ ${ratio(TARGETS.criticalPathOverhead)}`, '—']);
  }
  return rows;
}

function readsRows(reads: ReadsResult | undefined): string[][] {
  if (!reads) return [];
  // Both as "Leadpilot's share of the bare server's speed": requests per second over theirs, their p99 over ours.
  const p99Share = 1 / reads.p99Ratio;
  return [
    ['reads: leads(first: 20) + proposals, requests/s', n(reads.leadpilot.requestsPerSecond), `bare graphql-js + pg ${n(reads.bare.requestsPerSecond)}/s`, pct(reads.throughputRatio), `≥ ${pct(TARGETS.readsShare)} of bare`, verdict(reads.throughputRatio >= TARGETS.readsShare)],
    ['reads: p99 latency', ms(reads.leadpilot.p99Ms), `bare ${ms(reads.bare.p99Ms)}`, `${pct(p99Share)} (bare p99 / ours)`, `≥ ${pct(TARGETS.readsShare)} of bare`, verdict(p99Share >= TARGETS.readsShare)],
  ];
}

function fanoutRows(fanout: FanoutBenchResult | undefined): string[][] {
  if (!fanout) return [];
  const row = (label: string, ours: { p50Ms: number; p99Ms: number; missed: number }, bare: { p50Ms: number; p99Ms: number }, target: boolean): string[][] => [
    [`fan-out to ${n(fanout.subscribers)}, ${label}: p50`, ms(ours.p50Ms), `bare graphql-ws ${ms(bare.p50Ms)}`, ratio(ours.p50Ms / bare.p50Ms), '—', '—'],
    [
      `fan-out to ${n(fanout.subscribers)}, ${label}: p99${ours.missed ? ` (${ours.missed} missed)` : ''}`,
      ms(ours.p99Ms),
      `bare graphql-ws ${ms(bare.p99Ms)}`,
      ratio(ours.p99Ms / bare.p99Ms),
      target ? `< ${ms(TARGETS.fanoutP99Ms)}` : '—',
      target ? verdict(ours.p99Ms < TARGETS.fanoutP99Ms && ours.missed === 0) : '—',
    ],
  ];
  return [
    ...row('one process', fanout.oneProcess, fanout.bareOneProcess, true),
    ...row('two API processes', fanout.twoProcesses, fanout.bareTwoProcesses, false),
    ['peak RSS, all-roles process with the subscribers', mib(fanout.peakRssMiB), `the same process idle, before them: ${mib(fanout.idleRssMiB)}`, ratio(fanout.peakRssMiB / fanout.idleRssMiB), `< ${mib(TARGETS.peakRssMiB)}`, verdict(fanout.peakRssMiB < TARGETS.peakRssMiB)],
  ];
}

function slackRows(ack: SlackAckResult | undefined): string[][] {
  if (!ack) return [];
  const base = p99Of(ack.healthz);
  const row = (label: string, results: readonly Timed[]) => {
    const p99 = p99Of(results);
    const bad = failed(results);
    return [`Slack ack p99, ${label} (${results.length} clicks${bad ? `, ${bad} not 200` : ''})`, ms(p99), `GET /healthz p99 ${ms(base)}`, ratio(p99 / base), `< ${ms(TARGETS.slackAckP99Ms)}`, verdict(p99 < TARGETS.slackAckP99Ms && bad === 0)];
  };
  return [row('quiet database', ack.quiet), row(`pipeline working ${ack.busyLeads} leads`, ack.busy), row('decision tables locked', ack.locked)];
}

function kpiRows(kpis: KpiBenchResult | undefined): string[][] {
  if (!kpis) return [];
  const headline = kpis.timings.find((timing) => timing.selection.startsWith('headline'));
  if (!headline) return [];
  return [[`KPIs over a year (${n(kpis.leads)} leads): dashboard headline p95`, ms(headline.p95Ms), `p50 ${ms(headline.p50Ms)}; each group below`, '—', '—', '—']];
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

export function describeLoad(pipeline: PipelineReport): string {
  const { load } = pipeline;
  return `${load.total} leads (after ${load.warmup} warm-up leads) by ${load.clients} concurrent clients, closed loop (each client submits its next lead when its last one settled); WORKER_CONCURRENCY ${pipeline.workerConcurrency}`;
}

export function formatMarkdown(report: BenchReport, kpiSection: string | null): string {
  const { machine, slowModel, pipeline, reads, fanout, slackAck } = report;
  const how: string[] = [];
  if (pipeline) {
    how.push(
      `- Offline load: ${describeLoad(pipeline)}. Each phase runs on its own fresh embedded PostgreSQL (temporary DATA_DIR), started with \`startLeadpilot\` as \`leadpilot serve\` does, LOG_LEVEL warn, provider \`offline\`.`,
      '- Throughput: leads that reached PENDING_APPROVAL divided by the window from the first submission to the last PENDING_APPROVAL. Latency per lead: from just before its `submitLead` HTTP request to the `proposal.pending_approval` activity row (the database clock, `clock_timestamp()`; one machine, one clock). The harness finds settled leads with one poll every 20 ms.',
      `- Baselines, same run and same load: (1) bare \`submitLead\` over HTTP GraphQL on an instance with the api role only (no worker): its rate and request latency; (2) a chain of ${pipeline.chainLength} pg-boss jobs (the length of the pipeline's critical path of steps: intake, enrichment, qualification, requirements, design, estimate, price, write, review) whose handlers only enqueue the next job, through the same job-queue module, queue policies and WORKER_CONCURRENCY, on that instance's database.`,
      Object.keys(pipeline.pipeline.notApproved).length ? `- Offline leads that did not reach PENDING_APPROVAL: ${JSON.stringify(pipeline.pipeline.notApproved)}.` : '- Every offline lead reached PENDING_APPROVAL.',
    );
  }
  if (slowModel) {
    how.push(`- 800 ms model: ${slowModel.leads} leads by ${slowModel.clients} concurrent clients (closed loop). ${report.fakeModelKind ?? ''} The critical-path model time of a lead is (its model calls from agent_runs, each attempt counted, minus the responder's, which runs beside the requirements → … → review chain) × ${slowModel.delayMs} ms: every other call waits for the one before it (the reviewer's ReAct steps and a reviser's re-write included). Median calls per lead: ${n(slowModel.callsP50)} in all, ${n(slowModel.criticalCallsP50)} on the critical path.${Object.keys(slowModel.notApproved).length ? ` Not approved: ${JSON.stringify(slowModel.notApproved)}.` : ''}`);
  } else if (report.slowModelSkipped) {
    how.push(`- 800 ms model: not measured (${report.slowModelSkipped}).`);
  }
  if (reads) {
    how.push(
      `- Reads: \`leads(first: 20)\` with totalCount, pageInfo and each lead's proposals (bench/reads/reads-sql.ts), POSTed over HTTP/1.1 keep-alive by ${reads.connections} connections in a closed loop from a load generator in its own process (bench/reads/load-generator.ts), on ${n(reads.leads)} seeded leads. Leadpilot: \`leadpilot serve --roles api\` with NODE_ENV=production and an admin API key. Baseline: bench/reads/bare-graphql-server.ts, graphql-js and pg behind node:http (no framework, no authentication), sending the same three statements (count, page, the page's proposals in one query) to the same database; both answers are compared before the load. ${reads.rounds} rounds of ${reads.seconds} s (after 2 s of warm-up) of each, back to back, the order alternating; the ratios are per round, then the median (the machine may be busy with other work, which then weighs on both). Shown: medians over the rounds; p99 is "bare p99 / ours".`,
    );
  }
  if (fanout) {
    how.push(
      `- Fan-out: ${n(fanout.subscribers)} graphql-ws subscriptions to \`leadUpdated\` (bench/fanout/fanout-clients.ts, its own process, the protocol spoken on \`ws\`, messages only timestamped on arrival) and ${fanout.events} events, each sent the way Leadpilot publishes (pg_notify on the live channel) after every subscriber received the previous one; latency from just before the NOTIFY to each subscriber's message. One process: \`leadpilot serve\` with every role (api, worker, bot; Slack a local fake), NODE_ENV=production. Two: that and a \`--roles api\` process on the same database, the subscribers split between them. Baseline: bench/fanout/bare-fanout-server.ts, graphql-ws with a bare graphql-js schema, no authentication, reading the lead once per event and handing it to every subscriber; one and two processes.`,
      `- Memory: the all-roles process's resident set (Linux /proc VmRSS) once started and idle, and its peak (VmHWM) after the one-process fan-out (${n(fanout.subscribers)} connections, every event delivered to all). The peak is mostly garbage not yet collected: it depends on when V8 runs a full collection.`,
    );
  }
  if (slackAck) {
    how.push(
      `- Slack acknowledgement (bench/slack-ack.ts): one instance with api, worker and bot roles, the Slack Web API a local fake; ${slackAck.quiet.length} signed Approve clicks by ${slackAck.clients} concurrent clients (two people per pending proposal) once the pipeline has finished the leads submitted to make the proposals, ${slackAck.busy.length} more right after ${slackAck.busyLeads} new leads were submitted (the same process's pipeline working them), then ${slackAck.locked.length} more while another connection holds an exclusive lock on proposals, approval_decisions and lead_activities (held ${n(slackAck.lockHeldMs)} ms), so every decision after its acknowledgement waits. Baseline: GET /healthz on the same server, ${slackAck.healthz.length} requests (p50 ${ms(p50Of(slackAck.healthz))}). Warm-up first, not measured: 1,000 /healthz requests and ${slackAck.clients} clicks on proposals of their own (a cold process's first requests were the slowest 2 % of each phase). The decisions follow their acks, four at a time: every one of a round was recorded ${ms(slackAck.decidedMs.quiet)} (quiet), ${ms(slackAck.decidedMs.busy)} (pipeline working) and ${ms(slackAck.decidedMs.locked)} (tables locked, the lock's time included) after the round's first click.`,
    );
  }
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
    `- Groups measured: ${report.groups.join(', ')}`,
    '',
    '## Results',
    '',
    markdownTable(resultRows(report)),
    '',
    '## How it was measured',
    '',
    `- Every process, Leadpilot's and the bare baselines', runs node with the server V8 flags (src/cli/node-flags.ts: ${SERVER_NODE_FLAGS.join(' ')}); the in-process phases run in the benchmark's own process, which \`npm run bench\` starts with them.`,
    ...how,
    ...(pipeline
      ? [
          '',
          '## Where the time goes',
          '',
          "Per step, from pg-boss's job rows: *wait* is enqueued (the enqueueing transaction's time) to fetched by a worker; *run* is fetched to completed (the handler: its reads, its model calls and its transaction). With 20 leads in flight on 2 cores, offline run times are mostly waiting for the CPU.",
          '',
          '### Offline',
          '',
          profileTable(pipeline.pipelineProfile),
          ...(slowModel ? ['', '### 800 ms model', '', profileTable(slowModel.profile)] : []),
        ]
      : []),
    ...(kpiSection ? ['', '## KPI queries', '', kpiSection] : []),
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
