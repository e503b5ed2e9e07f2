import { migrations } from '../../../migrations/index.js';
import { PgBoss } from 'pg-boss';
import type { Logger } from '../../logger.js';
import { makeDataSource } from '../data-source.js';
import { migrateDatabase } from '../migrate.js';
import { RestoreRefusedError, type RestorePorts } from './restore-backup.js';

/** What a restore does to a brand-new database before loading: this build's migrations and the job queue's schema. */
export function makeRestorePorts(connectionString: string, logger: Logger): RestorePorts {
  return {
    migrate: (names) => migrateTo(connectionString, names),
    // pg-boss's schema alone: the queues come from the backup with the settings they had there
    // (and `serve` applies its configuration to them when it starts).
    installJobQueue: async () => {
      const boss = new PgBoss({ connectionString, max: 2, application_name: 'leadpilot:restore', supervise: false, schedule: false });
      boss.on('error', (error: unknown) => logger.error({ err: error, component: 'job-queue' }, 'job queue error during restore'));
      await boss.start();
      await boss.stop({ graceful: false, close: true });
    },
  };
}

/**
 * Applies exactly the backup's migrations, which must be the first ones this build knows: a
 * newer build's pending migrations then run at the next `migrate` or `serve`, over the restored data.
 */
async function migrateTo(connectionString: string, names: string[]): Promise<void> {
  const known = migrations.map((migration) => migration.name);
  if (names.some((name, index) => known[index] !== name)) {
    throw new RestoreRefusedError(
      `The backup's schema version (${names.length} migrations, last ${names[names.length - 1] ?? 'none'}) is not one this Leadpilot knows: restore it with the version that made it.`,
    );
  }
  const dataSource = makeDataSource({ url: connectionString, poolSize: 2, applicationName: 'leadpilot:restore', migrations: migrations.slice(0, names.length) });
  await dataSource.initialize();
  try {
    await migrateDatabase(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
