import { z } from 'zod';

/**
 * What the harness reads back from the pipeline for one lead, and the GraphQL that reads it.
 * Parsed with zod: the API is a boundary, and a field the harness relies on that is missing or
 * of another shape should stop the run with its path, not score as a silent zero.
 */

/** The statuses at which the pipeline has finished with a new lead. */
export const SETTLED_STATUSES = ['AWAITING_APPROVAL', 'DISQUALIFIED', 'SPAM', 'FAILED'] as const;
/** Settled without a first reply being required. */
export const SETTLED_WITHOUT_REPLY = ['SPAM', 'FAILED'] as const;
export const FIRST_REPLY_KIND = 'first_reply';

/** Polled every 100 ms while waiting: as little as decides whether the lead is settled. */
export const LEAD_PROGRESS_QUERY = /* GraphQL */ `
  query EvalLeadProgress($id: ID!) {
    lead(id: $id) { status outboundMessages { kind } }
  }
`;

export const LEAD_RESULT_QUERY = /* GraphQL */ `
  query EvalLeadResult($id: ID!) {
    lead(id: $id) {
      status fitScore priority language nextAction scoreDetails
      outboundMessages { kind subject payload status }
      solutionDesigns { id revision summary components workPackages alternatives confidence }
      proposals {
        revision status language title body total currency pricingModel reviewScore reviewNotes promptVersion solutionDesignId
        lineItems { description days rate amount }
      }
    }
  }
`;

export const leadProgressSchema = z.object({
  status: z.string(),
  outboundMessages: z.array(z.object({ kind: z.string() })),
});
export type LeadProgress = z.infer<typeof leadProgressSchema>;

const lineItemSchema = z.object({
  description: z.string(),
  days: z.number().nullable(),
  rate: z.number().nullable(),
  amount: z.number(),
});

const proposalSchema = z.object({
  revision: z.number().int(),
  status: z.string(),
  language: z.string(),
  title: z.string(),
  body: z.string(),
  total: z.number(),
  currency: z.string(),
  pricingModel: z.string(),
  reviewScore: z.number().nullable(),
  reviewNotes: z.unknown(),
  promptVersion: z.string().nullable(),
  solutionDesignId: z.string().nullable().optional(),
  lineItems: z.array(lineItemSchema),
});
export type ProposalResult = z.infer<typeof proposalSchema>;

const solutionDesignSchema = z.object({
  id: z.string(),
  revision: z.number().int(),
  summary: z.string(),
  components: z.unknown(),
  workPackages: z.unknown(),
  alternatives: z.unknown(),
  confidence: z.number().nullable(),
});
export type SolutionDesignResult = z.infer<typeof solutionDesignSchema>;

const outboundMessageSchema = z.object({
  kind: z.string(),
  subject: z.string().nullable(),
  payload: z.unknown(),
  status: z.string(),
});
export type OutboundMessageResult = z.infer<typeof outboundMessageSchema>;

export const leadResultSchema = z.object({
  status: z.string(),
  fitScore: z.number().nullable(),
  priority: z.string().nullable(),
  language: z.string(),
  nextAction: z.string().nullable(),
  scoreDetails: z.unknown(),
  outboundMessages: z.array(outboundMessageSchema),
  solutionDesigns: z.array(solutionDesignSchema),
  proposals: z.array(proposalSchema),
});
export type LeadResult = z.infer<typeof leadResultSchema>;

/** What the runner observed for one lead: its result once settled, or why there is none. */
export type LeadRun =
  | { readonly outcome: 'settled'; readonly leadId: string; readonly durationMs: number; readonly result: LeadResult }
  | { readonly outcome: 'timeout'; readonly leadId: string | null; readonly durationMs: number; readonly lastStatus: string | null }
  | { readonly outcome: 'error'; readonly leadId: string | null; readonly durationMs: number; readonly error: string };

/** Kinds are compared without regard to case: a GraphQL enum (FIRST_REPLY) and a string (first_reply) alike. */
const isFirstReply = (message: { kind: string }) => message.kind.toLowerCase() === FIRST_REPLY_KIND;

export function isSettled(progress: LeadProgress): boolean {
  if (!(SETTLED_STATUSES as readonly string[]).includes(progress.status)) return false;
  if ((SETTLED_WITHOUT_REPLY as readonly string[]).includes(progress.status)) return true;
  return progress.outboundMessages.some(isFirstReply);
}

/** The proposal judged: the newest revision. */
export function newestProposal(result: LeadResult): ProposalResult | undefined {
  return result.proposals.reduce<ProposalResult | undefined>(
    (newest, proposal) => (newest === undefined || proposal.revision > newest.revision ? proposal : newest),
    undefined,
  );
}

/** The design the proposal was priced from, else the newest one. */
export function designOf(result: LeadResult, proposal: ProposalResult | undefined): SolutionDesignResult | undefined {
  const linked = proposal?.solutionDesignId ? result.solutionDesigns.find((design) => design.id === proposal.solutionDesignId) : undefined;
  return (
    linked ??
    result.solutionDesigns.reduce<SolutionDesignResult | undefined>(
      (newest, design) => (newest === undefined || design.revision > newest.revision ? design : newest),
      undefined,
    )
  );
}

/** The first reply to the lead, if written. */
export function firstReply(result: LeadResult): OutboundMessageResult | undefined {
  return result.outboundMessages.find(isFirstReply);
}

/** An outbound message's text: e-mails carry `{ text }` in their payload. */
export function messageText(message: OutboundMessageResult): string {
  let payload: unknown = message.payload;
  if (typeof payload === 'string') {
    const raw = payload;
    try {
      payload = JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  if (payload && typeof payload === 'object' && 'text' in payload && typeof payload.text === 'string') return payload.text;
  return '';
}
