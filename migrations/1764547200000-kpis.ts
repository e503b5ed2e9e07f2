import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 10, KPIs. Every status change of a lead or a proposal, written by triggers so that no
 * path (services, pipeline steps, a manual UPDATE) can move a status without its record; the time
 * in each stage and the moments of capture → pending approval → decision are read from here.
 * Narrow per-lead facts and hourly agent-run sums, kept by triggers, so a year of figures is
 * quick. GraphQL operations counted per minute and operation name (the API error rate, across processes).
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

    // One narrow row per lead with the moments its KPIs need, kept by triggers: a year of
    // response times, generation times and conversions is one scan of this table, not of leads
    // (wide rows) joined with their status history.
    await queryRunner.query(`
      CREATE TABLE lead_kpi_facts (
        lead_id uuid PRIMARY KEY REFERENCES leads (id) ON DELETE CASCADE,
        captured_at timestamptz NOT NULL,
        status text NOT NULL,
        first_response_at timestamptz,
        first_pending_at timestamptz,
        sent boolean NOT NULL DEFAULT false
      )`);
    await queryRunner.query(`CREATE INDEX lead_kpi_facts_captured_at_idx ON lead_kpi_facts (captured_at) INCLUDE (status, first_response_at, first_pending_at, sent)`);
    await queryRunner.query(`
      CREATE FUNCTION record_lead_kpi_facts() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO lead_kpi_facts (lead_id, captured_at, status, first_response_at)
          VALUES (NEW.id, NEW.created_at, NEW.status, NEW.first_response_at)
          ON CONFLICT (lead_id) DO UPDATE
            SET captured_at = EXCLUDED.captured_at, status = EXCLUDED.status, first_response_at = EXCLUDED.first_response_at;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER leads_kpi_facts_inserted AFTER INSERT ON leads FOR EACH ROW EXECUTE FUNCTION record_lead_kpi_facts()`);
    await queryRunner.query(`
      CREATE TRIGGER leads_kpi_facts_changed AFTER UPDATE OF status, first_response_at, created_at ON leads FOR EACH ROW
        WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.first_response_at IS DISTINCT FROM NEW.first_response_at OR OLD.created_at IS DISTINCT FROM NEW.created_at)
        EXECUTE FUNCTION record_lead_kpi_facts()`);
    await queryRunner.query(`
      CREATE FUNCTION record_proposal_milestone() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE lead_kpi_facts
           SET first_pending_at = CASE WHEN NEW.to_status = 'pending_approval' THEN LEAST(coalesce(first_pending_at, NEW.changed_at), NEW.changed_at) ELSE first_pending_at END,
               sent = sent OR NEW.to_status = 'sent'
         WHERE lead_id = NEW.lead_id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER status_changes_proposal_milestone AFTER INSERT ON status_changes FOR EACH ROW
        WHEN (NEW.subject = 'proposal' AND NEW.to_status IN ('pending_approval', 'sent'))
        EXECUTE FUNCTION record_proposal_milestone()`);
    await queryRunner.query(`
      INSERT INTO lead_kpi_facts (lead_id, captured_at, status, first_response_at, first_pending_at, sent)
        SELECT l.id, l.created_at, l.status, l.first_response_at,
               (SELECT min(changed_at) FROM status_changes s WHERE s.lead_id = l.id AND s.subject = 'proposal' AND s.to_status = 'pending_approval'),
               EXISTS (SELECT 1 FROM proposals p WHERE p.lead_id = l.id AND p.sent_at IS NOT NULL)
          FROM leads l`);

    // Each decision on a proposal with the moment that revision began waiting for it.
    await queryRunner.query(`
      CREATE TABLE approval_kpi_facts (
        decision_id uuid PRIMARY KEY REFERENCES approval_decisions (id) ON DELETE CASCADE,
        decided_at timestamptz NOT NULL,
        decided_by text NOT NULL,
        pending_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX approval_kpi_facts_decided_at_idx ON approval_kpi_facts (decided_at) INCLUDE (decided_by, pending_at)`);
    await queryRunner.query(`
      CREATE FUNCTION record_approval_kpi_facts() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        waiting_since timestamptz;
      BEGIN
        SELECT max(changed_at) INTO waiting_since FROM status_changes
         WHERE subject_id = NEW.proposal_id AND to_status = 'pending_approval' AND changed_at <= NEW.created_at;
        IF waiting_since IS NULL THEN
          DELETE FROM approval_kpi_facts WHERE decision_id = NEW.id;
          RETURN NULL;
        END IF;
        INSERT INTO approval_kpi_facts (decision_id, decided_at, decided_by, pending_at)
          VALUES (NEW.id, NEW.created_at, NEW.decided_by, waiting_since)
          ON CONFLICT (decision_id) DO UPDATE SET decided_at = EXCLUDED.decided_at, decided_by = EXCLUDED.decided_by, pending_at = EXCLUDED.pending_at;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER approval_decisions_kpi_facts AFTER INSERT OR UPDATE OF created_at, decided_by ON approval_decisions FOR EACH ROW
        WHEN (NEW.proposal_id IS NOT NULL) EXECUTE FUNCTION record_approval_kpi_facts()`);
    await queryRunner.query(`
      INSERT INTO approval_kpi_facts (decision_id, decided_at, decided_by, pending_at)
        SELECT d.id, d.created_at, d.decided_by, max(s.changed_at)
          FROM approval_decisions d JOIN status_changes s ON s.subject_id = d.proposal_id AND s.to_status = 'pending_approval' AND s.changed_at <= d.created_at
         GROUP BY d.id`);

    // Stays in each stage summed per day of entry (UTC): entered when a status change is
    // recorded, completed (with its length) when the next one closes it.
    await queryRunner.query(`
      CREATE TABLE stage_days (
        day timestamptz NOT NULL,
        subject text NOT NULL,
        stage text NOT NULL,
        -- Concurrent workers moving leads through the same stage on the same day add to different
        -- rows (by subject id), so they do not queue on one row lock until their transactions end.
        shard smallint NOT NULL DEFAULT 0,
        entered integer NOT NULL DEFAULT 0,
        completed integer NOT NULL DEFAULT 0,
        completed_seconds double precision NOT NULL DEFAULT 0,
        PRIMARY KEY (day, subject, stage, shard)
      )`);
    await queryRunner.query(`
      CREATE FUNCTION record_stage_day() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        bucket timestamptz := date_trunc('day', NEW.changed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
        ended boolean := NEW.left_at IS NOT NULL AND (TG_OP = 'INSERT' OR OLD.left_at IS NULL);
      BEGIN
        INSERT INTO stage_days AS d (day, subject, stage, shard, entered, completed, completed_seconds)
          VALUES (bucket, NEW.subject, NEW.to_status, abs(hashtext(NEW.subject_id::text)) % 8, (TG_OP = 'INSERT')::int, ended::int,
                  CASE WHEN ended THEN extract(epoch FROM NEW.left_at - NEW.changed_at) ELSE 0 END)
          ON CONFLICT (day, subject, stage, shard) DO UPDATE SET
            entered = d.entered + EXCLUDED.entered, completed = d.completed + EXCLUDED.completed,
            completed_seconds = d.completed_seconds + EXCLUDED.completed_seconds;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER status_changes_stage_day_inserted AFTER INSERT ON status_changes FOR EACH ROW EXECUTE FUNCTION record_stage_day()`);
    await queryRunner.query(`
      CREATE TRIGGER status_changes_stage_day_left AFTER UPDATE OF left_at ON status_changes FOR EACH ROW
        WHEN (OLD.left_at IS NULL AND NEW.left_at IS NOT NULL) EXECUTE FUNCTION record_stage_day()`);
    await queryRunner.query(`
      INSERT INTO stage_days (day, subject, stage, entered, completed, completed_seconds)
        SELECT date_trunc('day', changed_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', subject, to_status, count(*), count(left_at), coalesce(sum(extract(epoch FROM left_at - changed_at)), 0)
          FROM status_changes GROUP BY 1, 2, 3`);

    // Agent runs summed per hour (UTC) by a trigger: a year of error rate, cost and provider rates
    // reads 8,760 hours, not every run's attempts. Provider '' holds the run totals; a provider's
    // row its attempts and the runs that tried it first.
    await queryRunner.query(`
      CREATE TABLE agent_run_hours (
        hour timestamptz NOT NULL,
        provider text NOT NULL,
        runs integer NOT NULL DEFAULT 0,
        failed_runs integer NOT NULL DEFAULT 0,
        cost numeric(14, 6) NOT NULL DEFAULT 0,
        attempts integer NOT NULL DEFAULT 0,
        succeeded_attempts integer NOT NULL DEFAULT 0,
        first_choice_runs integer NOT NULL DEFAULT 0,
        fallbacks integer NOT NULL DEFAULT 0,
        -- Spread over rows by run id, so concurrent runs do not wait on one row (see stage_days).
        shard smallint NOT NULL DEFAULT 0,
        PRIMARY KEY (hour, provider, shard)
      )`);
    await queryRunner.query(`
      CREATE FUNCTION record_agent_run_hour() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        bucket timestamptz := date_trunc('hour', NEW.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
        first_provider text := NEW.attempts->0->>'provider';
        slot smallint := abs(hashtext(NEW.id::text)) % 8;
      BEGIN
        INSERT INTO agent_run_hours AS h (hour, provider, shard, runs, failed_runs, cost, attempts, succeeded_attempts, first_choice_runs, fallbacks)
          SELECT bucket, '', slot, 1, (NEW.status = 'failed')::int, NEW.cost, 0, 0, 0, 0
          UNION ALL
          SELECT bucket, attempt->>'provider', slot, 0, 0, 0, count(*), count(*) FILTER (WHERE attempt->>'errorClass' IS NULL),
                 (attempt->>'provider' = first_provider)::int,
                 (attempt->>'provider' = first_provider AND NEW.provider IS NOT NULL AND NEW.provider <> first_provider)::int
            FROM jsonb_array_elements(NEW.attempts) AS attempt
           GROUP BY attempt->>'provider'
          ON CONFLICT (hour, provider, shard) DO UPDATE SET
            runs = h.runs + EXCLUDED.runs, failed_runs = h.failed_runs + EXCLUDED.failed_runs, cost = h.cost + EXCLUDED.cost,
            attempts = h.attempts + EXCLUDED.attempts, succeeded_attempts = h.succeeded_attempts + EXCLUDED.succeeded_attempts,
            first_choice_runs = h.first_choice_runs + EXCLUDED.first_choice_runs, fallbacks = h.fallbacks + EXCLUDED.fallbacks;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER agent_runs_hour AFTER INSERT ON agent_runs FOR EACH ROW EXECUTE FUNCTION record_agent_run_hour()`);
    await queryRunner.query(`
      INSERT INTO agent_run_hours (hour, provider, runs, failed_runs, cost, attempts, succeeded_attempts, first_choice_runs, fallbacks)
        SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', '', count(*), count(*) FILTER (WHERE status = 'failed'), sum(cost), 0, 0, 0, 0
          FROM agent_runs GROUP BY 1
        UNION ALL
        SELECT date_trunc('hour', r.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', a->>'provider', 0, 0, 0, count(*), count(*) FILTER (WHERE a->>'errorClass' IS NULL),
               count(*) FILTER (WHERE ordinality = 1),
               count(*) FILTER (WHERE ordinality = 1 AND r.provider IS NOT NULL AND r.provider <> a->>'provider')
          FROM agent_runs r, jsonb_array_elements(r.attempts) WITH ORDINALITY AS e(a, ordinality) GROUP BY 1, 2`);

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
    // The model behind a proposal revision: its lead's last successful writer or reviser run.
    await queryRunner.query(`
      CREATE INDEX agent_runs_proposal_model_idx ON agent_runs (lead_id, created_at DESC) INCLUDE (provider, model)
      WHERE agent IN ('proposal-writer', 'reviser') AND status = 'succeeded'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX agent_runs_proposal_model_idx`);
    await queryRunner.query(`DROP INDEX agent_runs_created_at_idx`);
    await queryRunner.query(`DROP INDEX approval_decisions_created_at_idx`);
    await queryRunner.query(`DROP TABLE graphql_operation_counts`);
    await queryRunner.query(`DROP TRIGGER status_changes_stage_day_left ON status_changes`);
    await queryRunner.query(`DROP TRIGGER status_changes_stage_day_inserted ON status_changes`);
    await queryRunner.query(`DROP FUNCTION record_stage_day()`);
    await queryRunner.query(`DROP TABLE stage_days`);
    await queryRunner.query(`DROP TRIGGER approval_decisions_kpi_facts ON approval_decisions`);
    await queryRunner.query(`DROP FUNCTION record_approval_kpi_facts()`);
    await queryRunner.query(`DROP TABLE approval_kpi_facts`);
    await queryRunner.query(`DROP TRIGGER agent_runs_hour ON agent_runs`);
    await queryRunner.query(`DROP FUNCTION record_agent_run_hour()`);
    await queryRunner.query(`DROP TABLE agent_run_hours`);
    await queryRunner.query(`DROP TRIGGER status_changes_proposal_milestone ON status_changes`);
    await queryRunner.query(`DROP FUNCTION record_proposal_milestone()`);
    await queryRunner.query(`DROP TRIGGER leads_kpi_facts_changed ON leads`);
    await queryRunner.query(`DROP TRIGGER leads_kpi_facts_inserted ON leads`);
    await queryRunner.query(`DROP FUNCTION record_lead_kpi_facts()`);
    await queryRunner.query(`DROP TABLE lead_kpi_facts`);
    for (const table of ['leads', 'proposals']) {
      await queryRunner.query(`DROP TRIGGER ${table}_status_changed ON ${table}`);
      await queryRunner.query(`DROP TRIGGER ${table}_status_inserted ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION record_status_change()`);
    await queryRunner.query(`DROP TABLE status_changes`);
  }
}
