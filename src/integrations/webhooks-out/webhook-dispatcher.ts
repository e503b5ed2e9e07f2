import type { DataSource } from 'typeorm';
import { returnedRows } from '../../database/query-rows.js';
import { WebhookDelivery } from '../../entities/webhook-delivery.entity.js';
import { WebhookEndpoint } from '../../entities/webhook-endpoint.entity.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../logger.js';
import type { EnqueueOptions } from '../../pipeline/job-queue.js';
import type { AdminNotifier } from '../admin-notifier.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signatureHeader } from '../webhook-signature.js';

export const WEBHOOK_QUEUE = 'webhook-delivery';
export interface WebhookDeliveryPayload {
  deliveryId: string;
}

export interface WebhookQueue {
  enqueue(name: typeof WEBHOOK_QUEUE, payload: WebhookDeliveryPayload, options?: EnqueueOptions): Promise<string | null>;
}

export interface WebhookRetryPolicy {
  /** Per attempt: connect, send, and the receiver's answer. */
  timeoutMs: number;
  firstDelayMs: number;
  maxDelayMs: number;
  /** A delivery is retried for this long after its first attempt; an endpoint failing this long is disabled. */
  giveUpAfterMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = { timeoutMs: 10_000, firstDelayMs: 30_000, maxDelayMs: 60 * 60_000, giveUpAfterMs: 24 * 60 * 60_000 };

export interface WebhookDispatcherOptions {
  dataSource: DataSource;
  queue: WebhookQueue;
  clock: Clock;
  logger: Logger;
  notifier: AdminNotifier;
  retry?: Partial<WebhookRetryPolicy>;
  /** Where jitter comes from (a spec passes a fixed one). */
  random?: () => number;
}

export type AttemptOutcome = 'delivered' | 'retry' | 'failed' | 'skipped';

/**
 * Sends outgoing webhooks. The deliveries are written by the database (see the integrations
 * migration); this sweeps the due ones into the job queue, one job per attempt, and each job makes
 * one signed POST. Retries (exponential backoff with jitter) live on the delivery row, so they
 * survive restarts and are visible over GraphQL.
 */
export class WebhookDispatcher {
  private readonly retry: WebhookRetryPolicy;
  private readonly random: () => number;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.retry = { ...DEFAULT_WEBHOOK_RETRY, ...options.retry };
    this.random = options.random ?? Math.random;
  }

