import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Config } from '../config.js';
import { returnedRows } from '../database/query-rows.js';
import { OutboundChannel, OutboundStatus, type Language } from '../entities/enums.js';
import type { EnqueueOptions } from '../pipeline/job-queue.js';
import type { RenderedEmail } from './templates/layout.js';

/** The e-mails Leadpilot writes. Only `approver_notice` goes to the agency; the rest go to the lead. */
export type EmailKind = 'first_reply' | 'proposal' | 'follow_up' | 'approver_notice';

/** Automated mail to a lead: an unsubscribe stops it. (A person's own reply is never in the outbox.) */
export const AUTOMATED_KINDS: readonly EmailKind[] = ['first_reply', 'follow_up'];

export const DELIVERY_QUEUE = 'outbox-deliver';
export interface DeliveryPayload {
  /** The outbound_messages row (ids only in the queue: erasure does not reach the queue tables). */
  messageId: string;
}

/** A follow-up's offset has passed: a delayed job, enqueued when the proposal is sent. */
export const FOLLOW_UP_QUEUE = 'follow-up-due';
export interface FollowUpPayload {
  proposalId: string;
}

/** Where delivery and follow-up jobs go; the pipeline's queue (one queue per process, see start-pipeline.ts). */
export interface DeliveryQueue {
  enqueue(name: typeof DELIVERY_QUEUE, payload: DeliveryPayload, options?: EnqueueOptions): Promise<string | null>;
  enqueue(name: typeof FOLLOW_UP_QUEUE, payload: FollowUpPayload, options?: EnqueueOptions): Promise<string | null>;
}

/** What e-mail needs from the configuration. */
export interface MailSettings {
  publicUrl: string;
  from: string | undefined;
  /** SMTP_URL is set: messages are delivered; otherwise they stay in the outbox (readable with outboundMessages). */
  transport: boolean;
  approverEmails: readonly string[];
  followUpOffsetsMs: readonly number[];
  followUpsAuto: boolean;
}

export function mailSettings(config: Config): MailSettings {
  return {
    publicUrl: config.http.publicUrl,
    from: config.mail.from,
    transport: Boolean(config.mail.smtpUrl),
    approverEmails: config.mail.approverEmails,
    followUpOffsetsMs: config.followUps.offsetsMs,
    followUpsAuto: config.followUps.auto,
  };
}

export interface NewEmail {
  kind: EmailKind;
  leadId: string | null;
  proposalId: string | null;
  recipient: string;
  language: Language;
  /** One message per key, whatever the retries of whoever writes it. */
  idempotencyKey: string;
  availableAt: Date;
  /** PENDING (sent as soon as a worker gets to it) or AWAITING_APPROVAL (a follow-up waiting for a person). */
  status?: OutboundStatus.PENDING | OutboundStatus.AWAITING_APPROVAL;
  /** Mail to a lead carries an unsubscribe link and List-Unsubscribe headers. */
  unsubscribable: boolean;
  render(unsubscribeUrl: string | null): RenderedEmail;
  /** Kept with the text in the payload (the first reply's replyKind, a follow-up's number, …). */
  details?: Record<string, unknown>;
}

/** The unsubscribe token's stored form: the token itself is only ever in the message. */
export function hashUnsubscribeToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** `<uuid@domain of MAIL_FROM>`: generated once when the message is written, reused by every attempt. */
export function newMessageId(from: string | undefined): string {
  const domain = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from ?? '')?.[1] ?? 'leadpilot.invalid';
  return `<${randomUUID()}@${domain}>`;
}

/**
 * Writes an e-mail into the outbox inside the caller's transaction, and in the same transaction
 * enqueues its delivery (the fast path: a worker picks it up within milliseconds of the commit).
 * The periodic sweep is the robust path for anything the fast path missed. Returns the row id, or
 * null when a message with the same idempotency key exists already.
 */
export async function writeEmail(manager: EntityManager, settings: MailSettings, queue: DeliveryQueue | null, email: NewEmail): Promise<string | null> {
  const token = email.unsubscribable ? randomBytes(24).toString('base64url') : null;
  const unsubscribeUrl = token ? `${settings.publicUrl}/unsubscribe/${token}` : null;
  const rendered = email.render(unsubscribeUrl);
  const status = email.status ?? OutboundStatus.PENDING;
  const payload = { ...email.details, language: email.language, text: rendered.text, html: rendered.html, ...(unsubscribeUrl ? { unsubscribeUrl } : {}) };
  const result = (await manager.query(
    `INSERT INTO outbound_messages (lead_id, proposal_id, kind, channel, recipient, subject, payload, status, idempotency_key, message_id, available_at, unsubscribe_token_hash)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    [email.leadId, email.proposalId, email.kind, OutboundChannel.EMAIL, email.recipient, rendered.subject, JSON.stringify(payload), status, email.idempotencyKey, newMessageId(settings.from), email.availableAt, token ? hashUnsubscribeToken(token) : null],
  )) as unknown;
  const id = returnedRows<{ id: string }>(result)[0]?.id ?? null;
  if (id && status === OutboundStatus.PENDING) await enqueueDelivery(manager, settings, queue, id);
  return id;
}

/** Enqueues delivery in the caller's transaction; without SMTP there is nothing to deliver with. */
export async function enqueueDelivery(manager: EntityManager, settings: MailSettings, queue: DeliveryQueue | null, id: string): Promise<void> {
  if (!settings.transport || !queue) return;
  await queue.enqueue(DELIVERY_QUEUE, { messageId: id }, { manager, onceKey: `deliver:${id}` });
}
