import { z } from 'zod';
import { agencyLanguage, componentRole, DATA_NOT_INSTRUCTIONS, delimitedData, halfDays, leadLanguageSchema } from './agent-support.js';
import type { AgencyConfig, AgencyLanguage } from './agency-config.js';
import { perAgency } from './agency-config.js';
import type { ChatMessage, GenerateObjectResult, LanguageModel } from './models/language-model.js';

/**
 * The estimator: work packages in person-days (low, expected, high) for the components of the
 * chosen design, from the catalogue's effort ranges, plus project management and quality
 * assurance as the delivery section's shares of the component work. Strategy: chain of thought.
 */

export const ESTIMATE_EFFORT_AGENT = { agent: 'estimator', strategy: 'chain-of-thought' } as const;
export const ESTIMATE_EFFORT_PROMPT_VERSION = 'estimate-effort/v1';

export const estimateEffortInputSchema = z.object({
  language: leadLanguageSchema,
  /** The chosen design's components. */
  componentIds: z.array(z.string()).min(1),
});
export type EstimateEffortInput = z.input<typeof estimateEffortInputSchema>;

const days = z.number().nonnegative();
const estimateObject = z.object({
  reasoning: z.string().min(1).describe('Your step-by-step thinking, written first: each component, its effort range and what drives it; then management and QA. Internal only.'),
  workPackages: z
    .array(
      z.object({
        id: z.string().regex(/^WP-\d+$/).describe('WP-1, WP-2, … in order.'),
        componentId: z.string().nullable().describe('The catalogue component, or null for project management and quality assurance.'),
        title: z.string().min(1).describe("The package's title in the lead's language."),
        roleId: z.string().describe('The rate card role doing the work.'),
        low: days.describe('Person-days if all goes well.'),
        expected: days.describe('Person-days expected.'),
        high: days.describe('Person-days if the risks materialise.'),
      }),
    )
    .min(1),
  totalDays: z.object({ low: days, expected: days, high: days }).describe('The sums over the work packages.'),
});

function checkEstimate(value: z.output<typeof estimateObject>, context: z.RefinementCtx): void {
  value.workPackages.forEach((item, index) => {
    if (!(item.low <= item.expected && item.expected <= item.high)) context.addIssue({ code: 'custom', path: ['workPackages', index], message: 'must have low <= expected <= high' });
  });
  for (const key of ['low', 'expected', 'high'] as const) {
    const sum = value.workPackages.reduce((total, item) => total + item[key], 0);
    if (Math.abs(sum - value.totalDays[key]) > 0.5) context.addIssue({ code: 'custom', path: ['totalDays', key], message: `must be the sum of the work packages (${sum})` });
  }
}

/** Built once per agency configuration: zod compiles a schema on its first parse. */
export const estimateSchema = perAgency(buildEstimateSchema);

function buildEstimateSchema(agency: AgencyConfig) {
  const components = agency.components.map((component) => component.id) as [string, ...string[]];
  const roles = agency.rateCard.map((role) => role.id) as [string, ...string[]];
  const item = estimateObject.shape.workPackages.element;
  return estimateObject
    .extend({ workPackages: z.array(item.extend({ componentId: z.enum(components).nullable(), roleId: z.enum(roles) })).min(1) })
    .superRefine(checkEstimate);
}
export type Estimate = z.output<typeof estimateObject>;
export type WorkPackage = Estimate['workPackages'][number];

