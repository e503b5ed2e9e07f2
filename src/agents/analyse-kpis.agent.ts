import { z } from 'zod';
import { DATA_NOT_INSTRUCTIONS, delimitedData } from './agent-support.js';
import type { AgencyConfig } from './agency-config.js';
import type { ChatMessage, GenerateObjectResult, LanguageModel } from './models/language-model.js';
import { numberFormat } from '../lib/intl-formats.js';

/**
 * The KPI analyst: reads a period's KPI snapshot against the targets and the previous period and
 * writes a headline, one finding per KPI and recommendations, in English, for the daily digest.
 * Strategy: chain of thought. A KPI without data is stated as such, never estimated: the schema
 * holds the model to `no_data` exactly where the value is missing, to the target comparison the
 * numbers give, and to the trend they give.
 *
 * Targets (the customer's plan): lead response < 2 min, proposal generation < 1 h,
 * lead → proposal > 60 %, proposal → contract > 25 %, API error rate < 1 %. A KPI without a target
 * is held to its previous period instead: off target when it moved the wrong way by more than 10 %.
 */

export const ANALYSE_KPIS_AGENT = { agent: 'kpi-analyst', strategy: 'chain-of-thought' } as const;
export const ANALYSE_KPIS_PROMPT_VERSION = 'analyse-kpis/v1';

export const KPI_NAMES = [
  'leadResponseMedianSeconds',
  'leadResponseP95Seconds',
  'shareRespondedWithin2Min',
  'proposalGenerationMedianSeconds',
  'shareProposalWithin1h',
  'leadToProposalConversion',
  'proposalToContractConversion',
  'averageDealSize',
  'apiErrorRate',
  'llmCost',
  'leadCount',
] as const;
export type KpiName = (typeof KPI_NAMES)[number];

/** A change within this share of the previous value is flat. */
export const FLAT_CHANGE = 0.02;
/** A KPI without a target is off target when it moved the wrong way by more than this share. */
export const TREND_TOLERANCE = 0.1;

const value = z.number().nullable().default(null);
export const kpiSnapshotSchema = z.object(Object.fromEntries(KPI_NAMES.map((name) => [name, value])) as Record<KpiName, typeof value>);
export type KpiSnapshot = z.output<typeof kpiSnapshotSchema>;

export const DEFAULT_KPI_TARGETS = {
  /** Lead response below this many seconds (median). */
  leadResponseSeconds: 120,
  /** Proposal generation below this many seconds (median). */
  proposalGenerationSeconds: 3600,
  /** Lead → proposal above this share. */
  leadToProposalConversion: 0.6,
  /** Proposal → contract above this share. */
  proposalToContractConversion: 0.25,
  /** API error rate below this share. */
  apiErrorRate: 0.01,
} as const;

export const kpiTargetsSchema = z.object({
  leadResponseSeconds: z.number().positive().default(DEFAULT_KPI_TARGETS.leadResponseSeconds),
  proposalGenerationSeconds: z.number().positive().default(DEFAULT_KPI_TARGETS.proposalGenerationSeconds),
  leadToProposalConversion: z.number().min(0).max(1).default(DEFAULT_KPI_TARGETS.leadToProposalConversion),
  proposalToContractConversion: z.number().min(0).max(1).default(DEFAULT_KPI_TARGETS.proposalToContractConversion),
  apiErrorRate: z.number().min(0).max(1).default(DEFAULT_KPI_TARGETS.apiErrorRate),
});
export type KpiTargets = z.output<typeof kpiTargetsSchema>;

export const analyseKpisInputSchema = z.object({
  /** The period the snapshot covers, for the headline. */
  period: z.object({ from: z.string(), to: z.string() }).nullable().default(null),
  current: kpiSnapshotSchema,
  /** The period before, of the same length; null when there is none. */
  previous: kpiSnapshotSchema.nullable().default(null),
  targets: kpiTargetsSchema.default(() => kpiTargetsSchema.parse({})),
});
export type AnalyseKpisInput = z.input<typeof analyseKpisInputSchema>;
type ParsedInput = z.output<typeof analyseKpisInputSchema>;

export const KPI_STATUSES = ['on_target', 'off_target', 'no_data'] as const;
export const KPI_CHANGES = ['up', 'down', 'flat', 'n/a'] as const;

