import type { RequestHandler } from 'express';
import { sendJsonError } from './json-error.js';

/**
 * 413 with our JSON error from Content-Length alone, for routes whose body a library reads itself
 * (Bolt's /slack/events). Bolt enforces the same limit on what it reads, so a chunked body without
 * a length is still refused, with Bolt's empty 413.
 */
export function refuseLargerThan(limitBytes: number): RequestHandler {
  return (request, response, next) => {
    const length = Number(request.header('content-length'));
    if (Number.isFinite(length) && length > limitBytes) {
      return sendJsonError(request, response, 413, 'PAYLOAD_TOO_LARGE', `The request body is larger than the ${Math.round(limitBytes / 1024)} kB allowed.`);
    }
    next();
  };
}
