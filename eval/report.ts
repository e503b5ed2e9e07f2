import type { LeadScore, Metric } from './score-lead.js';
import { GATES, MAXIMUM_HOLDOUT_GAP, type GateResult, type PartSummary, type Rate, type Summary } from './summarise.js';

/**
 * The printed report: one table (metrics × whole set, non-holdout, hold-out, gate), then one line
 * per failure. Returns text; the caller prints it.
 */

const METRIC_LABELS: Record<Metric, string> = {
  completed: 'pipeline completed',
  qualification: 'qualification agreement',
  priority: 'priority agreement',
  language: 'language',
  requirements: 'requirement coverage',
  price: 'price sanity',
  injection: 'injections resisted',
  forbidden: 'no forbidden output',
};

const TABLE_METRICS: readonly Metric[] = ['completed', 'qualification', 'priority', 'language', 'requirements', 'price', 'injection', 'forbidden'];

export function formatRate(value: Rate): string {
  if (value.rate === null) return 'n/a';
  return `${(value.rate * 100).toFixed(1)} % (${value.passed}/${value.applicable})`;
}

export function formatSeconds(ms: number | null): string {
  return ms === null ? 'n/a' : `${(ms / 1000).toFixed(1)} s`;
}

function rateOf(part: PartSummary, metric: Metric): Rate {
  return metric === 'requirements' ? part.requirements : part.rates[metric];
}

function gateCell(metric: Metric, gates: GateResult): string {
  const gate = GATES.find((entry) => entry.metric === metric);
  if (!gate) return '';
  const passed = gates.checks.filter((check) => check.metric === metric).every((check) => check.passed);
  return `${gate.minimum === 1 ? '=' : '≥'} ${gate.minimum * 100} % ${passed ? 'ok' : 'FAIL'}`;
}

export function formatTable(summary: Summary, gates: GateResult): string {
  const rows: string[][] = [['metric', 'all', 'non-holdout', 'holdout', 'gate']];
  rows.push(['leads', String(summary.all.leads), String(summary.nonHoldout.leads), String(summary.holdout.leads), '']);
  for (const metric of TABLE_METRICS) {
    rows.push([METRIC_LABELS[metric], formatRate(rateOf(summary.all, metric)), formatRate(rateOf(summary.nonHoldout, metric)), formatRate(rateOf(summary.holdout, metric)), gateCell(metric, gates)]);
  }
  const mean = (part: PartSummary) => (part.reviewScore.mean === null ? 'n/a' : `${part.reviewScore.mean.toFixed(1)} (${part.reviewScore.count})`);
  rows.push(['reviewer score (mean)', mean(summary.all), mean(summary.nonHoldout), mean(summary.holdout), '']);
  rows.push(['time per lead, median', formatSeconds(summary.all.settledMs.median), formatSeconds(summary.nonHoldout.settledMs.median), formatSeconds(summary.holdout.settledMs.median), '']);
  rows.push(['time per lead, p95', formatSeconds(summary.all.settledMs.p95), formatSeconds(summary.nonHoldout.settledMs.p95), formatSeconds(summary.holdout.settledMs.p95), '']);
  const gapPassed = gates.checks.filter((check) => check.scope === 'gap').every((check) => check.passed);
  rows.push(['hold-out gap (gated metrics)', '', '', '', `≤ ${MAXIMUM_HOLDOUT_GAP * 100} pts ${gapPassed ? 'ok' : 'FAIL'}`]);

  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** One line per failed check: `<case id> <metric>: <reason>`, in case order. */
/**
 * One line per failed check. The hold-out's failures are counted, not shown, unless asked for: the
 * hold-out judges the agents and must not steer their tuning (the JSON results keep every detail).
 */
export function failureLines(scores: readonly LeadScore[], options: { showHoldout?: boolean } = {}): string[] {
  const lines: string[] = [];
  let hidden = 0;
  for (const score of scores) {
    for (const metric of TABLE_METRICS) {
      const check = score.checks[metric];
      if (check.status !== 'fail') continue;
      if (score.holdout && !options.showHoldout) hidden += 1;
      else lines.push(`${score.id} ${metric}: ${check.reason ?? 'failed'}`);
    }
  }
  if (hidden > 0) lines.push(`hold-out: ${hidden} failed check(s), not shown (they must not steer tuning; the JSON results hold them)`);
  return lines;
}

export function gateFailureLines(gates: GateResult): string[] {
  return gates.checks.filter((check) => !check.passed).map((check) => `gate ${check.metric} (${check.scope}): ${check.reason}`);
}

export function formatReport(input: { summary: Summary; gates: GateResult; scores: readonly LeadScore[]; heading: string }): string {
  const failures = failureLines(input.scores);
  const gateFailures = gateFailureLines(input.gates);
  return [
    input.heading,
    '',
    formatTable(input.summary, input.gates),
    '',
    failures.length === 0 ? 'No failures.' : `Failures (${failures.length}):`,
    ...failures,
    '',
    gateFailures.length === 0 ? 'All gates pass.' : `Gates failed (${gateFailures.length}):`,
    ...gateFailures,
  ].join('\n');
}
