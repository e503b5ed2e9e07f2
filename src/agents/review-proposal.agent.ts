import { z } from 'zod';
import { agencyLanguage, combineResults, DATA_NOT_INSTRUCTIONS, delimitedData } from './agent-support.js';
import type { AgencyConfig } from './agency-config.js';
import type { ChatMessage, GenerateObjectResult, LanguageModel } from './models/language-model.js';
import {
  REVIEW_CHECKS,
  REVIEW_SEVERITIES,
  REVIEW_TOOLS,
  reviewSubjectSchema,
  runReviewTool,
  scoreFindings,
  type ReviewFinding,
  type ReviewSubject,
  type ReviewSubjectInput,
  type ReviewTool,
  type ToolObservation,
} from './review-tools.js';

/**
 * The reviewer, a ReAct critic: it thinks, calls one of its tools (requirement coverage, price,
 * language, promises), reads the observation, and so on until it finishes with a verdict or runs
 * out of steps. Whatever the model says, the code runs every tool it skipped and bounds the score
 * by the tools' findings: a failing blocking check always keeps the proposal below the threshold.
 * Offline the same loop runs the four tools in order and scores deterministically.
 */

export const REVIEW_PROPOSAL_AGENT = { agent: 'reviewer', strategy: 'react' } as const;
export const REVIEW_PROPOSAL_PROMPT_VERSION = 'review-proposal/v1';
export const DEFAULT_REVIEW_MAX_STEPS = 6;

export const reviewProposalInputSchema = reviewSubjectSchema;
export type ReviewProposalInput = ReviewSubjectInput;

const findingSchema = z.object({
  check: z.enum(REVIEW_CHECKS).describe('The tool whose check failed, or style for anything else.'),
  severity: z.enum(REVIEW_SEVERITIES).describe('blocking: must be fixed before a person sees it; minor: worth improving.'),
  message: z.string().min(1).describe('What is wrong, in English.'),
  fix: z.string().min(1).describe('How to fix it, in English.'),
});

const REVIEW_ACTIONS = [...REVIEW_TOOLS, 'finish'] as const;

/** One ReAct step as the model answers it. */
export const reviewStepSchema = z
  .object({
    thought: z.string().min(1).describe('Your reasoning, written first: what you know so far and what to check next. Internal only.'),
    action: z.enum(REVIEW_ACTIONS).describe('The tool to call next, or finish once you have what you need.'),
    verdict: z
      .object({
        score: z.number().min(0).max(100).describe('0 to 100; below the threshold when any check is blocking.'),
        findings: z.array(findingSchema),
      })
      .nullable()
      .describe('null while calling tools; your verdict when the action is finish.'),
  })
  .superRefine((value, context) => {
    if (value.action === 'finish' && value.verdict === null) context.addIssue({ code: 'custom', path: ['verdict'], message: 'must be given when the action is finish' });
  });
export type ReviewStep = z.output<typeof reviewStepSchema>;

export const reviewSchema = z.object({
  score: z.number().min(0).max(100),
  passed: z.boolean(),
  threshold: z.number(),
  findings: z.array(findingSchema),
  steps: z.array(z.object({ thought: z.string(), action: z.enum(REVIEW_ACTIONS), observation: z.string() })),
});
export type Review = z.output<typeof reviewSchema>;

const TOOL_PURPOSE: Record<ReviewTool, string> = {
  requirementCoverage: 'does the body address every requirement by its title or key terms? Lists the missing ones.',
  priceCheck: 'line item math, rate card rates, discount within the maximum, total within the bounds and not under-priced against the estimate, total stated in the body.',
  languageCheck: "is the body in the lead's language?",
  promiseCheck: 'does the body promise anything the agency did not: another discount, a guarantee, something free, a deadline outside the plan, talk of its instructions?',
};

export const reviewThreshold = (agency: AgencyConfig) => agency.review?.threshold ?? 80;

export function buildReviewProposalPrompt(subject: ReviewSubject, agency: AgencyConfig): { system: string; messages: ChatMessage[] } {
  const threshold = reviewThreshold(agency);
  const system = [
    `You review the proposals of ${agency.name}, a software development agency, before a colleague approves them.`,
    '',
    'Work in ReAct steps. Each answer is one step: "thought" (your reasoning), then "action": one tool to call, or finish.',
    'The tool\'s observation comes back as the next message. Tools:',
    ...REVIEW_TOOLS.map((tool) => `- ${tool}: ${TOOL_PURPOSE[tool]}`),
    'Call each tool once before you finish. Then finish with "verdict": a score from 0 to 100 and the findings',
    `(check, severity, message, fix; editorial points under "style"). The pass mark is ${threshold}; any blocking finding means a score below it.`,
    `The proposal should be in the lead's language (${agencyLanguage(subject.language)}), clear, complete and friendly.`,
    '',
    ...DATA_NOT_INSTRUCTIONS,
    'The proposal is JSON between <proposal> and </proposal>, what it must agree with between <context> and </context>, each observation between <observation> and </observation>.',
  ].join('\n');
  const { title, body, ...context } = subject;
  const content = ['Review this proposal.', delimitedData('proposal', { title, body }), delimitedData('context', context)].join('\n');
  return { system, messages: [{ role: 'user', content }] };
}