const kpiObject = z.object({
  reasoning: z.string().min(1).describe('Your step-by-step thinking, written first: each KPI against its target and the previous period. Internal only.'),
  headline: z.string().min(1).max(240).describe('One sentence in English: how many targets were met and the most important deviation.'),
  findings: z
    .array(
      z.object({
        kpi: z.enum(KPI_NAMES),
        status: z.enum(KPI_STATUSES).describe('no_data exactly when the current value is null.'),
        change: z.enum(KPI_CHANGES).describe(`Against the previous period; flat within ${FLAT_CHANGE * 100} %; n/a when either value is null.`),
        message: z.string().min(1).describe('One sentence in English with the value, the target or the previous value.'),
      }),
    )
    .describe('One finding per KPI, in the order given.'),
  recommendations: z.array(z.string().min(1)).max(6).describe('Concrete next steps in English for the KPIs off target or without data.'),
});
export type KpiAnalysis = z.output<typeof kpiObject>;
export type KpiFinding = KpiAnalysis['findings'][number];

interface KpiRule {
  label: string;
  better: 'lower' | 'higher';
  format: (value: number, agency: AgencyConfig) => string;
  /** The target and how it reads, or null for a KPI held to its previous period. */
  target: ((targets: KpiTargets) => number) | null;
  recommendation: string;
}

const duration = (seconds: number) =>
  seconds < 120 ? `${Math.round(seconds)} s` : seconds < 7200 ? `${round(seconds / 60)} min` : `${round(seconds / 3600)} h`;
const percent = (share: number) => `${round(share * 100)} %`;
const round = (value: number) => String(Math.round(value * 10) / 10);

const RULES: Record<KpiName, KpiRule> = {
  leadResponseMedianSeconds: {
    label: 'Median lead response time',
    better: 'lower',
    format: duration,
    target: (targets) => targets.leadResponseSeconds,
    recommendation: 'Speed up the first response: check that qualification and the first reply run automatically and that the job queue is not backed up.',
  },
  leadResponseP95Seconds: {
    label: 'Lead response time (95th percentile)',
    better: 'lower',
    format: duration,
    target: null,
    recommendation: 'Look into the slowest lead responses: queue backlogs, provider retries and fallbacks, or leads waiting for a person.',
  },
  shareRespondedWithin2Min: {
    label: 'Share of leads answered within 2 minutes',
    better: 'higher',
    format: percent,
    target: null,
    recommendation: 'Find out why fewer leads are answered within 2 minutes: compare the slow ones by source and by the provider that answered.',
  },
  proposalGenerationMedianSeconds: {
    label: 'Median proposal generation time',
    better: 'lower',
    format: duration,
    target: (targets) => targets.proposalGenerationSeconds,
    recommendation: 'Shorten proposal generation: check how long proposals wait for approval and the model latency and retries in the agent runs.',
  },
  shareProposalWithin1h: {
    label: 'Share of proposals ready within 1 hour',
    better: 'higher',
    format: percent,
    target: null,
    recommendation: 'Check which proposals take longer than an hour: approval waiting times, revisions, or failed pipeline runs.',
  },
  leadToProposalConversion: {
    label: 'Lead → proposal conversion',
    better: 'higher',
    format: percent,
    target: (targets) => targets.leadToProposalConversion,
    recommendation: 'Review the leads that did not reach a proposal: the qualification reasons, disqualified leads and leads waiting for details.',
  },
  proposalToContractConversion: {
    label: 'Proposal → contract conversion',
    better: 'higher',
    format: percent,
    target: (targets) => targets.proposalToContractConversion,
    recommendation: 'Review declined and expired proposals for common reasons (scope, price, timing) and follow up on open proposals sooner.',
  },
  averageDealSize: {
    label: 'Average deal size',
    better: 'higher',
    format: (amount, agency) => numberFormat('en', { style: 'currency', currency: agency.currency, maximumFractionDigits: 0 }).format(amount),
    target: null,
    recommendation: "Compare the won deals with the agency's typical project size: check whether smaller projects dominate.",
  },
  apiErrorRate: {
    label: 'API error rate',
    better: 'lower',
    format: (share) => `${Math.round(share * 1000) / 10} %`,
    target: (targets) => targets.apiErrorRate,
    recommendation: 'Investigate the API errors: the error classes in the agent runs and the providers\' status; fallbacks hide failures but cost time and money.',
  },
  llmCost: {
    label: 'LLM cost',
    better: 'lower',
    format: (amount) => numberFormat('en', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 }).format(amount),
    target: null,
    recommendation: 'Check which agents drive the model cost per lead and whether retries or repair re-asks inflate it.',
  },
  leadCount: {
    label: 'Leads',
    better: 'higher',
    format: (count) => String(Math.round(count)),
    target: null,
    recommendation: 'Lead volume fell: check the lead capture form and webhooks for failures before looking at marketing.',
  },
};

