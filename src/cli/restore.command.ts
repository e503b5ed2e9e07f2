import { existsSync } from 'node:fs';
import pg from 'pg';
import type { Config } from '../config.js';
import { RestoreFailedError, RestoreRefusedError, restoreBackup } from '../database/backup/restore-backup.js';
import { makeRestorePorts } from '../database/backup/restore-ports.js';
import { openDatabase } from '../database/open-database.js';
import type { Logger } from '../logger.js';
import { EXIT, parseArgsOrUsage, UsageError } from './usage.js';

export async function runRestoreCommand(config: Config, logger: Logger, args: readonly string[]): Promise<number> {
  const { positionals } = parseArgsOrUsage(args, {});
  if (positionals.length !== 1) throw new UsageError('restore takes one argument: the backup file to read.');
  const file = positionals[0]!;
  if (!existsSync(file)) {
    process.stderr.write(`No backup file ${file}.\n`);
    return EXIT.NO_INPUT;
  }
  const database = await openDatabase(config, logger, { mode: 'command', poolSize: 1, applicationName: 'leadpilot:restore' });
  const client = new pg.Client({ connectionString: database.connectionString, application_name: 'leadpilot:restore' });
  try {
    await client.connect();
    process.stderr.write(`Restoring ${file} into ${database.description} …\n`);
    const summary = await restoreBackup(client, file, makeRestorePorts(database.connectionString, logger));
    const total = Object.values(summary.rows).reduce((sum, count) => sum + count, 0);
    process.stdout.write(
      `${summary.migratedFirst ? 'Migrated the new database to the backup\'s schema version, then restored' : 'Restored'} ` +
        `${total} rows in ${Object.keys(summary.rows).length} tables from the backup of ${summary.createdAt}.\n`,
    );
    return EXIT.OK;
  } catch (error) {
    if (error instanceof RestoreRefusedError) {
      process.stderr.write(`Restore refused: ${error.message}\n`);
      return EXIT.FAILURE;
    }
    if (error instanceof RestoreFailedError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.FAILURE;
    }
    throw error;
  } finally {
    await client.end().catch(() => undefined);
    await database.close();
  }
}
