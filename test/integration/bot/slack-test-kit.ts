import { LeadSource, ProposalStatus } from '../../../src/entities/enums.js';
import type { DraftFields } from '../../../src/services/proposal.service.js';
import { FakeSlackServer } from '../../fakes/fake-slack.server.js';
import { APPROVAL_CHANNEL, SLACK_SIGNING_SECRET } from '../../fakes/fake-slack-requests.js';
import type { TestServer } from '../../helpers/server.js';

export const ALICE = 'U0ALICE';
export const BOB = 'U0BOB';
export const MALLORY = 'U0MALLORY';

/** The env that turns the bot on, pointed at the fake. */
export function slackEnv(fake: FakeSlackServer, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: fake.token,
    SLACK_SIGNING_SECRET,
    SLACK_APPROVAL_CHANNEL: APPROVAL_CHANNEL,
    SLACK_API_URL: fake.apiUrl,
    SLACK_APPROVER_IDS: `${ALICE},${BOB}`,
    ...extra,
  };
}

let counter = 0;

/** A lead and a pending proposal for it, announced as the services announce changes. */
export async function pendingProposal(server: TestServer, fields: DraftFields = {}, lead: { name?: string; company?: string; message?: string } = {}) {
  counter += 1;
  const { lead: created } = await server.services.leads.submit(
    { name: lead.name ?? `Lead ${counter}`, email: `lead${counter}-${Date.now()}@example.com`, company: lead.company ?? `Company ${counter}`, message: lead.message ?? `Build us a shop ${counter}.`, source: LeadSource.API },
    'system',
  );
  const proposal = await server.services.proposals.createDraft(created.id, { title: `Shop for company ${counter}`, ...fields }, ProposalStatus.PENDING_APPROVAL);
  await server.live.proposalChanged(proposal.id, proposal.status);
  return proposal;
}

export async function decisionsOf(server: TestServer, proposalId: string): Promise<{ decision: string; decided_by: string; channel: string; feedback: string | null }[]> {
  return server.dataSource.query(`SELECT decision, decided_by, channel, feedback FROM approval_decisions WHERE proposal_id = $1`, [proposalId]);
}

export async function statusOf(server: TestServer, proposalId: string): Promise<string> {
  const [row] = (await server.dataSource.query(`SELECT status FROM proposals WHERE id = $1`, [proposalId])) as { status: string }[];
  return row!.status;
}

/** Polls the database until `probe` holds; the deadline only bounds a hang. */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * Everything a message shows that Slack parses (the notification text and every mrkdwn text), as
 * one string, for assertions. plain_text (the header, button labels) is never parsed for
 * mentions or links, so it is left out.
 */
export function messageText(message: { text: string; blocks: any[] }): string {
  const texts: string[] = [message.text];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      const record = value as Record<string, unknown>;
      if (record['type'] === 'mrkdwn' && typeof record['text'] === 'string') texts.push(record['text']);
      else if (record['type'] !== 'plain_text') Object.values(record).forEach(walk);
    }
  };
  walk(message.blocks);
  return texts.join('\n');
}

export const actionIdsOf = (message: { blocks: any[] }) => message.blocks.filter((block) => block.type === 'actions').flatMap((block) => block.elements.map((element: any) => element.action_id));

/** Lets the after-ack work settle: a negative assertion needs the work to have had its chance. */
export const settle = async (server: TestServer) => {
  await new Promise((resolve) => setTimeout(resolve, 300));
  await server.bot!.drain();
};