/** Up, down or flat against the previous value; n/a when either is missing. */
export function kpiChange(current: number | null, previous: number | null): KpiFinding['change'] {
  if (current === null || previous === null) return 'n/a';
  if (current === previous) return 'flat';
  const base = Math.abs(previous);
  if (base > 0 && Math.abs(current - previous) / base <= FLAT_CHANGE) return 'flat';
  return current > previous ? 'up' : 'down';
}

/** on_target / off_target against the target, strictly as the plan words it ("< 2 min", "> 60 %"); null for a KPI without one. */
export function targetStatus(kpi: KpiName, current: number, targets: KpiTargets): 'on_target' | 'off_target' | null {
  const rule = RULES[kpi];
  if (!rule.target) return null;
  const target = rule.target(targets);
  const met = rule.better === 'lower' ? current < target : current > target;
  return met ? 'on_target' : 'off_target';
}

/**
 * The value a KPI without a target is compared by: the LLM cost per lead when both lead counts
 * are known (more leads honestly cost more), else the value itself.
 */
function comparable(kpi: KpiName, snapshot: KpiSnapshot): number | null {
  const current = snapshot[kpi];
  if (kpi === 'llmCost' && current !== null && snapshot.leadCount) return current / snapshot.leadCount;
  return current;
}

function trendStatus(kpi: KpiName, input: ParsedInput): 'on_target' | 'off_target' {
  if (!input.previous) return 'on_target';
  const current = comparable(kpi, input.current);
  const previous = kpi === 'llmCost' && !input.current.leadCount ? input.previous.llmCost : comparable(kpi, input.previous);
  if (current === null || previous === null || previous === 0) return 'on_target';
  const change = (current - previous) / Math.abs(previous);
  const worse = RULES[kpi].better === 'lower' ? change > TREND_TOLERANCE : change < -TREND_TOLERANCE;
  return worse ? 'off_target' : 'on_target';
}

/** The output schema: every KPI once, and no_data, the target verdict and the trend as the numbers give them. */
export function kpiAnalysisSchema(input: AnalyseKpisInput) {
  const parsed = analyseKpisInputSchema.parse(input);
  return kpiObject.superRefine((value, context) => {
    const seen = new Set<KpiName>();
    value.findings.forEach((finding, index) => {
      if (seen.has(finding.kpi)) context.addIssue({ code: 'custom', path: ['findings', index, 'kpi'], message: `${finding.kpi} must appear once` });
      seen.add(finding.kpi);
      const current = parsed.current[finding.kpi];
      const previous = parsed.previous?.[finding.kpi] ?? null;
      if ((finding.status === 'no_data') !== (current === null)) {
        context.addIssue({ code: 'custom', path: ['findings', index, 'status'], message: current === null ? 'must be no_data: there is no value for this period' : 'must not be no_data: the value is given' });
      }
      const expected = current === null ? null : targetStatus(finding.kpi, current, parsed.targets);
      if (expected && finding.status !== expected) context.addIssue({ code: 'custom', path: ['findings', index, 'status'], message: `must be ${expected} against the target` });
      const change = kpiChange(current, previous);
      if (finding.change !== change) context.addIssue({ code: 'custom', path: ['findings', index, 'change'], message: `must be ${change} against the previous period` });
    });
    const missing = KPI_NAMES.filter((name) => !seen.has(name));
    if (missing.length > 0) context.addIssue({ code: 'custom', path: ['findings'], message: `must include ${missing.join(', ')}` });
  });
}

export function buildAnalyseKpisPrompt(input: ParsedInput, _agency: AgencyConfig): { system: string; messages: ChatMessage[] } {
  const targets = input.targets;
  const system = [
    'You analyse the KPIs of Leadpilot, the lead-to-proposal pipeline of a software development agency, for the daily digest. Write in English.',
    '',
    `Targets: median lead response < ${targets.leadResponseSeconds} s, median proposal generation < ${targets.proposalGenerationSeconds} s,`,
    `lead → proposal > ${percent(targets.leadToProposalConversion)}, proposal → contract > ${percent(targets.proposalToContractConversion)}, API error rate < ${percent(targets.apiErrorRate)}.`,
    `A KPI without a target is judged against the previous period: off_target when it moved the wrong way by more than ${TREND_TOLERANCE * 100} %`,
    '(LLM cost per lead when the lead counts are known).',
    `One finding per KPI, in the order given. status: no_data exactly when the current value is null. change: against the previous period, flat within ${FLAT_CHANGE * 100} %,`,
    'n/a when either value is null. Never estimate a missing value: say that there is no data. Shares are fractions (0.25 = 25 %), times in seconds, LLM cost in USD.',
    'A headline sentence, then at most six concrete recommendations for what is off target or unmeasured. Think first and write it into "reasoning".',
    '',
    ...DATA_NOT_INSTRUCTIONS,
    'The KPIs are given as JSON between <kpis> and </kpis>.',
  ].join('\n');
  return { system, messages: [{ role: 'user', content: `Analyse these KPIs.\n${delimitedData('kpis', input)}` }] };
}

