import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { returnedRows } from '../../database/query-rows.js';
import { ProposalOutcome, ProposalStatus } from '../../entities/enums.js';
import { AppError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { outcomeForDealStage } from './deal-stage.js';
import type { HubSpotPort } from './hubspot.client.js';

/** One event of HubSpot's webhook batch (a JSON array), the fields we use. */
export const hubSpotEventSchema = z.looseObject({
  eventId: z.union([z.number(), z.string()]).transform(String),
  subscriptionType: z.string(),
  objectId: z.union([z.number(), z.string()]).transform(String),
  propertyName: z.string().optional(),
  propertyValue: z.string().optional(),
  messageId: z.string().optional(),
  messageType: z.string().optional(),
  changeFlag: z.string().optional(),
});
export const hubSpotBatchSchema = z.array(hubSpotEventSchema).max(1000);
export type HubSpotEvent = z.output<typeof hubSpotEventSchema>;

export type EventResult = { eventId: string; result: string };

const ACTOR = 'hubspot';

/**
 * What HubSpot tells us: a deal moved to closedwon/closedlost becomes the outcome of the lead's
 * sent proposal; a new incoming message in a conversation (subscription `conversation.newMessage`)
 * from a lead's address becomes the lead's reply. Everything else is acknowledged and ignored, so
 * HubSpot does not retry it.
 */
export class HubSpotInboundService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly services: Services,
    private readonly hubspot: HubSpotPort | null,
    private readonly logger: Logger,
  ) {}

  async handle(events: readonly HubSpotEvent[]): Promise<EventResult[]> {
    const results: EventResult[] = [];
    for (const event of events) results.push({ eventId: event.eventId, result: await this.handleOne(event) });
    return results;
  }

  private async handleOne(event: HubSpotEvent): Promise<string> {
    if (event.subscriptionType === 'deal.propertyChange' && event.propertyName === 'dealstage') return this.dealStageChanged(event);
    if (event.subscriptionType === 'conversation.newMessage' && event.messageId) return this.newMessage(event);
    return 'ignored: not a subscription we act on';
  }

  private async dealStageChanged(event: HubSpotEvent): Promise<string> {
    const outcome = outcomeForDealStage(event.propertyValue ?? '');
    if (!outcome) return 'ignored: not a closing stage';
    const [proposal] = (await this.dataSource.query(
      `SELECT p.id FROM crm_links l JOIN proposals p ON p.lead_id = l.lead_id WHERE l.deal_id = $1 AND p.status = $2 ORDER BY p.revision DESC LIMIT 1`,
      [event.objectId, ProposalStatus.SENT],
    )) as { id: string }[];
    // Our own sync moves the deal after an outcome recorded here: that echo finds nothing SENT.
    if (!proposal) return 'ignored: no sent proposal for this deal';
    try {
      await this.services.proposals.recordOutcome(proposal.id, outcome === 'ACCEPTED' ? ProposalOutcome.ACCEPTED : ProposalOutcome.DECLINED, ACTOR);
      return `proposal ${proposal.id} ${outcome.toLowerCase()}`;
    } catch (error) {
      if (error instanceof AppError && error.code === 'CONFLICT') return 'ignored: the outcome was already recorded';
      throw error;
    }
  }

  private async newMessage(event: HubSpotEvent): Promise<string> {
    if (!this.hubspot) return 'ignored: HUBSPOT_TOKEN is not set, so the message cannot be read';
    const message = await this.hubspot.getThreadMessage(event.objectId, event.messageId!);
    if (!message || message.direction !== 'INCOMING' || !message.text.trim()) return 'ignored: not an incoming message with text';
    const [lead] = (await this.dataSource.query(
      `SELECT id FROM leads WHERE lower(email) = ANY($1::text[]) AND erased_at IS NULL ORDER BY created_at DESC LIMIT 1`,
      [message.senderEmails.map((email) => email.toLowerCase())],
    )) as { id: string }[];
    if (!lead) return 'ignored: the sender is not a lead';
    // HubSpot retries a delivery it did not see answered: the message is recorded once.
    const claimed = returnedRows(
      await this.dataSource.query(
        `INSERT INTO inbound_webhook_deliveries (source, delivery_id, lead_id, status_code, response) VALUES ('hubspot', $1, $2, 200, '{}'::jsonb)
         ON CONFLICT (source, delivery_id) DO NOTHING RETURNING id`,
        [`message:${event.messageId}`, lead.id],
      ),
    );
    if (claimed.length === 0) return 'ignored: already recorded';
    try {
      await this.services.outbox.recordLeadReply(lead.id, message.text.slice(0, 10_000), ACTOR);
    } catch (error) {
      await this.dataSource.query(`DELETE FROM inbound_webhook_deliveries WHERE source = 'hubspot' AND delivery_id = $1`, [`message:${event.messageId}`]);
      throw error;
    }
    this.logger.info({ leadId: lead.id, eventId: event.eventId }, 'reply logged in HubSpot recorded');
    return `reply recorded for lead ${lead.id}`;
  }
}