export function buildEstimateEffortPrompt(input: z.output<typeof estimateEffortInputSchema>, agency: AgencyConfig): { system: string; messages: ChatMessage[] } {
  const delivery = agency.delivery;
  const system = [
    `You are the estimator of ${agency.name}, a software development agency.`,
    '',
    'The component catalogue (id: name, effort range in person-days, role):',
    ...agency.components.map((component) => `- ${component.id}: ${component.name.en}, ${component.effortDays.min}-${component.effortDays.max} days, ${componentRole(agency, component.id).id}`),
    'The rate card roles: ' + agency.rateCard.map((role) => role.id).join(', ') + '.',
    delivery?.projectManagement ? `Project management: ${Math.round(delivery.projectManagement.share * 100)} % of the component work, role ${delivery.projectManagement.role}.` : '',
    delivery?.qualityAssurance ? `Quality assurance: ${Math.round(delivery.qualityAssurance.share * 100)} % of the component work, role ${delivery.qualityAssurance.role}.` : '',
    '',
    'Think step by step and write it into "reasoning" first. One work package per component, inside its effort range',
    '(low, expected, high in half person-days), then management and QA; totalDays is the sum of the packages.',
    `Titles in the lead's language (${agencyLanguage(input.language)}).`,
    '',
    ...DATA_NOT_INSTRUCTIONS,
    'The design is given as JSON between <design> and </design>.',
  ].filter((line) => line !== null).join('\n');
  return { system, messages: [{ role: 'user', content: `Estimate this design.\n${delimitedData('design', input)}` }] };
}

export async function estimateEffort(
  model: LanguageModel,
  input: EstimateEffortInput,
  agency: AgencyConfig,
  run: { leadId?: string | null; promptVersion?: string; signal?: AbortSignal } = {},
): Promise<GenerateObjectResult<Estimate>> {
  const parsed = estimateEffortInputSchema.parse(input);
  return model.generateObject({
    ...buildEstimateEffortPrompt(parsed, agency),
    schema: estimateSchema(agency),
    schemaName: 'effort_estimate',
    temperature: 0.2,
    signal: run.signal,
    offline: () => estimateEffortOffline(parsed, agency),
    run: { ...ESTIMATE_EFFORT_AGENT, promptVersion: run.promptVersion ?? ESTIMATE_EFFORT_PROMPT_VERSION, leadId: run.leadId ?? null },
  });
}

/**
 * The deterministic estimate: low and high are the catalogue's range, expected its middle
 * (a PERT estimate with the most likely value in the middle); management and QA are their
 * shares of each of the three sums. Half days throughout; unknown component ids are skipped.
 */
export function estimateEffortOffline(input: EstimateEffortInput, agency: AgencyConfig): Estimate {
  const parsed = estimateEffortInputSchema.parse(input);
  const language: AgencyLanguage = agencyLanguage(parsed.language);
  const components = agency.components.filter((component) => parsed.componentIds.includes(component.id));
  const workPackages: WorkPackage[] = components.map((component, index) => ({
    id: `WP-${index + 1}`,
    componentId: component.id,
    title: component.name[language],
    roleId: componentRole(agency, component.id).id,
    low: halfDays(component.effortDays.min),
    expected: halfDays((component.effortDays.min + component.effortDays.max) / 2),
    high: halfDays(component.effortDays.max),
  }));
  const sum = (key: 'low' | 'expected' | 'high') => workPackages.reduce((total, item) => total + item[key], 0);
  const base = { low: sum('low'), expected: sum('expected'), high: sum('high') };
  const steps = components.map((component) => `${component.id}: ${component.effortDays.min}-${component.effortDays.max} days by ${componentRole(agency, component.id).id}.`);
  for (const extra of [agency.delivery?.projectManagement, agency.delivery?.qualityAssurance]) {
    const role = extra ? agency.rateCard.find((entry) => entry.id === extra.role) : undefined;
    if (!extra || !role || extra.share === 0) continue;
    workPackages.push({
      id: `WP-${workPackages.length + 1}`,
      componentId: null,
      title: role.name[language],
      roleId: role.id,
      low: halfDays(base.low * extra.share),
      expected: halfDays(base.expected * extra.share),
      high: halfDays(base.high * extra.share),
    });
    steps.push(`${role.id}: ${Math.round(extra.share * 100)} % of the component work.`);
  }
  const totalDays = { low: sum('low'), expected: sum('expected'), high: sum('high') };
  steps.push(`Total: ${totalDays.low} / ${totalDays.expected} / ${totalDays.high} person-days (low / expected / high).`);
  return { reasoning: steps.map((step, index) => `${index + 1}. ${step}`).join('\n'), workPackages, totalDays };
}
