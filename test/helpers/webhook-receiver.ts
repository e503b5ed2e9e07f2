import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/integrations/webhook-signature.js';

export interface ReceivedWebhook {
  deliveryId: string | undefined;
  event: string | undefined;
  body: Record<string, any>;
  /** Whether the Leadpilot-Signature matched the raw body under the receiver's secret. */
  signatureValid: boolean;
  signatureProblem?: string;
  answeredStatus: number;
}

/**
 * A receiver of outgoing webhooks, as a customer would write one: it checks the signature over the
 * raw bytes with the endpoint's secret, answers 200 to deliveries it has already seen (by
 * Leadpilot-Delivery) and counts each delivery it accepted once.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  readonly accepted = new Map<string, Record<string, any>>();
  secret = '';
  /** Statuses to answer with, in order; when empty, 200. */
  readonly plannedStatuses: number[] = [];
  /** While set, every request is answered with it. */
  failWith: number | undefined;
  private server: Server | undefined;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks);
        const check = verifySignature(this.secret, request.headers['leadpilot-signature'] as string | undefined, raw, new Date());
        const deliveryId = request.headers['leadpilot-delivery'] as string | undefined;
        let status = this.failWith ?? this.plannedStatuses.shift() ?? 200;
        if (!check.valid) status = 401;
        const body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, any>;
        if (status === 200 && deliveryId && !this.accepted.has(deliveryId)) this.accepted.set(deliveryId, body);
        this.received.push({
          deliveryId,
          event: request.headers['leadpilot-event'] as string | undefined,
          body,
          signatureValid: check.valid,
          ...(check.valid ? {} : { signatureProblem: check.reason }),
          answeredStatus: status,
        });
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: status === 200, seen: this.received.length }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
