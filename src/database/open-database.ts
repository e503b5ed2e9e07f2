import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import { redactUrl, type Logger } from '../logger.js';
import { makeDataSource } from './data-source.js';
import { attachOrStartEmbeddedDatabase, startEmbeddedDatabase, type EmbeddedDatabase } from './embedded-postgres.js';

export interface OpenDatabase {
  readonly dataSource: DataSource;
  /** Where it is, without the password, for logs. */
  readonly description: string;
  /** For the job queue's own pool; holds the password, so never log it. */
  readonly connectionString: string;
  close(): Promise<void>;
}

/**
 * DATABASE_URL when set; otherwise the embedded server in DATA_DIR. `serve` owns the embedded
 * server it starts; CLI commands attach to the one a running `serve` owns.
 */
export async function openDatabase(
  config: Config,
  logger: Logger,
  options: { mode: 'serve' | 'command'; poolSize?: number; applicationName?: string },
): Promise<OpenDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = options.mode === 'serve' ? await startEmbeddedDatabase(config.dataDir, logger) : await attachOrStartEmbeddedDatabase(config.dataDir, logger);
    url = embedded.url;
  }
  const dataSource = makeDataSource({ url, poolSize: options.poolSize, applicationName: options.applicationName });
  try {
    await dataSource.initialize();
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return {
    dataSource,
    description: embedded ? `embedded PostgreSQL in ${embedded.dataDirectory} (port ${embedded.port})` : redactUrl(url),
    connectionString: url,
    close: async () => {
      try {
        if (dataSource.isInitialized) await dataSource.destroy();
      } finally {
        await embedded?.stop();
      }
    },
  };
}
