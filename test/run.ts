/**
 * `npm test`: one database server for the whole run, a migrated template database, and node's
 * test runner over the compiled specs. Each spec file clones the template (`createTestDatabase`),
 * which is much faster than migrating per file.
 *
 * TEST_DATABASE_URL set: that server is used (it must allow CREATE DATABASE). Unset: an embedded
 * PostgreSQL in a temporary folder, stopped when the run ends.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig } from '../src/config.js';
import { makeDataSource } from '../src/database/data-source.js';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../src/database/embedded-postgres.js';
import { migrateDatabase } from '../src/database/migrate.js';
import { createLogger } from '../src/logger.js';
import { startPipelineQueue } from '../src/pipeline/start-pipeline.js';
import { TEST_SERVER_URL_VARIABLE, TEST_TEMPLATE_VARIABLE } from './helpers/database.js';

const here = path.dirname(fileURLToPath(import.meta.url));

async function findSpecs(filters: string[]): Promise<string[]> {
  const entries = await readdir(here, { recursive: true });
  return entries
    .filter((entry) => entry.endsWith('.test.js'))
    .map((entry) => path.join(here, entry))
    .filter((file) => filters.length === 0 || filters.some((filter) => file.includes(filter)))
    .sort();
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const config = loadConfig();
  const logger = createLogger({ level: 'warn', name: 'test-run' });
  const specs = await findSpecs(filters);
  if (specs.length === 0) {
    console.error(`No spec matches ${filters.join(' ')}`);
    return 1;
  }

  let embedded: EmbeddedDatabase | undefined;
  let scratch: string | undefined;
  let serverUrl = config.testDatabaseUrl;
  if (!serverUrl) {
    scratch = await mkdtemp(path.join(tmpdir(), 'leadpilot-test-'));
    embedded = await startEmbeddedDatabase(scratch, logger);
    serverUrl = embedded.url;
  }
  const template = `leadpilot_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
    const templateUrl = new URL(serverUrl);
    templateUrl.pathname = `/${template}`;
    const dataSource = makeDataSource({ url: templateUrl.toString(), poolSize: 2 });
    await dataSource.initialize();
    await migrateDatabase(dataSource);
    await dataSource.destroy();
    // The job queue's schema and queues too, so each spec's clone starts with them.
    const queue = await startPipelineQueue(templateUrl.toString(), config, logger);
    await queue.stop(1_000);

    console.log(`Testing against ${embedded ? 'the embedded PostgreSQL' : 'TEST_DATABASE_URL'} (${specs.length} spec files)`);
    return await new Promise<number>((resolve) => {
      const child = spawn(
        process.execPath,
        ['--test', '--test-concurrency=2', '--test-reporter=spec', ...specs],
        {
          stdio: 'inherit',
          env: { ...process.env, [TEST_SERVER_URL_VARIABLE]: serverUrl, [TEST_TEMPLATE_VARIABLE]: template, NODE_ENV: 'test' },
        },
      );
      const forward = (signal: NodeJS.Signals) => child.kill(signal);
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${template}`).catch(() => undefined);
    await admin.end();
    await embedded?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
