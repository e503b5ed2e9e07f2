import { createHmac, timingSafeEqual } from 'node:crypto';

export const HUBSPOT_SIGNATURE_HEADER = 'x-hubspot-signature-v3';
export const HUBSPOT_TIMESTAMP_HEADER = 'x-hubspot-request-timestamp';
/** HubSpot's own rule: refuse a request whose timestamp is older than 5 minutes. */
export const HUBSPOT_SIGNATURE_MAX_AGE_MS = 5 * 60_000;

/**
 * HubSpot decodes these percent-encodings in the URI before signing
 * (developers.hubspot.com, "Validate requests": v3).
 */
const DECODED: Readonly<Record<string, string>> = { '%3A': ':', '%2F': '/', '%3F': '?', '%40': '@', '%21': '!', '%24': '$', '%27': "'", '%28': '(', '%29': ')', '%2A': '*', '%2C': ',', '%3B': ';' };

export function hubSpotSignature(clientSecret: string, method: string, uri: string, rawBody: Buffer | string, timestamp: string): string {
  const decodedUri = uri.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (match) => DECODED[match.toUpperCase()] ?? match);
  return createHmac('sha256', clientSecret).update(`${method.toUpperCase()}${decodedUri}`).update(rawBody).update(timestamp).digest('base64');
}

export type HubSpotSignatureCheck = { readonly valid: true } | { readonly valid: false; readonly reason: string };

/**
 * `uris`: the addresses HubSpot may have called (the public URL, and the one the request arrived
 * at); the signature must match one. Compared in constant time.
 */
export function verifyHubSpotSignature(
  clientSecret: string,
  request: { method: string; uris: readonly string[]; rawBody: Buffer; signature: string | undefined; timestamp: string | undefined },
  now: Date,
): HubSpotSignatureCheck {
  if (!request.signature || !request.timestamp) return { valid: false, reason: 'The X-HubSpot-Signature-v3 and X-HubSpot-Request-Timestamp headers are required.' };
  if (!/^\d{10,16}$/.test(request.timestamp)) return { valid: false, reason: 'X-HubSpot-Request-Timestamp must be milliseconds since the epoch.' };
  const age = now.getTime() - Number(request.timestamp);
  if (age > HUBSPOT_SIGNATURE_MAX_AGE_MS || age < -HUBSPOT_SIGNATURE_MAX_AGE_MS) return { valid: false, reason: 'The request timestamp is more than 5 minutes away from our clock.' };
  const given = Buffer.from(request.signature, 'base64');
  const matches = request.uris.some((uri) => {
    const expected = Buffer.from(hubSpotSignature(clientSecret, request.method, uri, request.rawBody, request.timestamp!), 'base64');
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  return matches ? { valid: true } : { valid: false, reason: 'The signature does not match the request.' };
}
