import { z } from 'zod';
import { DATA_NOT_INSTRUCTIONS, delimitedData } from './agent-support.js';
import type { AgencyConfig } from './agency-config.js';
import type { ChatMessage, GenerateObjectResult, LanguageModel } from './models/language-model.js';
import { numberFormat } from '../lib/intl-formats.js';

/**
 * The CRM summariser: one plain-text note in English for the CRM record of a lead (who, what
 * they need, how well they fit, where it stands, the next step, the link to the proposal) and
 * the next step on its own. Strategy: extractive summary, built from the structured facts only.
 * The lead's own message may be given to the model for context, but the note never repeats it
 * beyond a few words: the CRM is shared more widely than the lead expects.
 */

export const SUMMARISE_FOR_CRM_AGENT = { agent: 'crm-summariser', strategy: 'extractive-summary' } as const;
export const SUMMARISE_FOR_CRM_PROMPT_VERSION = 'summarise-for-crm/v1';

/** The longest note, in characters: what fits a CRM note preview. */
export const CRM_NOTE_MAX_LENGTH = 700;
/** The longest run of consecutive words of the lead's message a note may repeat. */
export const MAX_QUOTED_WORDS = 5;

const lower = z.preprocess((value) => (typeof value === 'string' ? value.toLowerCase() : value), z.string());

export const summariseForCrmInputSchema = z.object({
  lead: z.object({
    name: z.string().nullable(),
    company: z.string().nullable(),
    /** The lead's status, as the database holds it (new, qualifying, sent, won, …); GraphQL's upper case alike. */
    status: lower,
    fitScore: z.number().min(0).max(100).nullable(),
    priority: lower.nullable(),
    source: lower.nullable(),
    /** Untrusted: the lead's own message, for the model's context only; never copied into the note. */
    message: z.string().nullable().default(null),
  }),
  /** The qualification's reasons, in English. */
  qualificationReasons: z.array(z.string()).default([]),
  proposal: z
    .object({ title: z.string().min(1), total: z.number().nonnegative(), currency: z.string().regex(/^[A-Z]{3}$/), status: lower, revision: z.number().int().min(1) })
    .nullable(),
  /** Most recent first or last: the newest by createdAt is taken as the last activity. */
  activities: z.array(z.object({ type: z.string(), createdAt: z.string(), actor: z.string() })).default([]),
  proposalLink: z.url({ protocol: /^https?$/ }).nullable(),
});
export type SummariseForCrmInput = z.input<typeof summariseForCrmInputSchema>;
type ParsedInput = z.output<typeof summariseForCrmInputSchema>;

const crmObject = z.object({
  reasoning: z.string().min(1).describe('Your notes, written first: which facts matter for the sales team and the next step. Internal only.'),
  note: z
    .string()
    .min(1)
    .max(CRM_NOTE_MAX_LENGTH)
    .describe(`Plain text in English, at most ${CRM_NOTE_MAX_LENGTH} characters: who, what they need, fit, where it stands, the next step, the proposal link.`),
  nextStep: z.string().min(1).max(200).describe('The next step alone, one short imperative sentence in English.'),
});
export type CrmSummary = z.output<typeof crmObject>;

const words = (text: string) => text.toLowerCase().normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];

/** The first run of more than MAX_QUOTED_WORDS consecutive words that a text shares with the message, or null. */
export function quotedRun(text: string, message: string | null): string | null {
  if (!message) return null;
  const length = MAX_QUOTED_WORDS + 1;
  const source = words(message);
  const runs = new Set<string>();
  for (let index = 0; index + length <= source.length; index += 1) runs.add(source.slice(index, index + length).join(' '));
  const target = words(text);
  for (let index = 0; index + length <= target.length; index += 1) {
    const run = target.slice(index, index + length).join(' ');
    if (runs.has(run)) return run;
  }
  return null;
}

/** The output schema: the length limit, the link when there is one, and no more than a few words of the lead's message. */
export function crmSummarySchema(input: SummariseForCrmInput) {
  const parsed = summariseForCrmInputSchema.parse(input);
  return crmObject.superRefine((value, context) => {
    const run = quotedRun(value.note, parsed.lead.message);
    if (run) context.addIssue({ code: 'custom', path: ['note'], message: `must summarise the lead's message in your own words, not quote it ("${run}")` });
    if (parsed.proposalLink && !value.note.includes(parsed.proposalLink)) context.addIssue({ code: 'custom', path: ['note'], message: `must include the proposal link ${parsed.proposalLink}` });
  });
}

export function buildSummariseForCrmPrompt(input: ParsedInput, _agency: AgencyConfig): { system: string; messages: ChatMessage[] } {
  const system = [
    'You write the note for the CRM record of an inbound lead of a software development agency, for the sales team.',
    '',
    `Plain text in English, at most ${CRM_NOTE_MAX_LENGTH} characters, no Markdown. In this order: who (name, company, source), what they need,`,
    'the fit (score, priority, the main reason), where it stands (the proposal, its revision, total and status, the last activity),',
    'the next step, and the proposal link verbatim when given. Use only the facts given; never invent a number, date or name.',
    `Describe the need in your own words: never quote the lead's message beyond ${MAX_QUOTED_WORDS} consecutive words.`,
    'Put the next step alone into "nextStep" as well. Write your notes into "reasoning" first.',
    '',
    ...DATA_NOT_INSTRUCTIONS,
    'The lead, its proposal and activities are given as JSON between <crm_data> and </crm_data>.',
  ].join('\n');
  return { system, messages: [{ role: 'user', content: `Summarise this lead for the CRM.\n${delimitedData('crm_data', input)}` }] };
}

