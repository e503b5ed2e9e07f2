import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 10, a year of KPIs in under 100 ms. The per-lead facts are summed per capture day (UTC)
 * by a trigger, and their durations (capture → first reply, capture → first PENDING_APPROVAL)
 * counted per day in coarse logarithmic buckets. A year of counts is then ~365 rows per figure;
 * a median or p95 is still exact: the buckets say which one holds the wanted rank, and an index
 * on (bucket, capture time) reads just that bucket's values (see src/services/kpi-percentiles.ts).
 * The per-proposal facts of the experiment figures (prompt version, model, decision) likewise.
 */
export class KpiRollups1764892800000 implements MigrationInterface {
  name = 'KpiRollups1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Bucket b > 0 holds [e^((b-1)/8), e^(b/8)) seconds (each 13 % wider than the last), 0 holds
    // everything under a second (negative durations too), so bucket order is value order.
    await queryRunner.query(`
      CREATE FUNCTION kpi_bucket(seconds double precision) RETURNS integer LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT CASE WHEN seconds < 1 THEN 0 ELSE 1 + floor(ln(seconds) * 8)::integer END $$`);
    await queryRunner.query(`
      ALTER TABLE lead_kpi_facts
        ADD COLUMN response_seconds double precision GENERATED ALWAYS AS (extract(epoch FROM first_response_at - captured_at)::double precision) STORED,
        ADD COLUMN response_bucket integer GENERATED ALWAYS AS (kpi_bucket(extract(epoch FROM first_response_at - captured_at)::double precision)) STORED,
        ADD COLUMN generation_seconds double precision GENERATED ALWAYS AS (extract(epoch FROM first_pending_at - captured_at)::double precision) STORED,
        ADD COLUMN generation_bucket integer GENERATED ALWAYS AS (kpi_bucket(extract(epoch FROM first_pending_at - captured_at)::double precision)) STORED`);
    // One bucket of one period (or one day) in value order: the exact median and p95 read these.
    await queryRunner.query(`
      CREATE INDEX lead_kpi_facts_response_bucket_idx ON lead_kpi_facts (response_bucket, captured_at) INCLUDE (response_seconds, status)
        WHERE response_bucket IS NOT NULL`);
    await queryRunner.query(`
      CREATE INDEX lead_kpi_facts_generation_bucket_idx ON lead_kpi_facts (generation_bucket, captured_at) INCLUDE (generation_seconds, status)
        WHERE generation_bucket IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE lead_kpi_days (
        measure text NOT NULL,
        day timestamptz NOT NULL,
        -- -1 for a plain count; the duration bucket (kpi_bucket) for 'response' and 'generation'.
        bucket integer NOT NULL,
        -- No CHECK (count >= 0): it would judge the negative delta an upsert proposes, not the sum.
        count integer NOT NULL,
        PRIMARY KEY (measure, day, bucket)
      )`);
    // What one lead adds to its capture day; the trigger subtracts the old row's and adds the new.
    await queryRunner.query(`
      CREATE FUNCTION lead_kpi_contributions(f lead_kpi_facts) RETURNS TABLE (measure text, day timestamptz, bucket integer)
        LANGUAGE sql IMMUTABLE AS $$
        SELECT m.measure, date_trunc('day', f.captured_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', m.bucket
          FROM (VALUES
            ('leads', -1, f.status <> 'spam'),
            ('response', f.response_bucket, f.status <> 'spam' AND f.response_bucket IS NOT NULL),
            ('generation_leads', -1, f.status NOT IN ('spam', 'disqualified')),
            ('generation', f.generation_bucket, f.status NOT IN ('spam', 'disqualified') AND f.generation_bucket IS NOT NULL),
            ('proposed', -1, f.status <> 'spam' AND (f.first_pending_at IS NOT NULL OR f.sent)),
            ('sent', -1, f.status <> 'spam' AND f.sent),
            ('won', -1, f.status = 'won' AND f.sent)
          ) AS m(measure, bucket, counted)
         WHERE m.counted $$`);
    await queryRunner.query(`
      CREATE FUNCTION record_lead_kpi_days() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO lead_kpi_days AS d (measure, day, bucket, count)
          SELECT c.measure, c.day, c.bucket, sum(c.delta)
            FROM (
              SELECT o.*, -1 AS delta FROM lead_kpi_contributions(OLD) o WHERE TG_OP <> 'INSERT'
              UNION ALL
              SELECT n.*, 1 FROM lead_kpi_contributions(NEW) n WHERE TG_OP <> 'DELETE'
            ) c
           GROUP BY 1, 2, 3
          -- An update that changes nothing counted (most status moves) touches no row, so locks no day.
          HAVING sum(c.delta) <> 0
          ON CONFLICT (measure, day, bucket) DO UPDATE SET count = d.count + EXCLUDED.count;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER lead_kpi_facts_days AFTER INSERT OR UPDATE OR DELETE ON lead_kpi_facts FOR EACH ROW EXECUTE FUNCTION record_lead_kpi_days()`);
    await queryRunner.query(`
      CREATE FUNCTION rebuild_lead_kpi_days() RETURNS void LANGUAGE sql AS $$
        DELETE FROM lead_kpi_days;
        INSERT INTO lead_kpi_days (measure, day, bucket, count)
          SELECT c.measure, c.day, c.bucket, count(*) FROM lead_kpi_facts f, lead_kpi_contributions(f) c GROUP BY 1, 2, 3;
      $$`);
    await queryRunner.query(`SELECT rebuild_lead_kpi_days()`);

