/**
 * The rows a raw `manager.query` returned. TypeORM answers a SELECT (or INSERT … RETURNING) on
 * PostgreSQL with the rows, but an UPDATE or DELETE … RETURNING with `[rows, rowCount]`.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return Array.isArray(result) ? (result as T[]) : [];
}
