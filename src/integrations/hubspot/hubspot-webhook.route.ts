import express, { type Request, type Response, type Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from '../../config.js';
import type { Clock } from '../../lib/clock.js';
import type { Logger } from '../../logger.js';
import type { Services } from '../../services/index.js';
import { sendJsonError } from '../json-error.js';
import { HubSpotInboundService, hubSpotBatchSchema } from './hubspot-inbound.service.js';
import { HUBSPOT_SIGNATURE_HEADER, HUBSPOT_TIMESTAMP_HEADER, verifyHubSpotSignature } from './hubspot-signature.js';
import type { HubSpotPort } from './hubspot.client.js';

export interface HubSpotWebhookDependencies {
  config: Config;
  dataSource: DataSource;
  services: Services;
  clock: Clock;
  logger: Logger;
  /** Reads conversation messages; null without HUBSPOT_TOKEN. */
  hubspot: HubSpotPort | null;
}

/**
 * `POST /webhooks/hubspot`: HubSpot's webhook batches, checked with its v3 signature
 * (HUBSPOT_CLIENT_SECRET) over the raw bytes before anything parses them. Without the secret the
 * route answers 404: nothing unsigned is ever believed.
 */
export function hubSpotWebhookRouter(dependencies: HubSpotWebhookDependencies): Router {
  const { config, clock } = dependencies;
  const router = express.Router();
  const inbound = new HubSpotInboundService(dependencies.dataSource, dependencies.services, dependencies.hubspot, dependencies.logger.child({ component: 'hubspot-webhook' }));
  router.post('/webhooks/hubspot', express.raw({ type: () => true, limit: config.bodyLimits.webhook }), async (request: Request, response: Response) => {
    const secret = config.hubspot.clientSecret;
    if (!secret) return sendJsonError(request, response, 404, 'NOT_FOUND', 'HubSpot webhooks are not configured (HUBSPOT_CLIENT_SECRET).');
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const check = verifyHubSpotSignature(
      secret,
      {
        method: request.method,
        // The address HubSpot was given (PUBLIC_URL) and the one this request reached.
        uris: [`${config.http.publicUrl}${request.originalUrl}`, `${request.protocol}://${request.get('host') ?? ''}${request.originalUrl}`],
        rawBody,
        signature: request.header(HUBSPOT_SIGNATURE_HEADER),
        timestamp: request.header(HUBSPOT_TIMESTAMP_HEADER),
      },
      clock.now(),
    );
    if (!check.valid) return sendJsonError(request, response, 401, 'UNAUTHENTICATED', check.reason);
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return sendJsonError(request, response, 400, 'BAD_REQUEST', 'The body is not valid JSON.');
    }
    const events = hubSpotBatchSchema.safeParse(parsed);
    if (!events.success) return sendJsonError(request, response, 422, 'BAD_USER_INPUT', 'Expected a JSON array of HubSpot webhook events (eventId, subscriptionType, objectId).');
    const results = await inbound.handle(events.data);
    response.status(200).json({ results });
  });
  return router;
}
