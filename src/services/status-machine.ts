import type { EntityManager } from 'typeorm';
import { returnedRows } from '../database/query-rows.js';
import { AppError } from '../errors.js';

/** For exhaustive switches: the compiler refuses a call here while a case is missing. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}

/** The statuses a transition to `to` may start from, read off a transition table. */
export function sourcesOf<S extends string>(table: Readonly<Record<S, readonly S[]>>, to: S): S[] {
  return (Object.keys(table) as S[]).filter((from) => table[from].includes(to));
}

export interface TransitionRequest<S extends string> {
  table: 'leads' | 'proposals';
  /** Shown in messages: "Proposal", "Lead". */
  thing: string;
  id: string;
  /** The version the caller read; another change in between makes this one lose. */
  version: number;
  from: readonly S[];
  to: S;
  /** The GraphQL name of the action, for the message: "approved". */
  action: string;
}

/**
 * The one place a status changes: a conditional UPDATE on id, version and the allowed source
 * statuses. Whoever commits first wins; the other UPDATE re-checks its WHERE against the new row
 * (READ COMMITTED), matches nothing, and answers CONFLICT with the status that won.
 */
export async function transition<S extends string>(manager: EntityManager, request: TransitionRequest<S>): Promise<void> {
  const result: unknown = await manager.query(
    `UPDATE ${request.table} SET status = $1, version = version + 1, updated_at = now()
      WHERE id = $2 AND version = $3 AND status = ANY($4::text[]) RETURNING id`,
    [request.to, request.id, request.version, [...request.from]],
  );
  if (returnedRows(result).length === 1) return;
  const [current] = (await manager.query(`SELECT status FROM ${request.table} WHERE id = $1`, [request.id])) as { status: string }[];
  throw conflict(request.thing, request.id, current?.status ?? 'unknown', request.action);
}

export function conflict(thing: string, id: string, currentStatus: string, action: string): AppError {
  const shown = currentStatus.toUpperCase();
  return new AppError('CONFLICT', `${thing} ${id} is ${shown}; it cannot be ${action} from there (it may just have changed: reload and retry).`, {
    id,
    currentStatus: shown,
  });
}