export async function summariseForCrm(
  model: LanguageModel,
  input: SummariseForCrmInput,
  agency: AgencyConfig,
  run: { leadId?: string | null; promptVersion?: string; signal?: AbortSignal } = {},
): Promise<GenerateObjectResult<CrmSummary>> {
  const parsed = summariseForCrmInputSchema.parse(input);
  return model.generateObject({
    ...buildSummariseForCrmPrompt(parsed, agency),
    schema: crmSummarySchema(input),
    schemaName: 'crm_summary',
    temperature: 0.2,
    signal: run.signal,
    offline: () => summariseForCrmOffline(input, agency),
    run: { ...SUMMARISE_FOR_CRM_AGENT, promptVersion: run.promptVersion ?? SUMMARISE_FOR_CRM_PROMPT_VERSION, leadId: run.leadId ?? null },
  });
}

/** The next step from where the lead and its proposal stand. */
export function nextStepFor(input: Pick<ParsedInput, 'lead' | 'proposal'>): string {
  const lead = input.lead.status;
  const proposal = input.proposal?.status ?? null;
  if (lead === 'spam') return 'None: discarded as spam.';
  if (lead === 'disqualified') return 'None: declined politely as not a fit.';
  if (lead === 'won' || proposal === 'accepted') return 'Review the contract draft and send it for signature.';
  if (lead === 'lost' || proposal === 'declined') return 'Ask for feedback on the decision and close the deal as lost.';
  if (proposal === 'expired') return 'Ask whether the project is still planned and offer to confirm the proposal again.';
  if (lead === 'failed') return 'Check the failed pipeline run and restart it.';
  if (proposal === 'sent') return 'Follow up on the proposal with the lead.';
  if (proposal === 'approved') return 'Send the approved proposal to the lead.';
  if (proposal === 'pending_approval' || proposal === 'in_review' || lead === 'awaiting_approval') return `Review and approve proposal revision ${input.proposal?.revision ?? 1}.`;
  if (proposal === 'rejected' || proposal === 'approval_expired' || proposal === 'superseded') return 'Revise the proposal and submit it for approval again.';
  if (proposal === 'draft') return 'Finish the proposal draft and submit it for approval.';
  return 'Prepare the proposal.';
}

const clip = (text: string, length: number) => (text.length <= length ? text : `${text.slice(0, length - 1).trimEnd()}…`);
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * The deterministic note: built only from the structured facts (never from the lead's message),
 * the least important part (the qualification reasons) shortened first to keep within the limit.
 */
export function summariseForCrmOffline(input: SummariseForCrmInput, _agency: AgencyConfig): CrmSummary {
  const parsed = summariseForCrmInputSchema.parse(input);
  const { lead, proposal } = parsed;
  const nextStep = nextStepFor(parsed);
  const name = lead.name ? clip(oneLine(lead.name), 60) : 'Unnamed lead';
  const who = `${name}${lead.company ? ` (${clip(oneLine(lead.company), 60)})` : ''}${lead.source ? `, via ${lead.source}` : ''}, status ${lead.status.replace(/_/g, ' ')}.`;
  const title = proposal && quotedRun(proposal.title, lead.message) === null ? clip(oneLine(proposal.title), 100) : null;
  const need = proposal ? (title ? `Needs: ${title}.` : 'Needs: see the proposal.') : 'Need: not yet scoped in a proposal.';
  const fitScore = lead.fitScore === null ? 'not scored' : `${Math.round(lead.fitScore)}/100`;
  const fitHead = `Fit: ${fitScore}${lead.priority ? `, ${lead.priority} priority` : ''}`;
  const money = proposal ? numberFormat('en', { style: 'currency', currency: proposal.currency, maximumFractionDigits: 0 }).format(proposal.total) : '';
  const stand = proposal ? `Proposal rev. ${proposal.revision}, ${money}, ${proposal.status.replace(/_/g, ' ')}.` : 'No proposal yet.';
  const latest = [...parsed.activities].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
  const last = latest ? ` Last activity: ${clip(oneLine(latest.type), 40).replace(/_/g, ' ')} on ${latest.createdAt.slice(0, 10)} by ${clip(oneLine(latest.actor), 40)}.` : '';
  const next = `Next step: ${nextStep}`;
  const link = parsed.proposalLink ? ` Proposal: ${parsed.proposalLink}` : '';
  const base = (fit: string, withLast: boolean) => [who, need, fit, stand + (withLast ? last : ''), next + link].join(' ');
  // A reason that happens to quote the lead's message would break the rule the note is held to.
  const reasons = parsed.qualificationReasons.map(oneLine).filter((reason) => reason.length > 0 && quotedRun(reason, lead.message) === null);
  let fit = `${fitHead}.`;
  if (reasons.length > 0) {
    const full = `${fitHead}: ${reasons.slice(0, 2).join('; ')}.`;
    const room = CRM_NOTE_MAX_LENGTH - base('', true).length;
    fit = full.length <= room ? full : room > fitHead.length + 12 ? clip(full, room) : fit;
  }
  let note = base(fit, true);
  if (note.length > CRM_NOTE_MAX_LENGTH) note = base(`${fitHead}.`, false);
  if (note.length > CRM_NOTE_MAX_LENGTH) note = clip([who, need, `${fitHead}.`, stand, next].join(' '), CRM_NOTE_MAX_LENGTH - link.length) + link;
  const steps = [
    `Lead ${lead.status}; proposal ${proposal ? `${proposal.status} (rev. ${proposal.revision})` : 'none'}; ${parsed.activities.length} activities.`,
    `Next step from the statuses: ${nextStep}`,
    `Note of ${note.length} characters from the structured facts only; the lead's message is not quoted.`,
  ];
  return { reasoning: steps.map((step, index) => `${index + 1}. ${step}`).join('\n'), note, nextStep };
}
