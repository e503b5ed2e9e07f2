import type { ZodError } from 'zod';

/** The codes a client can act on; they become GraphQL `extensions.code` and HTTP statuses. */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

export const HTTP_STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  INTERNAL_SERVER_ERROR: 500,
};

/** An expected failure: its message is written for the caller and says what to do. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const notFound = (thing: string, id: string) => new AppError('NOT_FOUND', `No ${thing} with id ${id}.`, { id });

/** One readable message per zod issue, each with the path of the field it is about. */
export function badUserInput(error: ZodError, prefix: readonly (string | number)[] = []): AppError {
  const problems = error.issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part))].join('.'),
    message: issue.message,
  }));
  const message = problems.map((problem) => (problem.path ? `${problem.path}: ${problem.message}` : problem.message)).join('; ');
  return new AppError('BAD_USER_INPUT', message, { problems, field: problems[0]?.path });
}

/** Coerces whatever was thrown into an Error, so `catch (error: unknown)` has something to log. */
export function toError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(typeof thrown === 'string' ? thrown : JSON.stringify(thrown));
}

// PostgreSQL aborts one of two transactions that deadlock (40P01) or cannot be serialised (40001):
// for the caller that is a concurrent change, worth retrying, not a fault of ours.
const CONCURRENCY_SQLSTATES = new Set(['40P01', '40001']);

/** Turns a database concurrency abort into a CONFLICT; anything else is returned unchanged. */
export function fromConcurrencyAbort(error: unknown): unknown {
  const sqlState = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (typeof sqlState === 'string' && CONCURRENCY_SQLSTATES.has(sqlState)) {
    return new AppError('CONFLICT', 'Another change to the same record happened at the same moment. Read it again and retry.', { retryable: true });
  }
  return error;
}
