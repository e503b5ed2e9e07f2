import { z } from 'zod';

/**
 * A backup is gzip of JSON lines, one record per line:
 *   {"header":{…}}                          format, when, schema version (applied migrations)
 *   {"table":{"schema","name","columns"}}   then that table's rows, one per line:
 *   {"row":{…}}                             the row as PostgreSQL's row_to_json wrote it
 *   {"end":{"rows":N}}                      closes the table
 *   {"trailer":{"rows":{…},"sha256":"…"}}   counts per table and the sha256 of every line above
 * Values are carried as PostgreSQL renders them in JSON (numbers as written, timestamps with
 * microseconds and offset, jsonb as JSON), and read back by PostgreSQL itself, so nothing passes
 * through a JavaScript number or Date.
 */
export const BACKUP_FORMAT = 'leadpilot-backup';
export const BACKUP_FORMAT_VERSION = 1;

export const migrationRowSchema = z.object({ timestamp: z.string(), name: z.string() });
export type MigrationRow = z.infer<typeof migrationRowSchema>;

export const headerSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.number().int(),
  createdAt: z.string(),
  /** The schema version: every applied migration, oldest first. */
  migrations: z.array(migrationRowSchema),
  /** pg-boss's own schema version, when the job queue was installed. */
  jobQueueSchemaVersion: z.number().int().nullable(),
});
export type BackupHeader = z.infer<typeof headerSchema>;

export const tableRecordSchema = z.object({
  schema: z.string(),
  name: z.string(),
  columns: z.array(z.string()),
});
export type TableRecord = z.infer<typeof tableRecordSchema>;

export const trailerSchema = z.object({
  /** Rows per table, keyed "schema.name". */
  rows: z.record(z.string(), z.number().int().nonnegative()),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type BackupTrailer = z.infer<typeof trailerSchema>;

export type BackupLine =
  | { kind: 'header'; header: BackupHeader }
  | { kind: 'table'; table: TableRecord }
  | { kind: 'row'; json: string }
  | { kind: 'end'; rows: number }
  | { kind: 'trailer'; trailer: BackupTrailer };

/** The problem a backup file has: corrupt, truncated, foreign, or from an unknown format version. */
export class BackupFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupFileError';
  }
}

export function qualifiedName(table: { schema: string; name: string }): string {
  return `${table.schema}.${table.name}`;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export function quotedTable(table: { schema: string; name: string }): string {
  return `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
}
