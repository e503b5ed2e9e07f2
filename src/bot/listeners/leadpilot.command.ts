import type { App } from '@slack/bolt';
import { Lead } from '../../entities/lead.entity.js';
import { Proposal } from '../../entities/proposal.entity.js';
import { COMMAND } from '../action-ids.js';
import { deliveryKey, type BotContext } from '../bot-context.js';
import { statusWord } from '../proposal-card.js';
import { escapeMrkdwn, money, slackDate, truncate } from '../slack-text.js';
import type { LeadStatus } from '../../entities/enums.js';

export const COMMAND_USAGE = [
  `*${COMMAND}* commands:`,
  `• \`${COMMAND} queue\`: the proposals waiting for approval`,
  `• \`${COMMAND} lead <email>\`: one lead's status and proposals`,
  `• \`${COMMAND} kpis\`: today's headline numbers`,
].join('\n');

const QUEUE_SHOWN = 20;

/** `/leadpilot queue | lead <email> | kpis`, answered only to whoever asked. */
export function registerLeadpilotCommand(app: App, context: BotContext): void {
  app.command(COMMAND, async ({ ack, command, respond }) => {
    await ack();
    context.afterAck('command', async () => {
      if (!(await context.posts.firstDelivery(deliveryKey(command)))) return;
      const text = await answerCommand(context, command.text ?? '');
      await respond({ response_type: 'ephemeral', text });
    });
  });
}

export async function answerCommand(context: BotContext, input: string): Promise<string> {
  const [subcommand = '', ...rest] = input.trim().split(/\s+/);
  switch (subcommand.toLowerCase()) {
    case 'queue':
      return queueText(context);
    case 'lead':
      return rest.length === 1 ? leadText(context, rest[0]!) : `Which lead? ${COMMAND_USAGE}`;
    case 'kpis':
      return kpisText(context);
    default:
      return subcommand ? `Unknown command "${escapeMrkdwn(truncate(subcommand, 50))}".\n${COMMAND_USAGE}` : COMMAND_USAGE;
  }
}

async function queueText(context: BotContext): Promise<string> {
  const pending = await context.proposals.approvalQueue();
  if (pending.length === 0) return 'Nothing is waiting for approval.';
  const leads = new Map((await context.dataSource.getRepository(Lead).findBy(pending.map((proposal) => ({ id: proposal.leadId })))).map((lead) => [lead.id, lead]));
  const lines = pending.slice(0, QUEUE_SHOWN).map((proposal) => {
    const lead = leads.get(proposal.leadId);
    return `• *${escapeMrkdwn(truncate(proposal.title, 120))}* for ${escapeMrkdwn(truncate(lead?.company ?? lead?.name ?? '?', 80))}: ${money(proposal.total, proposal.currency)}, revision ${proposal.revision}, waiting since ${slackDate(proposal.updatedAt)}`;
  });
  if (pending.length > QUEUE_SHOWN) lines.push(`…and ${pending.length - QUEUE_SHOWN} more.`);
  return `*${pending.length} waiting for approval* (oldest first)\n${lines.join('\n')}`;
}

async function leadText(context: BotContext, given: string): Promise<string> {
  // Slack sends an address typed in a message as <mailto:a@b.c|a@b.c>.
  const email = given.replace(/^<mailto:([^|>]+)(\|[^>]*)?>$/, '$1').trim().toLowerCase();
  const leads = await context.dataSource.getRepository(Lead).createQueryBuilder('lead').where('lower(lead.email) = :email', { email }).orderBy('lead.created_at', 'DESC').take(3).getMany();
  if (leads.length === 0) return `No lead with the address ${escapeMrkdwn(truncate(email, 254))}.`;
  const parts: string[] = [];
  for (const lead of leads) {
    const proposals = await context.dataSource.getRepository(Proposal).find({ where: { leadId: lead.id }, order: { revision: 'DESC' }, take: 5 });
    const header = `*${escapeMrkdwn(truncate(lead.name, 120))}*${lead.company ? `, ${escapeMrkdwn(truncate(lead.company, 120))}` : ''}: ${leadStatusWord(lead.status)} · fit ${lead.fitScore ?? '—'}/100 · ${lead.priority?.toUpperCase() ?? 'no priority'} · captured ${slackDate(lead.createdAt)}`;
    const lines = proposals.map((proposal) => `   • revision ${proposal.revision}: ${statusWord(proposal.status)}, ${money(proposal.total, proposal.currency)}`);
    parts.push([header, ...(lines.length ? lines : ['   • no proposal yet'])].join('\n'));
  }
  return parts.join('\n');
}

async function kpisText(context: BotContext): Promise<string> {
  const kpis = await context.headlines.today();
  const median = kpis.medianFirstResponseMs === null ? '—' : formatDuration(kpis.medianFirstResponseMs);
  return [
    `*Today* (since ${slackDate(kpis.since)})`,
    `• Leads captured: ${kpis.leadsCaptured}`,
    `• Proposals waiting for approval: ${kpis.proposalsPending}`,
    `• Approved: ${kpis.approved} · rejected: ${kpis.rejected}`,
    `• Median first response: ${median}`,
  ].join('\n');
}

function leadStatusWord(status: LeadStatus): string {
  return status.replace(/_/g, ' ').replace(/^./, (first) => first.toUpperCase());
}

function formatDuration(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}
