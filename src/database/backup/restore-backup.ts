import type pg from 'pg';
import { qualifiedName, quotedTable, type BackupHeader, type MigrationRow, type TableRecord } from './backup-format.js';
import { CREATE_QUEUES_SQL, JOB_QUEUE_JOB_TABLE, JOB_QUEUE_QUEUE_TABLE, jobQueueSchemaVersion } from './job-queue-tables.js';
import { readBackup, verifyBackup } from './read-backup.js';
import { applicationTables, columnList, JOB_QUEUE_SCHEMA } from './table-catalog.js';

/** Rows per INSERT; a batch travels as one JSON array parameter. */
const BATCH_ROWS = 500;
const BATCH_CHARACTERS = 4_000_000;
const MIGRATIONS_TABLE = 'public.migrations';

/** The target database is not one a backup may be restored into; nothing was written. */
export class RestoreRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusedError';
  }
}

/** Loading the rows failed (the transaction was rolled back); the message carries no row values. */
export class RestoreFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreFailedError';
  }
}

export interface RestorePorts {
  /** Brings a brand-new database to exactly these migrations. */
  migrate(migrationNames: string[]): Promise<void>;
  /** Installs the job queue's schema (pg-boss creates it itself). */
  installJobQueue(): Promise<void>;
}

export interface RestoreSummary {
  rows: Record<string, number>;
  migratedFirst: boolean;
  createdAt: string;
}

/**
 * Restores a backup into an empty database at the backup's schema version, all or nothing: the
 * file is verified in full first, then every row is loaded in one transaction (parents before
 * children, as the file lists them), checked again against the trailer, and committed only then.
 * A brand-new database (no tables at all) is first migrated to the backup's version.
 */
export async function restoreBackup(client: pg.ClientBase, file: string, ports: RestorePorts): Promise<RestoreSummary> {
  const { header } = await verifyBackup(file);
  const migratedFirst = await isBrandNew(client);
  if (migratedFirst) await ports.migrate(header.migrations.map((migration) => migration.name));
  if (header.jobQueueSchemaVersion !== null && (await jobQueueSchemaVersion(client)) === null) await ports.installJobQueue();

  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL TIME ZONE 'UTC'`);
    await checkTarget(client, header);
    // The rows are copied as they were: triggers that derive rows (KPI facts, status changes,
    // webhook deliveries) must not fire again, their rows are in the backup. Foreign keys still hold.
    await setUserTriggers(client, false);
    const rows: Record<string, number> = {};
    let table: TableRecord | undefined;
    let batch: string[] = [];
    let batchCharacters = 0;
    const flush = async () => {
      if (!table || batch.length === 0) return;
      await loadRows(client, table, `[${batch.join(',')}]`);
      batch = [];
      batchCharacters = 0;
    };
    for await (const line of readBackup(file)) {
      if (line.kind === 'table') {
        table = line.table;
        rows[qualifiedName(table)] = 0;
      } else if (line.kind === 'row') {
        rows[qualifiedName(table!)]! += 1;
        // The target was migrated to the same list (checked above); its rows are already there.
        if (qualifiedName(table!) === MIGRATIONS_TABLE) continue;
        batch.push(line.json);
        batchCharacters += line.json.length;
        if (batch.length >= BATCH_ROWS || batchCharacters >= BATCH_CHARACTERS) await flush();
      } else if (line.kind === 'end') {
        await flush();
        table = undefined;
      } else if (line.kind === 'trailer') {
        // Reached only when checksum and counts agree: safe to commit.
        await resetSequences(client);
        await setUserTriggers(client, true);
        await client.query('COMMIT');
        return { rows, migratedFirst, createdAt: header.createdAt };
      }
    }
    throw new Error('The backup ended without a trailer.');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** `DISABLE TRIGGER USER` leaves the foreign-key triggers on; inside the transaction, so a rollback undoes it too. */
async function setUserTriggers(client: pg.ClientBase, enabled: boolean): Promise<void> {
  for (const table of await applicationTables(client)) {
    await client.query(`ALTER TABLE ${quotedTable(table)} ${enabled ? 'ENABLE' : 'DISABLE'} TRIGGER USER`);
  }
}

async function isBrandNew(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ count: number }>(
    `SELECT count(*)::int AS count FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`,
  );
  return rows[0]!.count === 0;
}

/** Inside the restore's transaction, with every table locked against writers. */
async function checkTarget(client: pg.ClientBase, header: BackupHeader): Promise<void> {
  const tables = await applicationTables(client);
  const names = tables.map((table) => quotedTable(table));
  const hasJobQueue = (await jobQueueSchemaVersion(client)) !== null;
  if (hasJobQueue) names.push(quotedTable(JOB_QUEUE_JOB_TABLE));
  await client.query(`LOCK TABLE ${names.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);

  const present = await client.query<{ present: boolean }>(`SELECT to_regclass('public.migrations') IS NOT NULL AS present`);
  if (!present.rows[0]!.present) {
    throw new RestoreRefusedError('The target database has tables but no migrations table: it is not an empty Leadpilot database. Restore into a new, empty database.');
  }
  const applied = (await client.query<MigrationRow>('SELECT timestamp::text AS timestamp, name FROM migrations ORDER BY id')).rows;
  if (!sameMigrations(applied, header.migrations)) {
    throw new RestoreRefusedError(
      `The target database is at another schema version (${describeVersion(applied)}) than the backup (${describeVersion(header.migrations)}). ` +
        'Restore into a brand-new database (it is migrated to the backup\'s version first), or one migrated to exactly the backup\'s version.',
    );
  }
  const withData: string[] = [];
  for (const table of tables) {
    if (qualifiedName(table) === MIGRATIONS_TABLE) continue;
    const { rows } = await client.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${quotedTable(table)}) AS any`);
    if (rows[0]!.any) withData.push(table.name);
  }
  if (hasJobQueue) {
    const { rows } = await client.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${quotedTable(JOB_QUEUE_JOB_TABLE)}) AS any`);
    if (rows[0]!.any) withData.push(`${JOB_QUEUE_SCHEMA}.job`);
  }
  if (withData.length) {
    throw new RestoreRefusedError(`The target database is not empty: ${withData.join(', ')} hold data. A restore only goes into an empty database; nothing was written.`);
  }
  const version = await jobQueueSchemaVersion(client);
  if (header.jobQueueSchemaVersion !== null && version !== header.jobQueueSchemaVersion) {
    throw new RestoreRefusedError(`The job queue's schema is at version ${String(version)} in the target and ${header.jobQueueSchemaVersion} in the backup.`);
  }
}

