import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 10, KPIs. Every status change of a lead or a proposal, written by triggers so that no
 * path (services, pipeline steps, a manual UPDATE) can move a status without its record; the time
 * in each stage and the moments of capture → pending approval → decision are read from here.
 * GraphQL operations counted per minute and operation name (the API error rate, across processes).
 * Indexes for a year of KPIs over 100,000 leads.
 */
export class Kpis1764547200000 implements MigrationInterface {
  name = 'Kpis1764547200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE status_changes (
        id bigserial PRIMARY KEY,
        subject text NOT NULL CHECK (subject IN ('lead', 'proposal')),
        subject_id uuid NOT NULL,
        lead_id uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
        from_status text,
        to_status text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        -- Set when the subject moves on, so the time in a stage is one subtraction, not a window.
        left_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX status_changes_subject_id_idx ON status_changes (subject_id, changed_at)`);
    await queryRunner.query(`CREATE INDEX status_changes_changed_at_idx ON status_changes (changed_at)`);
    await queryRunner.query(`CREATE INDEX status_changes_lead_id_idx ON status_changes (lead_id)`);
    // The moments the KPIs ask for most: a proposal entering pending approval, sent, accepted.
    await queryRunner.query(`
      CREATE INDEX status_changes_proposal_milestones_idx ON status_changes (to_status, changed_at) INCLUDE (lead_id, subject_id)
      WHERE subject = 'proposal' AND to_status IN ('pending_approval', 'sent', 'accepted')`);
    await queryRunner.query(`
      CREATE FUNCTION record_status_change() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        kind text := TG_ARGV[0];
        owner uuid;
        previous text;
        at timestamptz := clock_timestamp();
      BEGIN
        -- Each branch is only evaluated for its own table (leads have no lead_id).
        IF kind = 'lead' THEN
          owner := NEW.id;
        ELSE
          owner := NEW.lead_id;
        END IF;
        IF TG_OP = 'UPDATE' THEN
          previous := OLD.status;
        END IF;
        IF TG_OP = 'INSERT' THEN
          -- A row inserted with its capture time (an import, a fixture) starts its first stage then.
          at := LEAST(at, NEW.created_at);
        END IF;
        UPDATE status_changes SET left_at = at WHERE subject_id = NEW.id AND left_at IS NULL;
        INSERT INTO status_changes (subject, subject_id, lead_id, from_status, to_status, changed_at)
          VALUES (kind, NEW.id, owner, previous, NEW.status, at);
        RETURN NULL;
      END $$`);
    for (const [table, subject] of [['leads', 'lead'], ['proposals', 'proposal']] as const) {
      await queryRunner.query(`CREATE TRIGGER ${table}_status_inserted AFTER INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION record_status_change('${subject}')`);
      await queryRunner.query(
        `CREATE TRIGGER ${table}_status_changed AFTER UPDATE OF status ON ${table} FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION record_status_change('${subject}')`,
      );
    }
    // What exists already enters its current stage at its creation: the best the data can tell.
    await queryRunner.query(`
      INSERT INTO status_changes (subject, subject_id, lead_id, to_status, changed_at)
        SELECT 'lead', id, id, status, created_at FROM leads
        UNION ALL
        SELECT 'proposal', id, lead_id, status, created_at FROM proposals`);

    await queryRunner.query(`
      CREATE TABLE graphql_operation_counts (
        minute timestamptz NOT NULL,
        operation text NOT NULL,
        requests integer NOT NULL CHECK (requests >= 0),
        errors integer NOT NULL CHECK (errors >= 0 AND errors <= requests),
        PRIMARY KEY (minute, operation)
      )`);

    await queryRunner.query(`CREATE INDEX approval_decisions_created_at_idx ON approval_decisions (created_at)`);
    await queryRunner.query(`CREATE INDEX agent_runs_created_at_idx ON agent_runs (created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX agent_runs_created_at_idx`);
    await queryRunner.query(`DROP INDEX approval_decisions_created_at_idx`);
    await queryRunner.query(`DROP TABLE graphql_operation_counts`);
    for (const table of ['leads', 'proposals']) {
      await queryRunner.query(`DROP TRIGGER ${table}_status_changed ON ${table}`);
      await queryRunner.query(`DROP TRIGGER ${table}_status_inserted ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION record_status_change()`);
    await queryRunner.query(`DROP TABLE status_changes`);
  }
}
