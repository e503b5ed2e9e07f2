import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Slack1764288000000 implements MigrationInterface {
  name = 'Slack1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // One card per proposal revision: what was posted where, and what it shows now.
    await queryRunner.query(`
      CREATE TABLE slack_posts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        proposal_id uuid NOT NULL UNIQUE REFERENCES proposals (id) ON DELETE CASCADE,
        lead_id uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
        channel text NOT NULL,
        -- Set once chat.postMessage answered; NULL while the outcome of a post is unknown.
        ts text,
        -- The card of an earlier revision this one was posted under.
        thread_ts text,
        -- Written before posting and sent in the message's metadata, so a retry after an
        -- unknown outcome can find the message it may already have posted.
        posting_key uuid NOT NULL,
        posting_started_at timestamptz NOT NULL DEFAULT now(),
        shown_status text,
        shown_version integer,
        reminded_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX slack_posts_lead_idx ON slack_posts (lead_id)`);
    // Interactions already taken: Slack's retries of one request are processed once.
    await queryRunner.query(`
      CREATE TABLE slack_interactions (
        key text PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE slack_interactions`);
    await queryRunner.query(`DROP TABLE slack_posts`);
  }
}