/**
 * PostgreSQL's details of a failed row name its values (personal data, key hashes): the error
 * keeps the table, the code and the message, never the detail.
 */
async function loadRows(client: pg.ClientBase, table: TableRecord, jsonArray: string): Promise<void> {
  try {
    await insertRows(client, table, jsonArray);
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    throw new RestoreFailedError(`Loading ${qualifiedName(table)} failed (${code ?? 'error'}: ${message ?? String(error)}); nothing was restored.`);
  }
}

async function insertRows(client: pg.ClientBase, table: TableRecord, jsonArray: string): Promise<void> {
  const name = quotedTable(table);
  if (qualifiedName(table) === qualifiedName(JOB_QUEUE_QUEUE_TABLE)) {
    await client.query(CREATE_QUEUES_SQL, [jsonArray]);
    return;
  }
  const columns = columnList(table.columns);
  // PostgreSQL reads every value from its own JSON rendering: no JavaScript number or Date between.
  await client.query(
    `INSERT INTO ${name} (${columns}) OVERRIDING SYSTEM VALUE SELECT ${columns} FROM json_populate_recordset(NULL::${name}, $1::json)`,
    [jsonArray],
  );
}

/** Serial and identity columns continue after the highest restored value. */
async function resetSequences(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ table_name: string; column_name: string; sequence: string }>(
    `SELECT c.oid::regclass::text AS table_name, a.attname AS column_name, pg_get_serial_sequence(c.oid::regclass::text, a.attname) AS sequence
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND pg_get_serial_sequence(c.oid::regclass::text, a.attname) IS NOT NULL`,
  );
  for (const row of rows) {
    const column = `"${row.column_name.replaceAll('"', '""')}"`;
    await client.query(
      `SELECT setval($1::regclass, COALESCE((SELECT max(${column}) FROM ${row.table_name}), 1), (SELECT max(${column}) FROM ${row.table_name}) IS NOT NULL)`,
      [row.sequence],
    );
  }
}

function sameMigrations(left: MigrationRow[], right: MigrationRow[]): boolean {
  return left.length === right.length && left.every((migration, index) => migration.name === right[index]!.name && migration.timestamp === right[index]!.timestamp);
}

function describeVersion(migrations: MigrationRow[]): string {
  return migrations.length ? `${migrations.length} migrations, last ${migrations[migrations.length - 1]!.name}` : 'no migrations';
}
