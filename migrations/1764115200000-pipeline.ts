import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The pipeline's own state: a generation per lead (a re-run starts a new one, so jobs of an
 * earlier run find themselves stale and do nothing), the recorded output of every step (the
 * memo that makes a redelivered job a no-op), and on proposals the basis they were written from
 * and the contract draft made when the customer accepts.
 */
export class Pipeline1764115200000 implements MigrationInterface {
  name = 'Pipeline1764115200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE leads ADD COLUMN pipeline_generation integer NOT NULL DEFAULT 1 CHECK (pipeline_generation >= 1)`);
    await queryRunner.query(`
      CREATE TABLE lead_pipeline_steps (
        lead_id uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
        key text NOT NULL,
        step text NOT NULL,
        generation integer NOT NULL,
        output jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (lead_id, key)
      )`);
    await queryRunner.query(`CREATE INDEX lead_pipeline_steps_lead_id_step_idx ON lead_pipeline_steps (lead_id, step, created_at DESC)`);
    await queryRunner.query(`ALTER TABLE proposals ADD COLUMN basis jsonb`);
    await queryRunner.query(`ALTER TABLE proposals ADD COLUMN contract_draft text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE proposals DROP COLUMN contract_draft`);
    await queryRunner.query(`ALTER TABLE proposals DROP COLUMN basis`);
    await queryRunner.query(`DROP TABLE lead_pipeline_steps`);
    await queryRunner.query(`ALTER TABLE leads DROP COLUMN pipeline_generation`);
  }
}
