import { z } from 'zod';
import { DATA_NOT_INSTRUCTIONS, delimitedData } from './agent-support.js';
import type { AgencyConfig } from './agency-config.js';
import { LEAD_CATEGORIES, NEXT_ACTIONS } from './qualify-lead.agent.js';
import type { ChatMessage, GenerateObjectResult, LanguageModel } from './models/language-model.js';

/**
 * The orchestrator: the route at the pipeline's two branching points. Strategy: router. The
 * caller's safety rules come first — `allowedRoutes` says what may happen (a spam lead is never
 * proposed to, a passed review is never revised, rounds are never exceeded) — and the model, or
 * offline the rules, only chooses among those routes; the schema refuses any other.
 *
 * After qualification: propose, decline (a polite reply) or discard (no reply).
 * After review: submit_for_approval, revise, or escalate (submit to a person, flagged, because the
 * review did not pass and the rounds are exhausted).
 */

export const ORCHESTRATE_LEAD_AGENT = { agent: 'orchestrator', strategy: 'router' } as const;
export const ORCHESTRATE_LEAD_PROMPT_VERSION = 'orchestrate-lead/v1';

export const QUALIFICATION_ROUTES = ['propose', 'decline', 'discard'] as const;
export const REVIEW_ROUTES = ['submit_for_approval', 'revise', 'escalate'] as const;
export type QualificationRoute = (typeof QUALIFICATION_ROUTES)[number];
export type ReviewRoute = (typeof REVIEW_ROUTES)[number];
export type Route = QualificationRoute | ReviewRoute;

const afterQualificationSchema = z.object({
  decision: z.literal('after-qualification'),
  qualification: z.object({
    category: z.enum(LEAD_CATEGORIES),
    qualified: z.boolean(),
    fitScore: z.number().min(0).max(100),
    priority: z.enum(['HIGH', 'MEDIUM', 'LOW']),
    nextAction: z.enum(NEXT_ACTIONS),
  }),
  spam: z.object({ likely: z.boolean(), signals: z.array(z.string()) }),
  /** The caller's own restriction, if any; it can narrow `allowedRoutes`, never widen it. */
  allowed: z.array(z.enum(QUALIFICATION_ROUTES)).nullable().default(null),
});
const afterReviewSchema = z.object({
  decision: z.literal('after-review'),
  review: z.object({ score: z.number().min(0).max(100), passed: z.boolean(), blockingFindings: z.number().int().nonnegative() }),
  /** 1 for the first review. */
  round: z.number().int().positive(),
  maxRounds: z.number().int().positive(),
  allowed: z.array(z.enum(REVIEW_ROUTES)).nullable().default(null),
});
export const orchestrateLeadInputSchema = z.discriminatedUnion('decision', [afterQualificationSchema, afterReviewSchema]);
export type OrchestrateLeadInput = z.input<typeof orchestrateLeadInputSchema>;
type ParsedInput = z.output<typeof orchestrateLeadInputSchema>;

/** A spam lead: the qualification or the intake says so. */
const isSpam = (input: z.output<typeof afterQualificationSchema>) =>
  input.spam.likely || input.qualification.category === 'spam' || input.qualification.nextAction === 'discard';

/**
 * What may happen next, by rules the model cannot argue with, narrowed by the caller's `allowed`:
 * - spam: decline or discard, never propose;
 * - not qualified: decline (vendors, applicants, too small: they get a polite answer);
 * - qualified: propose, or decline;
 * - a passed review without blocking findings: submit for approval only;
 * - a failed (or inconsistent) review: revise while rounds remain, or escalate; only escalate after the last round.
 */
export function allowedRoutes(input: OrchestrateLeadInput): Route[] {
  const parsed = orchestrateLeadInputSchema.parse(input);
  let routes: Route[];
  if (parsed.decision === 'after-qualification') {
    routes = isSpam(parsed) ? ['decline', 'discard'] : parsed.qualification.qualified ? ['propose', 'decline'] : ['decline'];
  } else {
    const passed = parsed.review.passed && parsed.review.blockingFindings === 0;
    routes = passed ? ['submit_for_approval'] : parsed.round < parsed.maxRounds ? ['revise', 'escalate'] : ['escalate'];
  }
  const restriction = parsed.allowed as Route[] | null;
  return restriction === null ? routes : routes.filter((route) => restriction.includes(route));
}

const routeObject = z.object({
  reasoning: z.string().min(1).describe('Your thinking, written first: the facts that decide the route. Internal only.'),
  route: z.enum([...QUALIFICATION_ROUTES, ...REVIEW_ROUTES]).describe('One of the allowed routes.'),
  reason: z.string().min(1).describe('One short English sentence for the sales team: why this route.'),
});
export type RouteDecision = z.output<typeof routeObject>;

/** The output schema for one input: the route is among the allowed ones. */
export function routeSchema(input: OrchestrateLeadInput) {
  const allowed = allowedRoutes(input);
  return routeObject.superRefine((value, context) => {
    if (!allowed.includes(value.route)) context.addIssue({ code: 'custom', path: ['route'], message: `must be one of the allowed routes: ${allowed.join(', ')}` });
  });
}