/** The offline step: the next tool not yet run, else finish with the deterministic verdict. */
function offlineStep(observations: ReadonlyMap<ReviewTool, ToolObservation>, threshold: number): ReviewStep {
  const next = REVIEW_TOOLS.find((tool) => !observations.has(tool));
  if (next) return { thought: `Next: ${next}. It checks: ${TOOL_PURPOSE[next]}`, action: next, verdict: null };
  const findings = [...observations.values()].flatMap((entry) => entry.findings);
  const blocking = findings.filter((finding) => finding.severity === 'blocking').length;
  return {
    thought: `All four checks have run: ${blocking} blocking and ${findings.length - blocking} minor finding(s). I score from them.`,
    action: 'finish',
    verdict: { score: scoreFindings(findings, threshold), findings },
  };
}

/**
 * The verdict the code stands behind: every tool run (those the model skipped are run here),
 * the tools' findings kept as they are, the model's findings on the tools' own checks kept as
 * minor points (the tools decide what blocks), and the score bounded by all of them.
 */
function conclude(subject: ReviewSubject, agency: AgencyConfig, observations: Map<ReviewTool, ToolObservation>, steps: Review['steps'], verdict: ReviewStep['verdict']): Review {
  const threshold = reviewThreshold(agency);
  const skipped: Review['steps'] = [];
  for (const tool of REVIEW_TOOLS) {
    if (observations.has(tool)) continue;
    const observed = runReviewTool(tool, subject, agency);
    observations.set(tool, observed);
    skipped.push({ thought: 'Not called by the model: run by the reviewer itself, so that the score rests on every check.', action: tool, observation: observed.summary });
  }
  steps.splice(steps.at(-1)?.action === 'finish' ? steps.length - 1 : steps.length, 0, ...skipped);
  const toolFindings = REVIEW_TOOLS.flatMap((tool) => observations.get(tool)!.findings);
  const modelFindings: ReviewFinding[] = (verdict?.findings ?? [])
    .filter((finding) => !toolFindings.some((own) => own.check === finding.check && own.message === finding.message))
    .map((finding) => (finding.check === 'style' ? finding : { ...finding, severity: 'minor' as const }));
  const findings = [...toolFindings, ...modelFindings];
  const score = scoreFindings(findings, threshold, verdict?.score ?? 100);
  const passed = score >= threshold && !findings.some((finding) => finding.severity === 'blocking');
  return { score, passed, threshold, findings, steps };
}

function observationMessage(observed: ToolObservation): string {
  return `Observation:\n${delimitedData('observation', observed)}`;
}

/** The deterministic review: the four tools in order, then the verdict from their findings. */
export function reviewProposalOffline(input: ReviewProposalInput, agency: AgencyConfig): Review {
  const subject = reviewSubjectSchema.parse(input);
  const threshold = reviewThreshold(agency);
  const observations = new Map<ReviewTool, ToolObservation>();
  const steps: Review['steps'] = [];
  for (;;) {
    const step = offlineStep(observations, threshold);
    if (step.action === 'finish') {
      steps.push({ thought: step.thought, action: 'finish', observation: `score ${step.verdict!.score} of ${threshold} needed` });
      return conclude(subject, agency, observations, steps, step.verdict);
    }
    const observed = runReviewTool(step.action, subject, agency);
    observations.set(step.action, observed);
    steps.push({ thought: step.thought, action: step.action, observation: observed.summary });
  }
}

/**
 * The ReAct loop through the model: at most `maxSteps` generateObject calls (each one an
 * agent_runs row), each tool's observation appended as the next message.
 */
export async function reviewProposal(
  model: LanguageModel,
  input: ReviewProposalInput,
  agency: AgencyConfig,
  run: { leadId?: string | null; promptVersion?: string; signal?: AbortSignal; maxSteps?: number } = {},
): Promise<GenerateObjectResult<Review>> {
  const subject = reviewSubjectSchema.parse(input);
  const threshold = reviewThreshold(agency);
  const maxSteps = Math.max(1, run.maxSteps ?? DEFAULT_REVIEW_MAX_STEPS);
  const prompt = buildReviewProposalPrompt(subject, agency);
  const messages: ChatMessage[] = [...prompt.messages];
  const observations = new Map<ReviewTool, ToolObservation>();
  const steps: Review['steps'] = [];
  const results: GenerateObjectResult<ReviewStep>[] = [];
  let verdict: ReviewStep['verdict'] = null;
  for (let index = 0; index < maxSteps; index += 1) {
    const result = await model.generateObject({
      system: prompt.system,
      messages: [...messages],
      schema: reviewStepSchema,
      schemaName: 'review_step',
      temperature: 0,
      signal: run.signal,
      offline: () => offlineStep(observations, threshold),
      run: { ...REVIEW_PROPOSAL_AGENT, promptVersion: run.promptVersion ?? REVIEW_PROPOSAL_PROMPT_VERSION, leadId: run.leadId ?? null },
    });
    results.push(result);
    const step = result.object;
    if (step.action === 'finish') {
      verdict = step.verdict;
      steps.push({ thought: step.thought, action: 'finish', observation: `score ${step.verdict?.score ?? '-'} proposed` });
      break;
    }
    const observed = runReviewTool(step.action, subject, agency);
    observations.set(step.action, observed);
    steps.push({ thought: step.thought, action: step.action, observation: observed.summary });
    messages.push({ role: 'assistant', content: JSON.stringify(step) }, { role: 'user', content: observationMessage(observed) });
  }
  return combineResults(results, conclude(subject, agency, observations, steps, verdict), model);
}
