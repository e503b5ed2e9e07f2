import type { DataSource, EntityManager } from 'typeorm';
import { LeadSource } from '../entities/enums.js';
import { isUniqueViolation, type LeadService, type SubmitLeadResult } from './lead.service.js';

export interface LeadDeliveryAnswer {
  /** 202 for the delivery that created (or found) the lead, 200 for a repeat of a delivery id. */
  readonly status: 200 | 202;
  readonly body: { readonly leadId: string };
  readonly repeated: boolean;
}

interface DeliveryRow {
  response: { leadId: string };
}

const SOURCE = 'leads';

/**
 * Leads delivered by other systems over `POST /webhooks/leads`. The delivery's record is written
 * in the transaction that creates its lead, so neither exists without the other; the unique
 * (source, delivery_id) index makes two concurrent deliveries of one id a single lead.
 */
export class LeadWebhookService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly leads: LeadService,
  ) {}

  /** `body` is the delivery's JSON object, unchecked: `LeadService.parse` checks it like submitLead's input. */
  async receive(deliveryId: string, body: Readonly<Record<string, unknown>>, actor: string): Promise<LeadDeliveryAnswer> {
    const earlier = await this.findDelivery(this.dataSource.manager, deliveryId);
    if (earlier) return { status: 200, body: earlier.response, repeated: true };
    const submission = this.leads.parse({ ...body, source: LeadSource.WEBHOOK });

    // Two attempts: a unique violation means a concurrent delivery (or idempotency key) won; the
    // second attempt finds its result.
    for (let attempt = 1; ; attempt += 1) {
      let result: SubmitLeadResult;
      try {
        result = await this.dataSource.transaction(async (manager) => {
          const submitted = await this.leads.submitWithin(manager, submission, actor, { activityData: { deliveryId } });
          await manager.query(
            `INSERT INTO inbound_webhook_deliveries (source, delivery_id, lead_id, status_code, response) VALUES ($1, $2, $3, 202, $4)`,
            [SOURCE, deliveryId, submitted.lead.id, JSON.stringify({ leadId: submitted.lead.id })],
          );
          return submitted;
        });
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 2) throw error;
        const winner = await this.findDelivery(this.dataSource.manager, deliveryId);
        if (winner) return { status: 200, body: winner.response, repeated: true };
        continue;
      }
      return { status: 202, body: { leadId: result.lead.id }, repeated: false };
    }
  }

  private async findDelivery(manager: EntityManager, deliveryId: string): Promise<DeliveryRow | undefined> {
    const rows = (await manager.query(`SELECT response FROM inbound_webhook_deliveries WHERE source = $1 AND delivery_id = $2`, [SOURCE, deliveryId])) as DeliveryRow[];
    return rows[0];
  }
}
