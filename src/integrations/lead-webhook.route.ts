import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { isAllowed, type Principal } from '../auth/principal.js';
import type { Config } from '../config.js';
import { Role } from '../entities/enums.js';
import { AppError } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import type { Services } from '../services/index.js';
import { sendJsonError } from './json-error.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, verifySignature } from './webhook-signature.js';

const deliveryIdSchema = z.uuid();

export interface LeadWebhookDependencies {
  readonly config: Config;
  readonly services: Services;
  readonly clock: Clock;
}

/**
 * `POST /webhooks/leads`: a lead as JSON (the fields of `submitLead`). Signed with
 * LEAD_WEBHOOK_SECRET when it is set; otherwise an `integration` (or admin) API key is required.
 * The signature is checked over the raw bytes, before anything parses them.
 */
export function leadWebhookRouter({ config, services, clock }: LeadWebhookDependencies): Router {
  const router = express.Router();
  router.post('/webhooks/leads', express.raw({ type: () => true, limit: config.bodyLimits.webhook }), async (request: Request, response: Response) => {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);

    let actor: string;
    if (config.leadWebhookSecret) {
      const check = verifySignature(config.leadWebhookSecret, request.header(SIGNATURE_HEADER), rawBody, clock.now());
      if (!check.valid) return sendJsonError(request, response, 401, 'UNAUTHENTICATED', check.reason);
      actor = 'webhook:leads';
    } else {
      const principal = await authenticateKey(request, response, services);
      if (!principal) return;
      actor = `api-key:${principal.name}`;
    }

    if (!request.is('application/json')) {
      return sendJsonError(request, response, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the lead as JSON with Content-Type: application/json.');
    }
    const deliveryId = request.header(DELIVERY_HEADER);
    if (!deliveryId || !deliveryIdSchema.safeParse(deliveryId).success) {
      return sendJsonError(request, response, 400, 'BAD_REQUEST', 'The Leadpilot-Delivery header must be a UUID, the same for every retry of one delivery.');
    }
    let payload: unknown;
    try {
      payload = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return sendJsonError(request, response, 400, 'BAD_REQUEST', 'The body is not valid JSON.');
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
      return sendJsonError(request, response, 422, 'BAD_USER_INPUT', 'The body must be one JSON object with the fields of a lead (name, email, message, …).');
    }
    if ('source' in payload) {
      return sendJsonError(request, response, 422, 'BAD_USER_INPUT', 'source: not accepted here; leads from this webhook are always WEBHOOK.', { field: 'source' });
    }

    try {
      const answer = await services.leadWebhooks.receive(deliveryId, payload as Record<string, unknown>, actor);
      if (answer.repeated) request.log.info({ deliveryId }, 'repeated lead webhook delivery answered with its first result');
      response.status(answer.status).json(answer.body);
    } catch (error) {
      if (error instanceof AppError && error.code === 'BAD_USER_INPUT') {
        // The service names fields as GraphQL input paths; here the body is the input.
        const problems = ((error.details.problems as { path: string; message: string }[] | undefined) ?? []).map((problem) => ({
          field: problem.path.replace(/^input\.?/, ''),
          message: problem.message,
        }));
        const message = problems.map((problem) => (problem.field ? `${problem.field}: ${problem.message}` : problem.message)).join('; ');
        return sendJsonError(request, response, 422, 'BAD_USER_INPUT', message || error.message, { problems });
      }
      if (error instanceof AppError && error.code === 'CONFLICT') return sendJsonError(request, response, 409, 'CONFLICT', error.message);
      throw error;
    }
  });
  return router;
}

async function authenticateKey(request: Request, response: Response, services: Services): Promise<Principal | undefined> {
  const header = request.header('authorization');
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) {
    sendJsonError(request, response, 401, 'UNAUTHENTICATED', 'An API key with the integration role is required: Authorization: Bearer <key>.');
    return undefined;
  }
  let principal: Principal;
  try {
    principal = await services.apiKeys.authenticate(match[1]!);
  } catch (error) {
    if (error instanceof AppError) {
      sendJsonError(request, response, 401, 'UNAUTHENTICATED', error.message);
      return undefined;
    }
    throw error;
  }
  if (!isAllowed(principal.role, [Role.INTEGRATION])) {
    sendJsonError(request, response, 403, 'FORBIDDEN', `The ${principal.role} role may not submit leads; use a key with the integration role.`);
    return undefined;
  }
  return principal;
}
