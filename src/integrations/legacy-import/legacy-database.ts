import { readFile } from 'node:fs/promises';
import initSqlJs, { type Database } from 'sql.js';

/** A value as SQLite hands it over. */
export type LegacyValue = string | number | Uint8Array | null;

export interface LegacyRow {
  /** SQLite's rowid: the row's position in the file, for messages. */
  readonly rowNumber: number;
  readonly values: Readonly<Record<string, LegacyValue>>;
}

export class LegacyDatabaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LegacyDatabaseError';
  }
}

/**
 * The old system's SQLite file, read with sql.js (SQLite compiled to WebAssembly: no native
 * build). The whole file is loaded into memory, which suits a database of a few thousand leads.
 */
export class LegacyDatabase {
  private constructor(private readonly database: Database) {}

  static async open(file: string): Promise<LegacyDatabase> {
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      const code = (error as { code?: string }).code;
      throw new LegacyDatabaseError(code === 'ENOENT' ? `No such file: ${file}` : `Cannot read ${file}: ${code ?? String(error)}`);
    }
    const SQL = await initSqlJs();
    const database = new SQL.Database(bytes);
    try {
      database.exec('SELECT count(*) FROM sqlite_master');
    } catch {
      database.close();
      throw new LegacyDatabaseError(`${file} is not a SQLite database.`);
    }
    return new LegacyDatabase(database);
  }

  hasTable(table: string): boolean {
    const statement = this.database.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`, [table]);
    try {
      return statement.step();
    } finally {
      statement.free();
    }
  }

  /** Every row of a table in rowid order; columns a table lacks simply are not in `values`. */
  rows(table: 'leads' | 'lead_activities' | 'solution_designs'): LegacyRow[] {
    const statement = this.database.prepare(`SELECT rowid AS "__rowid", * FROM "${table}" ORDER BY rowid`);
    const rows: LegacyRow[] = [];
    try {
      while (statement.step()) {
        const { __rowid, ...values } = statement.getAsObject() as Record<string, LegacyValue>;
        rows.push({ rowNumber: Number(__rowid), values });
      }
    } finally {
      statement.free();
    }
    return rows;
  }

  close(): void {
    this.database.close();
  }
}
