import type { Config } from '../config.js';
import { migrateDatabase, pendingMigrations } from '../database/migrate.js';
import { openDatabase } from '../database/open-database.js';
import type { Logger } from '../logger.js';
import { EXIT } from './usage.js';

export async function runMigrateCommand(config: Config, logger: Logger): Promise<number> {
  const database = await openDatabase(config, logger, { mode: 'command', poolSize: 2, applicationName: 'leadpilot:migrate' });
  try {
    const applied = await migrateDatabase(database.dataSource);
    const pending = await pendingMigrations(database.dataSource);
    process.stdout.write(
      applied.length ? `Applied ${applied.length} migration(s):\n${applied.map((name) => `  ${name}\n`).join('')}` : 'The database is up to date.\n',
    );
    return pending.length === 0 ? EXIT.OK : EXIT.FAILURE;
  } finally {
    await database.close();
  }
}