  /**
   * Enqueues a job for every due delivery that has none for its next attempt. The row is marked
   * in the transaction that enqueues, so two sweeps (two workers) never enqueue one attempt twice.
   */
  async sweep(limit = 100): Promise<number> {
    const now = this.options.clock.now();
    return this.options.dataSource.transaction(async (manager) => {
      const due = (await manager.query(
        `SELECT id FROM webhook_deliveries
          WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
            AND enqueued_attempt IS DISTINCT FROM attempts
          ORDER BY next_attempt_at NULLS FIRST, created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [now, limit],
      )) as { id: string }[];
      for (const { id } of due) {
        await manager.query(`UPDATE webhook_deliveries SET enqueued_attempt = attempts, updated_at = now() WHERE id = $1`, [id]);
        await this.options.queue.enqueue(WEBHOOK_QUEUE, { deliveryId: id }, { manager });
      }
      return due.length;
    });
  }

  /** One attempt of one delivery: the job's work. A stale job (its attempt already made) does nothing. */
  async attempt(deliveryId: string): Promise<AttemptOutcome> {
    const { dataSource, clock } = this.options;
    const startedAt = clock.now();
    // The claim leases the row: until the lease runs out the sweep leaves it alone, and if this
    // worker dies meanwhile the next sweep after it makes the attempt again.
    const lease = new Date(startedAt.getTime() + this.retry.timeoutMs * 3);
    const claimed = returnedRows<{ id: string }>(
      await dataSource.query(
        `UPDATE webhook_deliveries d SET attempts = attempts + 1, first_attempt_at = coalesce(first_attempt_at, $2),
                next_attempt_at = $3, updated_at = now()
          FROM webhook_endpoints e
          WHERE d.id = $1 AND e.id = d.endpoint_id AND e.enabled AND d.status = 'pending' AND d.enqueued_attempt = d.attempts
          RETURNING d.id`,
        [deliveryId, startedAt, lease],
      ),
    );
    if (claimed.length === 0) return 'skipped';
    const delivery = await dataSource.getRepository(WebhookDelivery).findOneByOrFail({ id: deliveryId });
    const endpoint = await dataSource.getRepository(WebhookEndpoint).createQueryBuilder('endpoint').addSelect('endpoint.secret').where('endpoint.id = :id', { id: delivery.endpointId }).getOneOrFail();

    const result = await this.post(endpoint, delivery);
    const finishedAt = clock.now();
    if (result.ok) {
      await dataSource.transaction(async (manager) => {
        await manager.update(WebhookDelivery, { id: deliveryId }, { status: 'delivered', deliveredAt: finishedAt, lastStatusCode: result.statusCode, lastError: null, nextAttemptAt: null });
        await manager.update(WebhookEndpoint, { id: endpoint.id }, { failingSince: null });
      });
      this.options.logger.info({ deliveryId, endpointId: endpoint.id, event: delivery.event, attempts: delivery.attempts }, 'webhook delivered');
      return 'delivered';
    }

    const firstAttemptAt = delivery.firstAttemptAt ?? startedAt;
    const givingUp = finishedAt.getTime() - firstAttemptAt.getTime() >= this.retry.giveUpAfterMs;
    const nextAttemptAt = givingUp ? null : new Date(finishedAt.getTime() + this.backoffMs(delivery.attempts));
    const disabled = await dataSource.transaction(async (manager) => {
      await manager.update(WebhookDelivery, { id: deliveryId }, { status: givingUp ? 'failed' : 'pending', lastStatusCode: result.statusCode, lastError: result.error, nextAttemptAt });
      // The streak starts with the first failure after a success; 24 h of nothing but failures disables the endpoint.
      const rows = returnedRows<{ failing_since: Date }>(
        await manager.query(`UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, $2), updated_at = now() WHERE id = $1 RETURNING failing_since`, [endpoint.id, startedAt]),
      );
      const failingSince = rows[0]?.failing_since ?? startedAt;
      if (finishedAt.getTime() - new Date(failingSince).getTime() < this.retry.giveUpAfterMs) return false;
      const reason = `every delivery failed for 24 hours (since ${new Date(failingSince).toISOString()}); last: ${result.error}`;
      const moved = returnedRows(
        await manager.query(`UPDATE webhook_endpoints SET enabled = false, disabled_at = $2, disabled_reason = $3, updated_at = now() WHERE id = $1 AND enabled RETURNING id`, [endpoint.id, finishedAt, reason]),
      );
      // Nothing more goes out to it: its waiting deliveries fail now and can be replayed once it is enabled again.
      await manager.query(`UPDATE webhook_deliveries SET status = 'failed', next_attempt_at = NULL, last_error = coalesce(last_error, 'endpoint disabled'), updated_at = now() WHERE endpoint_id = $1 AND status = 'pending'`, [endpoint.id]);
      return moved.length === 1;
    });
    this.options.logger.warn({ deliveryId, endpointId: endpoint.id, event: delivery.event, attempts: delivery.attempts, statusCode: result.statusCode, error: result.error, nextAttemptAt }, 'webhook attempt failed');
    if (disabled) {
      await this.options.notifier.notify(
        `:warning: Webhook endpoint ${endpoint.url} (id ${endpoint.id}) has been disabled: every delivery to it failed for 24 hours (last error: ${result.error}). ` +
          `Fix the receiver, enable it again with setWebhookEndpointEnabled, and replay the failed deliveries with replayWebhookDelivery.`,
      );
    }
    return givingUp || disabled ? 'failed' : 'retry';
  }

  /** Exponential from firstDelayMs, capped, with full jitter over the upper half (no thundering herd after an outage). */
  backoffMs(attempts: number): number {
    const exponential = Math.min(this.retry.maxDelayMs, this.retry.firstDelayMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(exponential / 2 + (exponential / 2) * this.random());
  }

  private async post(endpoint: WebhookEndpoint, delivery: WebhookDelivery): Promise<{ ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string }> {
    const body = JSON.stringify({ id: delivery.id, ...delivery.payload });
    try {
      const response = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Leadpilot-Webhooks/1',
          [DELIVERY_HEADER]: delivery.id,
          'leadpilot-event': delivery.event,
          // Signed when sent (not when written), with the wall clock rather than the scheduling
          // clock: receivers compare it with theirs and refuse signatures older than 5 minutes.
          [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, body, new Date()),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.retry.timeoutMs),
      });
      const text = await response.text().catch(() => '');
      if (response.status >= 200 && response.status < 300) return { ok: true, statusCode: response.status };
      return { ok: false, statusCode: response.status, error: `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}` };
    } catch (error) {
      const name = (error as Error).name;
      const message = name === 'TimeoutError' ? `no answer within ${this.retry.timeoutMs} ms` : describeFetchError(error);
      return { ok: false, statusCode: null, error: message };
    }
  }
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return error instanceof Error ? error.message : String(error);
}
