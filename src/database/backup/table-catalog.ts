import type pg from 'pg';
import { quoteIdentifier } from './backup-format.js';

export interface CatalogTable {
  schema: string;
  name: string;
  /** Stored columns in order; generated ones are left out (PostgreSQL computes them again). */
  columns: string[];
}

/** The job queue's schema; only its queues and unfinished jobs are carried (see job-queue-tables.ts). */
export const JOB_QUEUE_SCHEMA = 'pgboss';

/**
 * Every ordinary table of the public schema, parents before children along the foreign keys,
 * read from pg_catalog so a table a later migration adds is included without code changes.
 */
export async function applicationTables(client: pg.ClientBase): Promise<CatalogTable[]> {
  const tables = await client.query<{ oid: number; name: string }>(
    `SELECT c.oid::int AS oid, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`,
  );
  const edges = await client.query<{ child: number; parent: number }>(
    `SELECT conrelid::int AS child, confrelid::int AS parent FROM pg_constraint
      WHERE contype = 'f' AND conrelid <> confrelid AND connamespace = 'public'::regnamespace`,
  );
  const ordered = orderByDependencies(
    tables.rows.map((table) => table.oid),
    edges.rows,
  );
  const byOid = new Map(tables.rows.map((table) => [table.oid, table.name]));
  const result: CatalogTable[] = [];
  for (const oid of ordered) {
    result.push({ schema: 'public', name: byOid.get(oid)!, columns: await storedColumns(client, oid) });
  }
  return result;
}

export async function storedColumns(client: pg.ClientBase, oid: number): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1 AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
    [oid],
  );
  return rows.map((row) => row.name);
}

/** Kahn's algorithm, alphabetical among equals so the order is stable; a cycle is an error. */
export function orderByDependencies(nodes: number[], edges: { child: number; parent: number }[]): number[] {
  const parents = new Map(nodes.map((node) => [node, new Set<number>()]));
  for (const { child, parent } of edges) if (parents.has(child) && parents.has(parent)) parents.get(child)!.add(parent);
  const ordered: number[] = [];
  const placed = new Set<number>();
  while (ordered.length < nodes.length) {
    const ready = nodes.filter((node) => !placed.has(node) && [...parents.get(node)!].every((parent) => placed.has(parent)));
    if (ready.length === 0) throw new Error('The foreign keys between the application tables form a cycle; a backup cannot order them.');
    for (const node of ready) {
      ordered.push(node);
      placed.add(node);
    }
  }
  return ordered;
}

export function columnList(columns: string[]): string {
  return columns.map(quoteIdentifier).join(', ');
}
