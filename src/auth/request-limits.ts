import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import type { Config } from '../config.js';
import type { RateLimiter, RateLimitVerdict } from '../services/rate-limiter.js';
import type { Principal } from './principal.js';

/** The two kinds of counter: one per API key (limit by its role), one per client IP without a valid key. */
const KEY_BUCKET = 'api-key';
const ADDRESS_BUCKET = 'client-ip';

/** Which counter a caller is charged to, and with which limit (config.rateLimits). */
export class RequestLimits {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly settings: Config['rateLimits'],
  ) {}

  forKey(principal: Principal): Promise<RateLimitVerdict> {
    return this.limiter.hit(KEY_BUCKET, principal.keyId, this.settings.byRole[principal.role]);
  }

  forAddress(address: string): Promise<RateLimitVerdict> {
    return this.limiter.hit(ADDRESS_BUCKET, address, this.settings.anonymous);
  }
}

export const rateLimitedMessage = (verdict: RateLimitVerdict) =>
  `Too many requests: try again in ${verdict.retryAfterSeconds} second${verdict.retryAfterSeconds === 1 ? '' : 's'}.`;

/** 429 with Retry-After and the JSON error body every non-GraphQL route answers with. */
export function sendRateLimited(request: Request, response: Response, verdict: RateLimitVerdict): void {
  response.setHeader('Retry-After', String(verdict.retryAfterSeconds));
  response.status(429).json({ error: { code: 'RATE_LIMITED', message: rateLimitedMessage(verdict), retryAfter: verdict.retryAfterSeconds, requestId: request.requestId } });
}

/** For public routes (webhooks, Slack, the form, unsubscribe): counts every request per client IP. */
export function limitByAddress(limits: RequestLimits): RequestHandler {
  return async (request, response, next) => {
    try {
      const verdict = await limits.forAddress(request.ip ?? request.socket.remoteAddress ?? 'unknown');
      if (!verdict.allowed) return sendRateLimited(request, response, verdict);
      next();
    } catch (error) {
      next(error);
    }
  };
}

/**
 * The client of an upgrade request, as express's `trust proxy` with a hop count would name it:
 * behind N trusted proxies, the N-th address from the right of X-Forwarded-For.
 */
export function clientAddressOf(request: IncomingMessage, trustedProxies: number): string {
  const socketAddress = request.socket.remoteAddress ?? 'unknown';
  if (trustedProxies === 0) return socketAddress;
  const header = request.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((part) => part.trim()).filter(Boolean);
  const chain = [socketAddress, ...forwarded.reverse()];
  return chain[Math.min(trustedProxies, chain.length - 1)]!;
}