    // One narrow row per proposal revision with what the experiment figures group and count: its
    // prompt version, the model of the last successful writer or reviser run of its lead before
    // it, its decision and whether that was its lead's first. A year is one index-only scan.
    await queryRunner.query(`
      CREATE VIEW proposal_kpi_source AS
        SELECT p.id AS proposal_id, p.lead_id, p.created_at, coalesce(p.prompt_version, '(none)') AS prompt_version,
               coalesce(m.name, '(none)') AS model, p.status, d.decision,
               d.id IS NOT NULL AND NOT EXISTS (
                 SELECT 1 FROM approval_decisions d2 JOIN proposals p2 ON p2.id = d2.proposal_id
                  WHERE p2.lead_id = p.lead_id AND (d2.created_at, d2.id) < (d.created_at, d.id)
               ) AS first_decision
          FROM proposals p
          LEFT JOIN approval_decisions d ON d.proposal_id = p.id
          LEFT JOIN LATERAL (
            SELECT r.provider || '/' || r.model AS name FROM agent_runs r
             WHERE r.lead_id = p.lead_id AND r.agent IN ('proposal-writer', 'reviser') AND r.status = 'succeeded' AND r.created_at <= p.created_at
             ORDER BY r.created_at DESC LIMIT 1
          ) m ON true`);
    await queryRunner.query(`
      CREATE TABLE proposal_kpi_facts (
        proposal_id uuid PRIMARY KEY REFERENCES proposals (id) ON DELETE CASCADE,
        lead_id uuid NOT NULL,
        created_at timestamptz NOT NULL,
        prompt_version text NOT NULL,
        model text NOT NULL,
        status text NOT NULL,
        decision text,
        first_decision boolean NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX proposal_kpi_facts_lead_id_idx ON proposal_kpi_facts (lead_id)`);
    await queryRunner.query(`
      CREATE INDEX proposal_kpi_facts_created_at_idx ON proposal_kpi_facts (created_at) INCLUDE (prompt_version, model, status, decision, first_decision)`);
    // A lead has a handful of revisions: any change to one of them, their decisions or the runs
    // that wrote them recomputes the lead's rows from the view, so they never drift from it.
    await queryRunner.query(`
      CREATE FUNCTION refresh_proposal_kpi_facts(lead uuid) RETURNS void LANGUAGE sql AS $$
        DELETE FROM proposal_kpi_facts f WHERE f.lead_id = lead AND NOT EXISTS (SELECT 1 FROM proposals p WHERE p.id = f.proposal_id AND p.lead_id = lead);
        INSERT INTO proposal_kpi_facts SELECT * FROM proposal_kpi_source s WHERE s.lead_id = lead
          ON CONFLICT (proposal_id) DO UPDATE SET lead_id = EXCLUDED.lead_id, created_at = EXCLUDED.created_at, prompt_version = EXCLUDED.prompt_version,
            model = EXCLUDED.model, status = EXCLUDED.status, decision = EXCLUDED.decision, first_decision = EXCLUDED.first_decision;
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION record_proposal_kpi_facts() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        lead uuid;
      BEGIN
        IF TG_TABLE_NAME = 'approval_decisions' THEN
          SELECT lead_id INTO lead FROM proposals WHERE id = NEW.proposal_id;
        ELSE
          lead := NEW.lead_id;
          IF TG_OP = 'UPDATE' AND OLD.lead_id IS DISTINCT FROM NEW.lead_id AND OLD.lead_id IS NOT NULL THEN
            PERFORM refresh_proposal_kpi_facts(OLD.lead_id);
          END IF;
        END IF;
        IF lead IS NOT NULL THEN
          PERFORM refresh_proposal_kpi_facts(lead);
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER proposals_kpi_facts AFTER INSERT OR UPDATE OF lead_id, created_at, prompt_version, status ON proposals
        FOR EACH ROW EXECUTE FUNCTION record_proposal_kpi_facts()`);
    await queryRunner.query(`
      CREATE TRIGGER approval_decisions_proposal_kpi_facts AFTER INSERT OR UPDATE OF proposal_id, decision, created_at ON approval_decisions
        FOR EACH ROW WHEN (NEW.proposal_id IS NOT NULL) EXECUTE FUNCTION record_proposal_kpi_facts()`);
    await queryRunner.query(`
      CREATE TRIGGER agent_runs_proposal_kpi_facts AFTER INSERT OR UPDATE OF lead_id, agent, status, created_at, provider, model ON agent_runs
        FOR EACH ROW WHEN (NEW.agent IN ('proposal-writer', 'reviser') AND NEW.lead_id IS NOT NULL) EXECUTE FUNCTION record_proposal_kpi_facts()`);
    await queryRunner.query(`
      CREATE FUNCTION rebuild_proposal_kpi_facts() RETURNS void LANGUAGE sql AS $$
        DELETE FROM proposal_kpi_facts;
        INSERT INTO proposal_kpi_facts SELECT * FROM proposal_kpi_source;
      $$`);
    await queryRunner.query(`SELECT rebuild_proposal_kpi_facts()`);

