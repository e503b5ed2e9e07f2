import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every change to an API key (revoked, expiry moved, role changed, deleted), however it is made —
 * the API, `leadpilot api-key revoke` in another process, plain SQL — is announced on the live
 * channel at commit, so every process drops its cached copy of that key. The once-a-minute
 * last_used_at refresh is not a change anyone caches.
 */
export class ApiKeyChanges1765065600000 implements MigrationInterface {
  name = 'ApiKeyChanges1765065600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION announce_api_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) - 'last_used_at') = (to_jsonb(NEW) - 'last_used_at') THEN
          RETURN NULL;
        END IF;
        PERFORM pg_notify('leadpilot_live', json_build_object('topic', 'api_key.changed', 'id', OLD.id)::text);
        RETURN NULL;
      END
      $$`);
    await queryRunner.query(`CREATE TRIGGER api_keys_announce_change AFTER UPDATE OR DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION announce_api_key_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER api_keys_announce_change ON api_keys`);
    await queryRunner.query(`DROP FUNCTION announce_api_key_change()`);
  }
}
