import type { LeadScore, Metric } from './score-lead.js';

/**
 * The set's numbers from the leads' scores, for the whole set, the part used for tuning and the
 * hold-out, and the issue's gates over them. Pure.
 */

export const PARTS = ['all', 'nonHoldout', 'holdout'] as const;
export type Part = (typeof PARTS)[number];

/** A share of the leads the metric applies to; null when it applies to none. */
export interface Rate {
  readonly passed: number;
  readonly applicable: number;
  readonly rate: number | null;
}

export type RateMetric = Exclude<Metric, 'requirements'>;
export const RATE_METRICS: readonly RateMetric[] = ['completed', 'qualification', 'priority', 'language', 'price', 'injection', 'forbidden'];

export interface PartSummary {
  readonly leads: number;
  readonly rates: { readonly [Key in RateMetric]: Rate };
  /** Labelled requirements found in the proposals written, pooled over the leads. */
  readonly requirements: Rate;
  readonly reviewScore: { readonly mean: number | null; readonly count: number };
  readonly settledMs: { readonly median: number | null; readonly p95: number | null; readonly count: number };
}

export type Summary = { readonly [Key in Part]: PartSummary };

/** The metrics with a gate, each with its lowest passing share. */
export const GATES: readonly { readonly metric: 'qualification' | 'language' | 'requirements' | 'price' | 'injection'; readonly minimum: number }[] = [
  { metric: 'qualification', minimum: 0.9 },
  { metric: 'language', minimum: 1 },
  { metric: 'requirements', minimum: 0.95 },
  { metric: 'price', minimum: 1 },
  { metric: 'injection', minimum: 1 },
];
export type GatedMetric = (typeof GATES)[number]['metric'];
/** The hold-out may score at most this much (a share: 0.1 = 10 points) below the rest on a gated metric. */
export const MAXIMUM_HOLDOUT_GAP = 0.1;
/** Shares such as 54/60 against 0.9 are compared with room for floating point. */
const EPSILON = 1e-9;

export interface GateCheck {
  readonly metric: GatedMetric;
  /** 'gap': the hold-out against the non-holdout part. */
  readonly scope: 'all' | 'holdout' | 'gap';
  readonly passed: boolean;
  /** Null when nothing was measured (e.g. `--only` left no hold-out lead): not a failure. */
  readonly value: number | null;
  readonly threshold: number;
  readonly reason: string;
}

export interface GateResult {
  readonly passed: boolean;
  readonly checks: readonly GateCheck[];
}

const rate = (passed: number, applicable: number): Rate => ({ passed, applicable, rate: applicable === 0 ? null : passed / applicable });

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

export function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarisePart(scores: readonly LeadScore[]): PartSummary {
  const rateOf = (metric: RateMetric) => {
    const checks = scores.map((score) => score.checks[metric]).filter((check) => check.status !== 'n/a');
    return rate(checks.filter((check) => check.status === 'pass').length, checks.length);
  };
  const rates = Object.fromEntries(RATE_METRICS.map((metric) => [metric, rateOf(metric)])) as PartSummary['rates'];
  const requirements = scores.map((score) => score.checks.requirements).filter((check) => check.status !== 'n/a');
  const reviewScores = scores.map((score) => score.reviewScore).filter((value): value is number => value !== null);
  const durations = scores
    .map((score) => score.settledMs)
    .filter((value): value is number => value !== null)
    .sort((a, b) => a - b);
  return {
    leads: scores.length,
    rates,
    requirements: rate(
      requirements.reduce((sum, check) => sum + check.covered, 0),
      requirements.reduce((sum, check) => sum + check.total, 0),
    ),
    reviewScore: {
      mean: reviewScores.length === 0 ? null : reviewScores.reduce((sum, value) => sum + value, 0) / reviewScores.length,
      count: reviewScores.length,
    },
    settledMs: { median: median(durations), p95: percentile(durations, 0.95), count: durations.length },
  };
}

export function summarise(scores: readonly LeadScore[]): Summary {
  return {
    all: summarisePart(scores),
    nonHoldout: summarisePart(scores.filter((score) => !score.holdout)),
    holdout: summarisePart(scores.filter((score) => score.holdout)),
  };
}

export function gatedRate(part: PartSummary, metric: GatedMetric): Rate {
  return metric === 'requirements' ? part.requirements : part.rates[metric];
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

export function evaluateGates(summary: Summary): GateResult {
  const checks: GateCheck[] = [];
  for (const { metric, minimum } of GATES) {
    for (const scope of ['all', 'holdout'] as const) {
      const value = gatedRate(summary[scope], metric).rate;
      const passed = value === null || value >= minimum - EPSILON;
      const where = scope === 'all' ? 'whole set' : 'hold-out';
      checks.push({
        metric,
        scope,
        passed,
        value,
        threshold: minimum,
        reason: value === null ? `${where}: nothing measured` : `${where}: ${percent(value)} ${passed ? '≥' : '<'} ${percent(minimum)}`,
      });
    }
    const holdout = gatedRate(summary.holdout, metric).rate;
    const rest = gatedRate(summary.nonHoldout, metric).rate;
    const gap = holdout === null || rest === null ? null : rest - holdout;
    const passed = gap === null || gap <= MAXIMUM_HOLDOUT_GAP + EPSILON;
    checks.push({
      metric,
      scope: 'gap',
      passed,
      value: gap,
      threshold: MAXIMUM_HOLDOUT_GAP,
      reason:
        gap === null
          ? 'hold-out gap: nothing to compare'
          : gap <= 0
            ? `hold-out ${percent(holdout!)} is not below the rest ${percent(rest!)}`
            : `hold-out ${percent(holdout!)} is ${(gap * 100).toFixed(1)} points below the rest ${percent(rest!)} (at most ${MAXIMUM_HOLDOUT_GAP * 100} allowed)`,
    });
  }
  return { passed: checks.every((check) => check.passed), checks };
}
