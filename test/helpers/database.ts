import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_SERVER_URL_VARIABLE = 'LEADPILOT_TEST_SERVER_URL';
export const TEST_TEMPLATE_VARIABLE = 'LEADPILOT_TEST_TEMPLATE';

export interface TestDatabase {
  /** Connection string of a fresh, migrated database of its own. */
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** The server the test run uses, for specs that need a database of their own making. */
export function testServerUrl(): string {
  const url = process.env[TEST_SERVER_URL_VARIABLE];
  if (!url) throw new Error('Specs that need a database run through `npm test` (test/run.ts), which provides one.');
  return url;
}

/**
 * A fresh database cloned from the run's migrated template: a spec file gets its own, so files
 * can run in parallel. Drop it in `after()`.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const template = process.env[TEST_TEMPLATE_VARIABLE];
  if (!template) throw new Error('Specs that need a database run through `npm test` (test/run.ts), which provides one.');
  const name = `leadpilot_test_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return {
    url: databaseUrl(serverUrl, name),
    name,
    drop: () => dropDatabase(serverUrl, name),
  };
}

/** An empty database (no migrations), for specs of migration itself. */
export async function createEmptyDatabase(): Promise<TestDatabase> {
  const serverUrl = testServerUrl();
  const name = `leadpilot_empty_${randomBytes(6).toString('hex')}`;
  await withAdminClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  return {
    url: databaseUrl(serverUrl, name),
    name,
    drop: () => dropDatabase(serverUrl, name),
  };
}

export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * pg's `pool.end()` resolves before its connections have closed. Forced at once, the drop would
 * terminate a session whose client is still saying goodbye, and that client's error event would
 * come after the spec ended. So the sessions get up to a second to go; what is left is forced.
 */
async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withAdminClient(serverUrl, async (client) => {
    for (let tries = 0; tries < 20; tries++) {
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1`, [name]);
      if (rows[0]!.n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}

async function withAdminClient<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
