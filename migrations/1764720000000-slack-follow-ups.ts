import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Slack cards for follow-ups and the daily digest. A card's subject is a proposal revision or an
 * outbound message (a follow-up waiting for approval): exactly one of the two. The digest is one
 * row per day, claimed before posting, so it goes out once across restarts and processes.
 */
export class SlackFollowUps1764720000000 implements MigrationInterface {
  name = 'SlackFollowUps1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE slack_posts ALTER COLUMN proposal_id DROP NOT NULL`);
    await queryRunner.query(`ALTER TABLE slack_posts ADD COLUMN outbound_message_id uuid UNIQUE REFERENCES outbound_messages (id) ON DELETE CASCADE`);
    await queryRunner.query(`ALTER TABLE slack_posts ADD CONSTRAINT slack_posts_one_subject CHECK (num_nonnulls(proposal_id, outbound_message_id) = 1)`);
    await queryRunner.query(`
      CREATE TABLE slack_digests (
        -- The day the digest is posted (server time zone); it reports on the day before.
        day date PRIMARY KEY,
        channel text NOT NULL,
        -- Sent in the message's metadata, so a retry after an unknown outcome finds the message.
        posting_key uuid NOT NULL,
        posting_started_at timestamptz,
        ts text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE slack_digests`);
    await queryRunner.query(`DELETE FROM slack_posts WHERE proposal_id IS NULL`);
    await queryRunner.query(`ALTER TABLE slack_posts DROP CONSTRAINT slack_posts_one_subject`);
    await queryRunner.query(`ALTER TABLE slack_posts DROP COLUMN outbound_message_id`);
    await queryRunner.query(`ALTER TABLE slack_posts ALTER COLUMN proposal_id SET NOT NULL`);
  }
}