    // GraphQL operations per hour (UTC), all names together: the error rate of a year reads 8,760
    // rows instead of every minute of every operation name. Kept from the minute rows by a trigger.
    await queryRunner.query(`
      CREATE TABLE graphql_operation_hours (
        hour timestamptz PRIMARY KEY,
        requests bigint NOT NULL,
        errors bigint NOT NULL
      )`);
    await queryRunner.query(`
      CREATE FUNCTION record_graphql_operation_hour() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO graphql_operation_hours AS h (hour, requests, errors)
          VALUES (date_trunc('hour', NEW.minute AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
                  NEW.requests - CASE WHEN TG_OP = 'UPDATE' THEN OLD.requests ELSE 0 END,
                  NEW.errors - CASE WHEN TG_OP = 'UPDATE' THEN OLD.errors ELSE 0 END)
          ON CONFLICT (hour) DO UPDATE SET requests = h.requests + EXCLUDED.requests, errors = h.errors + EXCLUDED.errors;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER graphql_operation_counts_hour AFTER INSERT OR UPDATE OF requests, errors ON graphql_operation_counts
        FOR EACH ROW EXECUTE FUNCTION record_graphql_operation_hour()`);
    await queryRunner.query(`
      CREATE FUNCTION rebuild_graphql_operation_hours() RETURNS void LANGUAGE sql AS $$
        DELETE FROM graphql_operation_hours;
        INSERT INTO graphql_operation_hours (hour, requests, errors)
          SELECT date_trunc('hour', minute AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', sum(requests), sum(errors) FROM graphql_operation_counts GROUP BY 1;
      $$`);
    await queryRunner.query(`SELECT rebuild_graphql_operation_hours()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION rebuild_graphql_operation_hours()`);
    await queryRunner.query(`DROP TRIGGER graphql_operation_counts_hour ON graphql_operation_counts`);
    await queryRunner.query(`DROP FUNCTION record_graphql_operation_hour()`);
    await queryRunner.query(`DROP TABLE graphql_operation_hours`);
    await queryRunner.query(`DROP FUNCTION rebuild_proposal_kpi_facts()`);
    await queryRunner.query(`DROP TRIGGER agent_runs_proposal_kpi_facts ON agent_runs`);
    await queryRunner.query(`DROP TRIGGER approval_decisions_proposal_kpi_facts ON approval_decisions`);
    await queryRunner.query(`DROP TRIGGER proposals_kpi_facts ON proposals`);
    await queryRunner.query(`DROP FUNCTION record_proposal_kpi_facts()`);
    await queryRunner.query(`DROP FUNCTION refresh_proposal_kpi_facts(uuid)`);
    await queryRunner.query(`DROP TABLE proposal_kpi_facts`);
    await queryRunner.query(`DROP VIEW proposal_kpi_source`);
    await queryRunner.query(`DROP FUNCTION rebuild_lead_kpi_days()`);
    await queryRunner.query(`DROP TRIGGER lead_kpi_facts_days ON lead_kpi_facts`);
    await queryRunner.query(`DROP FUNCTION record_lead_kpi_days()`);
    await queryRunner.query(`DROP FUNCTION lead_kpi_contributions(lead_kpi_facts)`);
    await queryRunner.query(`DROP TABLE lead_kpi_days`);
    await queryRunner.query(`DROP INDEX lead_kpi_facts_generation_bucket_idx`);
    await queryRunner.query(`DROP INDEX lead_kpi_facts_response_bucket_idx`);
    await queryRunner.query(`
      ALTER TABLE lead_kpi_facts DROP COLUMN generation_bucket, DROP COLUMN generation_seconds, DROP COLUMN response_bucket, DROP COLUMN response_seconds`);
    await queryRunner.query(`DROP FUNCTION kpi_bucket(double precision)`);
  }
}
