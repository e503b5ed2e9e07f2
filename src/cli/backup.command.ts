import { existsSync } from 'node:fs';
import pg from 'pg';
import type { Config } from '../config.js';
import { writeBackup } from '../database/backup/write-backup.js';
import { openDatabase } from '../database/open-database.js';
import type { Logger } from '../logger.js';
import { EXIT, parseArgsOrUsage, UsageError } from './usage.js';

export async function runBackupCommand(config: Config, logger: Logger, args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgsOrUsage(args, { force: { type: 'boolean', default: false } });
  if (positionals.length !== 1) throw new UsageError('backup takes one argument: the file to write.');
  const file = positionals[0]!;
  if (existsSync(file) && !values.force) {
    process.stderr.write(`${file} exists; pass --force to replace it.\n`);
    return EXIT.FAILURE;
  }
  const database = await openDatabase(config, logger, { mode: 'command', poolSize: 1, applicationName: 'leadpilot:backup' });
  // One connection of our own: the whole backup reads through one snapshot on it.
  const client = new pg.Client({ connectionString: database.connectionString, application_name: 'leadpilot:backup' });
  try {
    await client.connect();
    process.stderr.write(`Backing up ${database.description} …\n`);
    let summary;
    try {
      summary = await writeBackup(client, file);
    } catch (error) {
      const { code, path: where } = error as NodeJS.ErrnoException;
      if (!code || !where) throw error;
      process.stderr.write(`Cannot write the backup beside ${file} (${code}): choose a folder that exists and is writable. Nothing was written.\n`);
      return EXIT.FAILURE;
    }
    const total = Object.values(summary.rows).reduce((sum, count) => sum + count, 0);
    const tables = Object.entries(summary.rows).map(([name, count]) => `  ${name}: ${count}\n`).join('');
    process.stdout.write(
      `Backed up ${total} rows from ${Object.keys(summary.rows).length} tables (schema version: ${summary.migrations} migrations) ` +
        `to ${summary.file} (${summary.bytes} bytes):\n${tables}` +
        'The file holds customer data and API key hashes: keep it where only operators can read it.\n',
    );
    return EXIT.OK;
  } finally {
    await client.end().catch(() => undefined);
    await database.close();
  }
}