export async function analyseKpis(
  model: LanguageModel,
  input: AnalyseKpisInput,
  agency: AgencyConfig,
  run: { leadId?: string | null; promptVersion?: string; signal?: AbortSignal } = {},
): Promise<GenerateObjectResult<KpiAnalysis>> {
  const parsed = analyseKpisInputSchema.parse(input);
  return model.generateObject({
    ...buildAnalyseKpisPrompt(parsed, agency),
    schema: kpiAnalysisSchema(input),
    schemaName: 'kpi_analysis',
    temperature: 0.1,
    signal: run.signal,
    offline: () => analyseKpisOffline(input, agency),
    run: { ...ANALYSE_KPIS_AGENT, promptVersion: run.promptVersion ?? ANALYSE_KPIS_PROMPT_VERSION, leadId: run.leadId ?? null },
  });
}

/** The deterministic analysis: each KPI by the rules above, recommendations for what is off target, then for what is unmeasured. */
export function analyseKpisOffline(input: AnalyseKpisInput, agency: AgencyConfig): KpiAnalysis {
  const parsed = analyseKpisInputSchema.parse(input);
  const findings: KpiFinding[] = KPI_NAMES.map((kpi) => {
    const rule = RULES[kpi];
    const current = parsed.current[kpi];
    const previous = parsed.previous?.[kpi] ?? null;
    const change = kpiChange(current, previous);
    if (current === null) return { kpi, status: 'no_data', change, message: `${rule.label}: no data for this period.` };
    const status = targetStatus(kpi, current, parsed.targets) ?? trendStatus(kpi, parsed);
    const target = rule.target
      ? `target ${rule.better === 'lower' ? '<' : '>'} ${rule.format(rule.target(parsed.targets), agency)}`
      : 'no target, compared with the previous period';
    const trend = previous === null ? 'no previous value' : change === 'flat' ? `flat against ${rule.format(previous, agency)}` : `${change} from ${rule.format(previous, agency)}`;
    const verdict = status === 'on_target' ? (rule.target ? 'on target' : 'fine') : rule.target ? 'off target' : 'worse than before';
    return { kpi, status, change, message: `${rule.label}: ${rule.format(current, agency)} (${target}; ${trend}), ${verdict}.` };
  });

  const targeted = KPI_NAMES.filter((kpi) => RULES[kpi].target !== null);
  const measured = targeted.filter((kpi) => parsed.current[kpi] !== null);
  const met = measured.filter((kpi) => findings.find((finding) => finding.kpi === kpi)!.status === 'on_target');
  const off = findings.filter((finding) => finding.status === 'off_target');
  const unmeasured = findings.filter((finding) => finding.status === 'no_data');
  const period = parsed.period ? ` from ${parsed.period.from.slice(0, 10)} to ${parsed.period.to.slice(0, 10)}` : '';
  const firstOff = off.find((finding) => RULES[finding.kpi].target !== null) ?? off[0];
  const headline =
    measured.length === 0
      ? `No data for any target${period}; nothing can be judged yet.`
      : `${met.length} of ${targeted.length} targets met${period}` +
        (firstOff ? `; ${RULES[firstOff.kpi].label.charAt(0).toLowerCase()}${RULES[firstOff.kpi].label.slice(1)} needs attention` : '') +
        (measured.length < targeted.length ? `; ${targeted.length - measured.length} without data` : '') +
        '.';

  const recommendations = off.map((finding) => RULES[finding.kpi].recommendation);
  if (unmeasured.length > 0) {
    recommendations.push(`Make sure these are measured; there is no data for them in this period: ${unmeasured.map((finding) => RULES[finding.kpi].label.toLowerCase()).join(', ')}.`);
  }
  if (recommendations.length === 0) recommendations.push('All targets met and nothing worse than the previous period: keep the current setup and watch the trends.');

  const steps = findings.map((finding) => `${finding.kpi}: ${finding.status}, ${finding.change}.`);
  return {
    reasoning: steps.map((step, index) => `${index + 1}. ${step}`).join('\n'),
    headline: headline.length > 240 ? `${headline.slice(0, 239)}…` : headline,
    findings,
    recommendations: recommendations.slice(0, 6),
  };
}
