import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { WebhookDelivery } from '../entities/webhook-delivery.entity.js';
import { WebhookEndpoint } from '../entities/webhook-endpoint.entity.js';
import { AppError, notFound } from '../errors.js';
import { isWebhookEvent, WEBHOOK_EVENTS } from '../integrations/webhooks-out/webhook-events.js';
import type { Clock } from '../lib/clock.js';
import { parseArg } from './proposal.service.js';

export interface CreatedWebhookEndpointResult {
  endpoint: WebhookEndpoint;
  /** Shown this once. */
  secret: string;
}

const urlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname.length > 0;
    } catch {
      return false;
    }
  }, 'expected an http:// or https:// URL');

const eventsSchema = z
  .array(z.string().trim())
  .min(1, `name at least one event: ${WEBHOOK_EVENTS.join(', ')}`)
  .superRefine((events, context) => {
    const unknown = events.filter((event) => !isWebhookEvent(event));
    if (unknown.length) context.addIssue({ code: 'custom', message: `unknown event ${unknown.map((event) => `"${event}"`).join(', ')}; allowed: ${WEBHOOK_EVENTS.join(', ')}` });
  });

const idSchema = z.uuid();

/** Outgoing webhook subscriptions and their deliveries, as admins manage them. */
export class WebhookEndpointService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async create(url: string, events: readonly string[], actor: string): Promise<CreatedWebhookEndpointResult> {
    const parsedUrl = parseArg(urlSchema, url, 'url');
    const parsedEvents = [...new Set(parseArg(eventsSchema, events, 'events'))];
    // 32 random bytes: as strong as the HMAC key can use.
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const repository = this.dataSource.getRepository(WebhookEndpoint);
    const saved = await repository.save(repository.create({ url: parsedUrl, events: parsedEvents, secret, createdBy: actor, enabled: true }));
    const endpoint = await repository.findOneByOrFail({ id: saved.id });
    return { endpoint, secret };
  }

  list(): Promise<WebhookEndpoint[]> {
    return this.dataSource.getRepository(WebhookEndpoint).find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Turns an endpoint on again (after it was disabled for failing) or off; its failure streak starts over. */
  async setEnabled(id: string, enabled: boolean): Promise<WebhookEndpoint> {
    const endpoint = await this.mustFindEndpoint(id);
    await this.dataSource.getRepository(WebhookEndpoint).update(
      { id: endpoint.id },
      enabled ? { enabled: true, failingSince: null, disabledAt: null, disabledReason: null } : { enabled: false, disabledAt: this.clock.now(), disabledReason: 'disabled by an admin' },
    );
    return this.mustFindEndpoint(id);
  }

  /** Deletes the endpoint and its delivery history. */
  async delete(id: string): Promise<boolean> {
    const endpoint = await this.mustFindEndpoint(id);
    await this.dataSource.getRepository(WebhookEndpoint).delete({ id: endpoint.id });
    return true;
  }

  deliveries(endpointId: string, first = 50): Promise<WebhookDelivery[]> {
    if (!idSchema.safeParse(endpointId).success) return Promise.resolve([]);
    return this.dataSource.getRepository(WebhookDelivery).find({ where: { endpointId }, order: { createdAt: 'DESC', id: 'DESC' }, take: Math.min(Math.max(first, 1), 200) });
  }

  /**
   * Sends a delivery again: the same delivery (same id, same payload, so receivers dedupe on the
   * Leadpilot-Delivery header), as a new attempt due now with a fresh 24 h retry window. A
   * delivered one is sent once more too (the receiver asked for it).
   */
  async replay(id: string): Promise<WebhookDelivery> {
    if (!idSchema.safeParse(id).success) throw notFound('webhook delivery', id);
    return this.dataSource.transaction(async (manager) => {
      const delivery = await manager.getRepository(WebhookDelivery).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!delivery) throw notFound('webhook delivery', id);
      if (delivery.payload.erased === true) throw new AppError('CONFLICT', `Webhook delivery ${id} was about a lead since erased; it is not sent again.`, { id });
      const endpoint = await manager.getRepository(WebhookEndpoint).findOneByOrFail({ id: delivery.endpointId });
      if (!endpoint.enabled) throw new AppError('CONFLICT', `Webhook endpoint ${endpoint.id} is disabled; enable it first (setWebhookEndpointEnabled), then replay.`, { endpointId: endpoint.id });
      await manager.getRepository(WebhookDelivery).update({ id }, { status: 'pending', nextAttemptAt: null, firstAttemptAt: null, lastError: null });
      return manager.getRepository(WebhookDelivery).findOneByOrFail({ id });
    });
  }

  private async mustFindEndpoint(id: string): Promise<WebhookEndpoint> {
    const endpoint = idSchema.safeParse(id).success ? await this.dataSource.getRepository(WebhookEndpoint).findOneBy({ id }) : null;
    if (!endpoint) throw notFound('webhook endpoint', id);
    return endpoint;
  }
}
