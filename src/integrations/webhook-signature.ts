import { createHmac, timingSafeEqual } from 'node:crypto';

/** DESIGN.md's signed webhooks, both directions: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export const SIGNATURE_HEADER = 'leadpilot-signature';
export const DELIVERY_HEADER = 'leadpilot-delivery';

/** A signature older (or further in the future) than this is refused: a captured request cannot be replayed later. */
export const SIGNATURE_TOLERANCE_MS = 5 * 60_000;

const HEX_SHA256 = /^[0-9a-f]{64}$/;

export function signatureOf(secret: string, timestampSeconds: number, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.`).update(rawBody).digest('hex');
}

/** The header value for a body signed at `at`. */
export function signatureHeader(secret: string, rawBody: Buffer | string, at: Date): string {
  const timestamp = Math.floor(at.getTime() / 1000);
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, rawBody)}`;
}

export type SignatureCheck = { readonly valid: true } | { readonly valid: false; readonly reason: string };

/**
 * Checks a signature header against the raw body as received. Several `v1` values may be given
 * (a sender rotating its secret); one matching is enough. Compared in constant time.
 */
export function verifySignature(secret: string, header: string | undefined, rawBody: Buffer, now: Date): SignatureCheck {
  if (!header) return { valid: false, reason: 'The Leadpilot-Signature header is missing.' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const separator = part.indexOf('=');
    if (separator < 0) continue;
    const key = part.slice(0, separator).trim();
    const value = part.slice(separator + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1') signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) {
    return { valid: false, reason: 'The Leadpilot-Signature header is malformed: expected t=<unix seconds>,v1=<hex HMAC-SHA256>.' };
  }
  if (Math.abs(now.getTime() - timestamp * 1000) > SIGNATURE_TOLERANCE_MS) {
    return { valid: false, reason: 'The signature timestamp is more than 5 minutes away from our clock: sign each delivery when sending it.' };
  }
  const expected = Buffer.from(signatureOf(secret, timestamp, rawBody), 'hex');
  const matches = signatures.some((given) => HEX_SHA256.test(given) && timingSafeEqual(Buffer.from(given, 'hex'), expected));
  return matches ? { valid: true } : { valid: false, reason: 'The signature does not match the body: sign the exact bytes sent, with the shared secret.' };
}
