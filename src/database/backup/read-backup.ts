import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BackupFileError,
  headerSchema,
  qualifiedName,
  tableRecordSchema,
  trailerSchema,
  type BackupHeader,
  type BackupLine,
  type BackupTrailer,
  type TableRecord,
} from './backup-format.js';

const ROW_PREFIX = '{"row":';

/**
 * Reads a backup line by line, checking its structure as it goes. The last thing yielded is the
 * trailer, and only once the sha256 of every line and every table's count agree with it: a
 * consumer that stops short of the trailer (or sees an error) must treat what it read as unverified.
 */
export async function* readBackup(file: string): AsyncGenerator<BackupLine> {
  const hash = createHash('sha256');
  const gunzip = createGunzip();
  const input = createReadStream(file);
  const lines = createInterface({ input: input.pipe(gunzip), crlfDelay: Infinity });
  // zlib's complaints (a changed byte, a cut-off file) and unreadable files end the reading; they
  // are kept here, as they may come after the lines were read, or after the reading stopped.
  let streamError: Error | undefined;
  const fail = (error: Error) => {
    streamError ??= error;
    lines.close();
  };
  input.on('error', fail);
  gunzip.on('error', fail);
  let header: BackupHeader | undefined;
  let table: TableRecord | undefined;
  let tableRows = 0;
  const counted: Record<string, number> = {};
  let trailer: BackupTrailer | undefined;
  let number = 0;
  try {
    for await (const line of lines) {
      number += 1;
      if (trailer) throw new BackupFileError(`Line ${number} follows the trailer: the file was altered.`);
      if (line.startsWith(ROW_PREFIX) && line.endsWith('}')) {
        // A row's JSON goes to PostgreSQL as written: parsing it here would turn numerics into
        // doubles. The checksum vouches for it; PostgreSQL rejects it if it is not JSON.
        hash.update(`${line}\n`);
        if (!header || !table) throw new BackupFileError(`Line ${number}: a row outside any table.`);
        tableRows += 1;
        yield { kind: 'row', json: line.slice(ROW_PREFIX.length, -1) };
        continue;
      }
      const record = parseLine(line, number);
      if ('trailer' in record) {
        trailer = parseWith(trailerSchema, record.trailer, number, 'trailer');
        continue;
      }
      hash.update(`${line}\n`);
      if (!header) {
        if (!('header' in record)) throw new BackupFileError('The file does not start with a Leadpilot backup header.');
        const candidate = record.header as { format?: unknown; formatVersion?: unknown } | undefined;
        if (candidate?.format !== BACKUP_FORMAT) throw new BackupFileError('The file is not a Leadpilot backup.');
        if (candidate.formatVersion !== BACKUP_FORMAT_VERSION) {
          throw new BackupFileError(`The backup has format version ${String(candidate.formatVersion)}; this Leadpilot reads version ${BACKUP_FORMAT_VERSION}.`);
        }
        header = parseWith(headerSchema, record.header, number, 'header');
        yield { kind: 'header', header };
      } else if ('table' in record) {
        if (table) throw new BackupFileError(`Line ${number}: table ${qualifiedName(table)} is not closed.`);
        table = parseWith(tableRecordSchema, record.table, number, 'table record');
        tableRows = 0;
        yield { kind: 'table', table };
      } else if ('end' in record) {
        if (!table) throw new BackupFileError(`Line ${number}: a table end without a table.`);
        const rows = (record.end as { rows?: unknown } | undefined)?.rows;
        if (rows !== tableRows) throw new BackupFileError(`Table ${qualifiedName(table)} says ${String(rows)} rows but holds ${tableRows}.`);
        counted[qualifiedName(table)] = tableRows;
        table = undefined;
        yield { kind: 'end', rows: tableRows };
      } else {
        throw new BackupFileError(`Line ${number} is not a backup record.`);
      }
    }
  } catch (error) {
    if (error instanceof BackupFileError) throw error;
    // zlib's complaints (a changed byte, a cut-off file) and unreadable files.
    throw new BackupFileError(`The backup cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    lines.close();
    input.destroy();
  }
  if (streamError) throw new BackupFileError(`The backup cannot be read: ${streamError.message}`);
  if (!header) throw new BackupFileError('The file is empty.');
  if (!trailer || table) throw new BackupFileError('The backup is truncated: it has no trailer.');
  if (hash.digest('hex') !== trailer.sha256) throw new BackupFileError('The backup is corrupt: its checksum does not match its content.');
  const expected = Object.entries(trailer.rows).sort();
  const actual = Object.entries(counted).sort();
  if (JSON.stringify(expected) !== JSON.stringify(actual)) throw new BackupFileError('The backup is corrupt: its row counts do not match its trailer.');
  yield { kind: 'trailer', trailer };
}

/** Reads the whole file, checking checksum and counts; returns the header and the trailer. */
export async function verifyBackup(file: string): Promise<{ header: BackupHeader; trailer: BackupTrailer }> {
  let header: BackupHeader | undefined;
  let trailer: BackupTrailer | undefined;
  for await (const line of readBackup(file)) {
    if (line.kind === 'header') header = line.header;
    if (line.kind === 'trailer') trailer = line.trailer;
  }
  return { header: header!, trailer: trailer! };
}

function parseLine(line: string, number: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new BackupFileError(`The backup is corrupt: line ${number} is not JSON.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BackupFileError(`Line ${number} is not a backup record.`);
  return value as Record<string, unknown>;
}

function parseWith<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, value: unknown, number: number, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BackupFileError(`Line ${number}: a malformed ${what}.`);
  return parsed.data;
}
