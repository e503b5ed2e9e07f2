import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * E-mail delivery: claims on outbox rows (so two workers never send one message), a hashed
 * unsubscribe token per message, and on the lead when it unsubscribed or last replied (either
 * stops the automated mail). Proposals remember when approvers were told of them.
 */
export class EmailDelivery1764374400000 implements MigrationInterface {
  name = 'EmailDelivery1764374400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE outbound_messages ADD COLUMN claimed_at timestamptz, ADD COLUMN unsubscribe_token_hash text`);
    await queryRunner.query(`CREATE UNIQUE INDEX outbound_messages_unsubscribe_token_hash_key ON outbound_messages (unsubscribe_token_hash) WHERE unsubscribe_token_hash IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX outbound_messages_proposal_id_idx ON outbound_messages (proposal_id)`);
    await queryRunner.query(`ALTER TABLE leads ADD COLUMN unsubscribed_at timestamptz, ADD COLUMN replied_at timestamptz`);
    await queryRunner.query(`ALTER TABLE proposals ADD COLUMN approvers_notified_at timestamptz`);
    await queryRunner.query(`CREATE INDEX proposals_sent_follow_ups_idx ON proposals (sent_at) WHERE status = 'sent'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX proposals_sent_follow_ups_idx`);
    await queryRunner.query(`ALTER TABLE proposals DROP COLUMN approvers_notified_at`);
    await queryRunner.query(`ALTER TABLE leads DROP COLUMN unsubscribed_at, DROP COLUMN replied_at`);
    await queryRunner.query(`DROP INDEX outbound_messages_proposal_id_idx`);
    await queryRunner.query(`DROP INDEX outbound_messages_unsubscribe_token_hash_key`);
    await queryRunner.query(`ALTER TABLE outbound_messages DROP COLUMN claimed_at, DROP COLUMN unsubscribe_token_hash`);
  }
}
