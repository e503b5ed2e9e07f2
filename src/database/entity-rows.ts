import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Entities from the rows of a raw SELECT of `selectList`'s columns, for the hot read paths: the same values TypeORM's
 * query builder would give (its driver's hydration and the columns' transformers), without the
 * query builder's SQL generation, aliasing and relation bookkeeping on every request. Columns the
 * entity does not map are ignored.
 */
export function entityRows<T extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<T>): (rows: readonly Record<string, unknown>[]) => T[] {
  let mappers = MAPPERS.get(dataSource);
  if (!mappers) MAPPERS.set(dataSource, (mappers = new Map()));
  let mapper = mappers.get(target);
  if (!mapper) mappers.set(target, (mapper = rowMapper(dataSource, target)));
  return mapper as (rows: readonly Record<string, unknown>[]) => T[];
}

/**
 * The entity's columns as a select list (`alias."column", …`), for the raw reads `entityRows`
 * turns into entities. Named rather than `*`: a statement whose row type follows its table cannot
 * stay prepared across a migration that adds a column (see PreparingClient), and a column the
 * entity does not map is not worth sending.
 */
export function selectList(dataSource: DataSource, target: EntityTarget<ObjectLiteral>, alias = ''): string {
  let lists = SELECT_LISTS.get(dataSource);
  if (!lists) SELECT_LISTS.set(dataSource, (lists = new Map()));
  let byAlias = lists.get(target);
  if (!byAlias) lists.set(target, (byAlias = new Map()));
  let list = byAlias.get(alias);
  if (!list) {
    const prefix = alias ? `${alias}.` : '';
    list = dataSource.getMetadata(target).columns.map((column) => `${prefix}"${column.databaseName}"`).join(', ');
    byAlias.set(alias, list);
  }
  return list;
}

const SELECT_LISTS = new WeakMap<DataSource, Map<unknown, Map<string, string>>>();

const MAPPERS = new WeakMap<DataSource, Map<unknown, (rows: readonly Record<string, unknown>[]) => ObjectLiteral[]>>();

function rowMapper<T extends ObjectLiteral>(dataSource: DataSource, target: EntityTarget<T>): (rows: readonly Record<string, unknown>[]) => T[] {
  const metadata = dataSource.getMetadata(target);
  const driver = dataSource.driver;
  const columns = metadata.columns;
  return (rows) =>
    rows.map((row) => {
      const entity = metadata.create() as T;
      for (const column of columns) {
        if (!(column.databaseName in row)) continue;
        (entity as Record<string, unknown>)[column.propertyName] = driver.prepareHydratedValue(row[column.databaseName], column);
      }
      return entity;
    });
}

/**
 * A read-only statement straight on the driver's connection pool: `dataSource.query` would take
 * a query runner (a pool checkout of its own, TypeORM's logging and bookkeeping) for each one.
 * Not for writes or anything that must share a transaction.
 */
export async function selectRows(dataSource: DataSource, sql: string, parameters: readonly unknown[]): Promise<Record<string, unknown>[]> {
  return poolQuery(dataSource, sql, parameters, false);
}

/**
 * Analytic reads (KPIs over a period), on the pool as `selectRows`, planned for their parameters
 * every time. Prepared, PostgreSQL would switch them to one generic plan for every period after
 * five runs: a year's KPIs took two to three times as long (bench: responseTime 16 → 41 ms p50).
 */
export function plannedEachTime(dataSource: DataSource): { query(sql: string, parameters?: readonly unknown[]): Promise<any> } {
  return { query: (sql, parameters = []) => poolQuery(dataSource, sql, parameters, true) };
}

async function poolQuery(dataSource: DataSource, sql: string, parameters: readonly unknown[], planEachTime: boolean): Promise<Record<string, unknown>[]> {
  const pool = (dataSource.driver as unknown as { master?: PoolLike }).master;
  if (!pool) return (await dataSource.query(sql, [...parameters])) as Record<string, unknown>[];
  // Still through TypeORM's logger, as every other statement is (it does nothing unless logging is on).
  dataSource.logger.logQuery(sql, [...parameters]);
  return (await pool.query({ text: sql, values: parameters, planEachTime })).rows;
}

interface PoolLike {
  query(config: { text: string; values: readonly unknown[]; planEachTime: boolean }): Promise<{ rows: Record<string, unknown>[] }>;
}
