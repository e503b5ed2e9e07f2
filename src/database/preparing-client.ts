import { createHash } from 'node:crypto';
import pg from 'pg';

/**
 * Statements a connection keeps prepared at most. Past it, new texts run unnamed as before: a
 * text built with a varying number of parameters (an IN list) must not grow a session without end.
 */
export const MAX_PREPARED_PER_CONNECTION = 256;

/**
 * A result row type that follows the table (`*`, `alias.*`) would make a prepared statement fail
 * with "cached plan must not change result type" once a migration adds a column while this
 * process runs, as a rolling upgrade does. Such texts run unnamed. `count(*)` and a star over a
 * function with a column list (pg-boss's `SELECT *, … FROM json_to_recordset($1) AS x (…)`) keep
 * their shape and are prepared.
 */
const FOLLOWS_TABLE_SHAPE = /\.\*|returning\s+\*|select\s+\*(?:(?!\bfrom\b)[\s\S])*\bfrom\s+(?![\w.]+\s*\()/i;

/** Per text: its prepared name, the same in every connection and process, or null if it runs unnamed. */
const decisions = new Map<string, string | null>();
const MAX_DECISIONS = 4_096;

/** The name a parameterised text is prepared under, or null if it must run unnamed. */
export function preparedName(text: string): string | null {
  let name = decisions.get(text);
  if (name === undefined) {
    name = FOLLOWS_TABLE_SHAPE.test(text) ? null : `lp_${createHash('sha1').update(text).digest('base64url')}`;
    if (decisions.size >= MAX_DECISIONS) decisions.clear();
    decisions.set(text, name);
  }
  return name;
}

/**
 * A pg client that prepares every parameterised statement once per connection and runs it by name
 * after that. Parsing and planning a statement took about as long as running it on the pipeline's
 * hot path (pg_stat_statements: 1.4 s planning against 2.1 s executing over 100 leads), and most of
 * those statements are the same few texts: pg-boss's fetch, send and complete, the step's read and
 * record. Handed to a pool as its `Client` (TypeORM's `extra`, pg-boss's constructor options), so
 * no caller changes. A query config with `planEachTime: true` runs unnamed (see `plannedEachTime`).
 */
export class PreparingClient extends pg.Client {
  readonly #prepared = new Set<string>();

  override query(config: any, values?: any, callback?: any): any {
    if (config == null || typeof config.submit === 'function') return super.query(config, values, callback);
    const text: unknown = typeof config === 'string' ? config : config.text;
    const parameters: unknown = Array.isArray(values) ? values : typeof config === 'object' ? config.values : undefined;
    // Without parameters a text may hold several statements, which only the simple protocol runs.
    if (typeof text !== 'string' || !Array.isArray(parameters) || parameters.length === 0 || (typeof config === 'object' && (config.name || config.planEachTime))) {
      return super.query(config, values, callback);
    }
    const name = preparedName(text);
    if (!name) return super.query(config, values, callback);
    if (!this.#prepared.has(name)) {
      if (this.#prepared.size >= MAX_PREPARED_PER_CONNECTION) return super.query(config, values, callback);
      this.#prepared.add(name);
    }
    const named = { ...(typeof config === 'object' ? config : {}), text, values: parameters, name };
    return super.query(named, typeof values === 'function' ? values : callback);
  }
}
