import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PromptVersions1764201600000 implements MigrationInterface {
  name = 'PromptVersions1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE prompt_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        agent text NOT NULL,
        version text NOT NULL CHECK (version ~ '^.+/v[0-9]+$'),
        template text NOT NULL CHECK (length(template) BETWEEN 1 AND 20000),
        weight integer NOT NULL DEFAULT 0 CHECK (weight BETWEEN 0 AND 100),
        active boolean NOT NULL DEFAULT false,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (agent, version),
        -- A version takes part in the split exactly when it has a share of it.
        CHECK (active = (weight > 0))
      )`);
    // choose() reads the active set of one agent on every agent call (through a short cache).
    await queryRunner.query(`CREATE INDEX prompt_versions_agent_active_idx ON prompt_versions (agent) WHERE active`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE prompt_versions`);
  }
}
