import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type pg from 'pg';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, qualifiedName, quotedTable, type BackupHeader, type MigrationRow } from './backup-format.js';
import { JOB_QUEUE_JOB_TABLE, JOB_QUEUE_QUEUE_TABLE, jobQueueSchemaVersion, QUEUE_COLUMNS, UNFINISHED_JOBS_FILTER } from './job-queue-tables.js';
import { applicationTables, columnList, storedColumns } from './table-catalog.js';

/** Rows fetched per round trip from the snapshot's cursor: memory stays flat whatever the table size. */
const FETCH_SIZE = 1_000;

interface Source {
  schema: string;
  name: string;
  columns: string[];
  filter?: string;
}

export interface BackupSummary {
  file: string;
  rows: Record<string, number>;
  migrations: number;
  bytes: number;
}

/**
 * Writes a backup of every application table (and the job queue's unfinished work) to `file`.
 * Everything is read inside one REPEATABLE READ, READ ONLY transaction on one connection, so the
 * file is one consistent snapshot even while the system runs. The file appears under its name
 * only once complete: it is written beside it under a temporary name and renamed.
 */
export async function writeBackup(client: pg.ClientBase, file: string, clock: () => Date = () => new Date()): Promise<BackupSummary> {
  const target = path.resolve(file);
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.partial`);
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY');
  try {
    // Rendered timestamps carry this offset; UTC keeps files comparable across machines.
    await client.query(`SET LOCAL TIME ZONE 'UTC'`);
    const migrations = await readMigrations(client);
    const sources: Source[] = (await applicationTables(client)).map((table) => ({ ...table }));
    const jobQueueVersion = await jobQueueSchemaVersion(client);
    if (jobQueueVersion !== null) {
      sources.push({ ...JOB_QUEUE_QUEUE_TABLE, columns: QUEUE_COLUMNS });
      const jobColumns = await storedColumns(client, await tableOid(client, `${JOB_QUEUE_JOB_TABLE.schema}.${JOB_QUEUE_JOB_TABLE.name}`));
      sources.push({ ...JOB_QUEUE_JOB_TABLE, columns: jobColumns, filter: UNFINISHED_JOBS_FILTER });
    }
    const header: BackupHeader = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      createdAt: clock().toISOString(),
      migrations,
      jobQueueSchemaVersion: jobQueueVersion,
    };
    const rows: Record<string, number> = {};
    const hash = createHash('sha256');
    const lines = async function* () {
      const emit = (line: string) => {
        const text = `${line}\n`;
        hash.update(text);
        return text;
      };
      yield emit(JSON.stringify({ header }));
      for (const source of sources) {
        yield emit(JSON.stringify({ table: { schema: source.schema, name: source.name, columns: source.columns } }));
        let count = 0;
        for await (const batch of readRows(client, source)) {
          // row_to_json's text is already JSON: it is embedded as is, never parsed.
          yield batch.map((json) => emit(`{"row":${json}}`)).join('');
          count += batch.length;
        }
        rows[qualifiedName(source)] = count;
        yield emit(JSON.stringify({ end: { rows: count } }));
      }
      yield `${JSON.stringify({ trailer: { rows, sha256: hash.digest('hex') } })}\n`;
    };
    const output = createWriteStream(temporary, { mode: 0o600, flags: 'wx' });
    try {
      await pipeline(Readable.from(lines()), createGzip(), output);
      await client.query('COMMIT');
      // On disk before it takes the final name: a crash must not leave an empty file there.
      const handle = await open(temporary, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return { file: target, rows, migrations: migrations.length, bytes: output.bytesWritten };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function readMigrations(client: pg.ClientBase): Promise<MigrationRow[]> {
  const { rows } = await client.query<{ present: boolean }>(`SELECT to_regclass('public.migrations') IS NOT NULL AS present`);
  if (!rows[0]?.present) throw new Error('This database has no migrations table: it is not a Leadpilot database, or was never migrated.');
  const applied = await client.query<MigrationRow>('SELECT timestamp::text AS timestamp, name FROM migrations ORDER BY id');
  return applied.rows;
}

async function tableOid(client: pg.ClientBase, name: string): Promise<number> {
  const { rows } = await client.query<{ oid: number }>('SELECT $1::regclass::oid::int AS oid', [name]);
  return rows[0]!.oid;
}

/** The rows as JSON text, through a cursor inside the snapshot, a batch at a time. */
async function* readRows(client: pg.ClientBase, source: Source): AsyncGenerator<string[]> {
  const cursor = `backup_${source.schema}_${source.name}`.replace(/[^a-z0-9_]/gi, '_');
  await client.query(
    `DECLARE ${cursor} NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS json FROM
      (SELECT ${columnList(source.columns)} FROM ${quotedTable(source)}${source.filter ? ` WHERE ${source.filter}` : ''}) t`,
  );
  try {
    for (;;) {
      const { rows } = await client.query<{ json: string }>(`FETCH ${FETCH_SIZE} FROM ${cursor}`);
      if (rows.length === 0) return;
      yield rows.map((row) => row.json);
    }
  } finally {
    await client.query(`CLOSE ${cursor}`).catch(() => undefined);
  }
}
