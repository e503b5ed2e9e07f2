import type { Logger } from '../logger.js';

/** What the API said to a decision. */
export type DecisionResult = { ok: true; status: string } | { ok: false; code: string; message: string };

export interface LeadpilotApiOptions {
  /** The GraphQL endpoint; a function because in the main process it is known only once the server listens. */
  url: () => string;
  /** A delegate approver key. */
  key: string;
  logger: Logger;
  timeoutMs?: number;
  attempts?: number;
}

const APPROVE = `mutation ($id: ID!, $comment: String, $onBehalfOf: String) { approveProposal(id: $id, comment: $comment, onBehalfOf: $onBehalfOf) { id status } }`;
const REJECT = `mutation ($id: ID!, $feedback: String!, $onBehalfOf: String) { rejectProposal(id: $id, feedback: $feedback, onBehalfOf: $onBehalfOf) { id status } }`;
const APPROVE_MESSAGE = `mutation ($id: ID!, $onBehalfOf: String) { approveOutboundMessage(id: $id, onBehalfOf: $onBehalfOf) { id status } }`;
const REJECT_MESSAGE = `mutation ($id: ID!, $feedback: String!, $onBehalfOf: String) { rejectOutboundMessage(id: $id, feedback: $feedback, onBehalfOf: $onBehalfOf) { id status } }`;

/**
 * The bot decides through the public API, like any other client: the API checks the key, records
 * the Slack user as the decider, and keeps one decision per revision. Network failures and 5xx
 * are retried with backoff; that is safe because a decision is conditional (a repeat of one that
 * went through answers CONFLICT, which the caller reads as "already decided").
 */
export class LeadpilotApiClient {
  constructor(private readonly options: LeadpilotApiOptions) {}

  approve(proposalId: string, slackUserId: string): Promise<DecisionResult> {
    return this.decide(APPROVE, 'approveProposal', { id: proposalId, onBehalfOf: `slack:${slackUserId}` });
  }

  reject(proposalId: string, slackUserId: string, feedback: string): Promise<DecisionResult> {
    return this.decide(REJECT, 'rejectProposal', { id: proposalId, feedback, onBehalfOf: `slack:${slackUserId}` });
  }

  /** A follow-up waiting for approval (the decision is recorded with the message's id). */
  approveOutboundMessage(messageId: string, slackUserId: string): Promise<DecisionResult> {
    return this.decide(APPROVE_MESSAGE, 'approveOutboundMessage', { id: messageId, onBehalfOf: `slack:${slackUserId}` });
  }

  rejectOutboundMessage(messageId: string, slackUserId: string, feedback: string): Promise<DecisionResult> {
    return this.decide(REJECT_MESSAGE, 'rejectOutboundMessage', { id: messageId, feedback, onBehalfOf: `slack:${slackUserId}` });
  }

  private async decide(query: string, field: string, variables: Record<string, unknown>): Promise<DecisionResult> {
    const attempts = this.options.attempts ?? 3;
    let lastError: unknown;
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      try {
        const response = await fetch(this.options.url(), {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.options.key}` },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
        });
        if (response.status >= 500) throw new Error(`the API answered HTTP ${response.status}`);
        const body = (await response.json()) as { data?: Record<string, { status: string } | null> | null; errors?: { message: string; extensions?: { code?: string } }[] };
        const result = body.data?.[field];
        if (result) return { ok: true, status: result.status };
        const error = body.errors?.[0];
        return { ok: false, code: error?.extensions?.code ?? 'INTERNAL_SERVER_ERROR', message: error?.message ?? `HTTP ${response.status}` };
      } catch (error) {
        lastError = error;
        this.options.logger.warn({ err: error, attempt, field }, 'calling the Leadpilot API failed');
        if (attempt < attempts) await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** (attempt - 1) + Math.random() * 100));
      }
    }
    return { ok: false, code: 'UNAVAILABLE', message: lastError instanceof Error ? lastError.message : String(lastError) };
  }
}
