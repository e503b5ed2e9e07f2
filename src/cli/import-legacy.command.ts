import type { Config } from '../config.js';
import { migrateDatabase } from '../database/migrate.js';
import { openDatabase } from '../database/open-database.js';
import { LegacyDatabase, LegacyDatabaseError } from '../integrations/legacy-import/legacy-database.js';
import { LegacyImportService, type TableSummary } from '../integrations/legacy-import/legacy-import.service.js';
import type { Logger } from '../logger.js';
import { createProgressBar } from './progress-bar.js';
import { EXIT, parseArgsOrUsage, UsageError } from './usage.js';

/**
 * `leadpilot import-legacy <file.sqlite>`: the old system's leads, activities and solution
 * designs. Safe to run again: rows already imported are skipped. Exits 0 when the run went
 * through, rejected rows included (the summary lists each with its reason).
 */
export async function runImportLegacyCommand(config: Config, logger: Logger, args: readonly string[]): Promise<number> {
  const { positionals } = parseArgsOrUsage(args, {});
  if (positionals.length !== 1) throw new UsageError('import-legacy takes one argument: the SQLite file of the old system.');
  const file = positionals[0]!;

  let legacy: LegacyDatabase;
  try {
    legacy = await LegacyDatabase.open(file);
  } catch (error) {
    if (error instanceof LegacyDatabaseError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.NO_INPUT;
    }
    throw error;
  }
  try {
    const database = await openDatabase(config, logger, { mode: 'command', poolSize: 2, applicationName: 'leadpilot:import-legacy' });
    try {
      await migrateDatabase(database.dataSource);
      const progress = createProgressBar(process.stderr);
      const summaries = await new LegacyImportService(database.dataSource).run(legacy, (table, done, total) => progress.update(table, done, total));
      progress.finish();
      process.stdout.write(formatSummary(file, summaries));
      return EXIT.OK;
    } finally {
      await database.close();
    }
  } finally {
    legacy.close();
  }
}

export function formatSummary(file: string, summaries: readonly TableSummary[]): string {
  const lines = [`Imported from ${file}:`];
  for (const summary of summaries) {
    lines.push(
      summary.present
        ? `  ${summary.table.padEnd(17)} imported ${summary.imported}, skipped ${summary.skipped} (imported before), rejected ${summary.rejected.length} — of ${summary.total} rows`
        : `  ${summary.table.padEnd(17)} no such table in the file`,
    );
  }
  const rejected = summaries.flatMap((summary) => summary.rejected.map((row) => ({ table: summary.table, ...row })));
  if (rejected.length) {
    lines.push('', 'Rejected rows:');
    for (const row of rejected) lines.push(`  ${row.table} row ${row.row}${row.legacyId ? ` (id "${row.legacyId}")` : ''}: ${row.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