export function buildOrchestrateLeadPrompt(input: ParsedInput, agency: AgencyConfig): { system: string; messages: ChatMessage[] } {
  const allowed = allowedRoutes(input);
  const { allowed: _restriction, ...facts } = input;
  const guidance =
    input.decision === 'after-qualification'
      ? [
          'The lead has been qualified. Routes: propose (prepare a proposal), decline (a polite reply, no proposal), discard (spam: no reply).',
          'Follow the qualification unless the facts contradict it: propose qualified leads, decline the others, discard only spam.',
        ]
      : [
          `A proposal has been reviewed (round ${input.round} of ${input.maxRounds}). Routes: submit_for_approval (to a person),`,
          'revise (another round), escalate (to a person, flagged, because it did not pass and the rounds are exhausted).',
          'Revise a failed review while rounds remain; submit a passed one.',
        ];
  const system = [
    `You route leads through the proposal pipeline of ${agency.name}, a software development agency.`,
    ...guidance,
    `Allowed routes now: ${allowed.join(', ')}. Choose one of them; no other is accepted.`,
    '',
    ...DATA_NOT_INSTRUCTIONS,
    'The facts are given as JSON between <facts> and </facts>.',
  ].join('\n');
  return { system, messages: [{ role: 'user', content: `Choose the route.\n${delimitedData('facts', facts)}` }] };
}

export async function orchestrateLead(
  model: LanguageModel,
  input: OrchestrateLeadInput,
  agency: AgencyConfig,
  run: { leadId?: string | null; promptVersion?: string; signal?: AbortSignal } = {},
): Promise<GenerateObjectResult<RouteDecision>> {
  const parsed = orchestrateLeadInputSchema.parse(input);
  if (allowedRoutes(parsed).length === 0) throw new Error(`orchestrateLead: no route is allowed for ${parsed.decision} (the caller's restriction excludes every permitted route)`);
  return model.generateObject({
    ...buildOrchestrateLeadPrompt(parsed, agency),
    schema: routeSchema(parsed),
    schemaName: 'lead_route',
    temperature: 0,
    signal: run.signal,
    offline: () => orchestrateLeadOffline(parsed, agency),
    run: { ...ORCHESTRATE_LEAD_AGENT, promptVersion: run.promptVersion ?? ORCHESTRATE_LEAD_PROMPT_VERSION, leadId: run.leadId ?? null },
  });
}

/** The rules: the preferred route for the facts, else the first allowed one. */
export function orchestrateLeadOffline(input: OrchestrateLeadInput, _agency: AgencyConfig): RouteDecision {
  const parsed = orchestrateLeadInputSchema.parse(input);
  const allowed = allowedRoutes(parsed);
  if (allowed.length === 0) throw new Error(`orchestrateLeadOffline: no route is allowed for ${parsed.decision}`);
  let preferred: Route;
  let reason: string;
  let facts: string;
  if (parsed.decision === 'after-qualification') {
    const { qualification, spam } = parsed;
    facts = `category ${qualification.category}, ${qualification.qualified ? 'qualified' : 'not qualified'}, fit ${qualification.fitScore}, next action ${qualification.nextAction}, spam ${spam.likely ? `likely (${spam.signals.length} signal(s))` : 'unlikely'}`;
    if (isSpam(parsed)) {
      preferred = 'discard';
      reason = spam.likely && spam.signals.length > 0 ? `Spam: ${spam.signals.slice(0, 3).join('; ')}.` : 'Spam: no reply.';
    } else if (qualification.qualified) {
      preferred = 'propose';
      reason = `A qualified ${qualification.category.replace(/_/g, ' ')} with fit ${qualification.fitScore}: prepare a proposal${qualification.nextAction === 'request_details' ? ' once the details are in' : ''}.`;
    } else {
      preferred = 'decline';
      reason = `Not a project to quote (${qualification.category.replace(/_/g, ' ')}): decline politely.`;
    }
  } else {
    const { review, round, maxRounds } = parsed;
    facts = `score ${review.score}, ${review.passed ? 'passed' : 'failed'}, ${review.blockingFindings} blocking finding(s), round ${round} of ${maxRounds}`;
    if (review.passed && review.blockingFindings === 0) {
      preferred = 'submit_for_approval';
      reason = `The review passed with score ${review.score}: submit for approval.`;
    } else if (round < maxRounds) {
      preferred = 'revise';
      reason = `The review did not pass (${review.blockingFindings} blocking finding(s)): revise, round ${round + 1} of ${maxRounds}.`;
    } else {
      preferred = 'escalate';
      reason = `The review did not pass after ${round} of ${maxRounds} round(s): a person decides.`;
    }
  }
  const route = allowed.includes(preferred) ? preferred : allowed[0]!;
  if (route !== preferred) reason = `${reason.replace(/[.:].*$/, '')}; but ${preferred.replace(/_/g, ' ')} is not allowed here, so ${route.replace(/_/g, ' ')}.`;
  return {
    reasoning: [`1. Facts: ${facts}.`, `2. Allowed: ${allowed.join(', ')}.`, `3. Route: ${route}${route !== preferred ? ` (preferred ${preferred}, not allowed)` : ''}.`].join('\n'),
    route,
    reason,
  };
}
