import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { entities } from '../entities/index.js';
import { migrations } from '../../migrations/index.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';
import { PreparingClient } from './preparing-client.js';

export interface DataSourceOptions {
  url: string;
  /** Connections in the pool. */
  poolSize?: number;
  applicationName?: string;
  /** The migrations it knows; all of them unless given (a restore migrates to a backup's version). */
  migrations?: typeof migrations;
}

export function makeDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities,
    migrations: options.migrations ?? migrations,
    migrationsTableName: 'migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    logging: false,
    extra: {
      max: options.poolSize ?? 10,
      application_name: options.applicationName ?? 'leadpilot',
      connectionTimeoutMillis: 10_000,
      Client: PreparingClient,
    },
  });
}
