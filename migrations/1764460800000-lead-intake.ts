import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Issue 9, the ways leads come in: webhook deliveries, the form's rate limit, the legacy import's mapping. */
export class LeadIntake1764460800000 implements MigrationInterface {
  name = 'LeadIntake1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One row per accepted delivery, written in the transaction that creates its lead: a repeated
    // delivery id is answered from here, and the unique index makes two concurrent ones one lead.
    await queryRunner.query(`
      CREATE TABLE inbound_webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source text NOT NULL CHECK (source IN ('leads')),
        delivery_id text NOT NULL CHECK (length(delivery_id) BETWEEN 1 AND 200),
        lead_id uuid NOT NULL REFERENCES leads (id),
        status_code integer NOT NULL CHECK (status_code BETWEEN 200 AND 299),
        response jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (source, delivery_id)
      )`);

    // Fixed-window counters (one row per bucket, key and window), bumped by an atomic upsert.
    await queryRunner.query(`
      CREATE TABLE rate_limit_counters (
        bucket text NOT NULL,
        key text NOT NULL,
        window_start timestamptz NOT NULL,
        hits integer NOT NULL CHECK (hits >= 1),
        PRIMARY KEY (bucket, key, window_start)
      )`);
    await queryRunner.query(`CREATE INDEX rate_limit_counters_window_start_idx ON rate_limit_counters (window_start)`);

    // Legacy id → new id, written with each imported row: re-running the import skips what is here.
    await queryRunner.query(`
      CREATE TABLE legacy_imports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source_table text NOT NULL CHECK (source_table IN ('leads', 'lead_activities', 'solution_designs')),
        legacy_id text NOT NULL,
        target_id uuid NOT NULL,
        imported_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (source_table, legacy_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE legacy_imports`);
    await queryRunner.query(`DROP TABLE rate_limit_counters`);
    await queryRunner.query(`DROP TABLE inbound_webhook_deliveries`);
  }
}
