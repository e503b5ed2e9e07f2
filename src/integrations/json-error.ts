import type { Request, Response } from 'express';

/** The JSON error body every non-GraphQL route answers with (the shape server.ts's fallbacks use). */
export function sendJsonError(request: Request, response: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  response.status(status).json({ error: { code, message, ...extra, requestId: request.requestId } });
}
