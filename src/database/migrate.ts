import type { DataSource } from 'typeorm';

// Any constant will do, as long as every Leadpilot process agrees on it.
const MIGRATION_LOCK_ID = 0x1ead_9170;

/**
 * Runs pending migrations while holding a session-level advisory lock, so two processes
 * starting at once take turns instead of both creating the same tables.
 * Returns the names of the migrations this call applied.
 */
export async function migrateDatabase(dataSource: DataSource): Promise<string[]> {
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await lockHolder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]).catch(() => undefined);
    await lockHolder.release();
  }
}

/** The migrations this build knows that the database has not applied; read-only. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const known = dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name);
  const [{ exists }] = (await dataSource.query(`SELECT to_regclass('migrations') IS NOT NULL AS exists`)) as [{ exists: boolean }];
  if (!exists) return known;
  const applied = new Set(((await dataSource.query('SELECT name FROM migrations')) as { name: string }[]).map((row) => row.name));
  return known.filter((name) => !applied.has(name));
}
