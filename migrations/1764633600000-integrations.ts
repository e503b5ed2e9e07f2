import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The webhook event names: the lead_activities types written with each of these changes. */
const WEBHOOK_EVENTS = ['lead.created', 'lead.qualified', 'proposal.pending_approval', 'proposal.approved', 'proposal.rejected', 'proposal.sent', 'proposal.accepted', 'proposal.declined'];

/**
 * Issue 9, the ways Leadpilot tells others: outgoing webhooks and the HubSpot sync.
 *
 * Every status change that an event names already writes its lead_activities row in the same
 * transaction as the change. A trigger on that table turns those rows into webhook deliveries
 * and CRM sync requests, so they exist exactly when the change commits, on every code path
 * (present and future), and a crash between "changed" and "announced" cannot lose one.
 */
export class Integrations1764633600000 implements MigrationInterface {
  name = 'Integrations1764633600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The secret is kept as given: signing needs the secret itself, so a hash would not do. It is
    // never returned after creation and never logged.
    await queryRunner.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL CHECK (url ~ '^https?://'),
        events text[] NOT NULL CHECK (cardinality(events) >= 1),
        secret text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        failing_since timestamptz,
        disabled_at timestamptz,
        disabled_reason text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event text NOT NULL,
        lead_id uuid REFERENCES leads (id),
        activity_id uuid,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        last_status_code integer,
        last_error text,
        next_attempt_at timestamptz,
        enqueued_attempt integer,
        first_attempt_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (endpoint_id, activity_id)
      )`);
    await queryRunner.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at NULLS FIRST) WHERE status = 'pending'`);
    await queryRunner.query(`CREATE INDEX webhook_deliveries_lead_id_idx ON webhook_deliveries (lead_id)`);

    // One row per lead synced to HubSpot. `wanted` grows with each relevant change (the trigger),
    // `synced` is the value a finished sync started from: a lead needs syncing while they differ.
    // contact_id and deal_id are written right after HubSpot creates them; a crash in between is
    // healed by searching HubSpot for the leadpilot_lead_id property before creating again.
    await queryRunner.query(`
      CREATE TABLE crm_links (
        lead_id uuid PRIMARY KEY REFERENCES leads (id),
        contact_id text,
        deal_id text,
        noted_proposal_ids text[] NOT NULL DEFAULT '{}',
        wanted integer NOT NULL DEFAULT 1,
        synced integer NOT NULL DEFAULT 0,
        enqueued integer,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        next_attempt_at timestamptz,
        synced_at timestamptz,
        erased boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX crm_links_pending_idx ON crm_links (next_attempt_at NULLS FIRST) WHERE wanted > synced`);

    // The request budget HubSpot grants (190 per 10 s) is shared by every worker process: one row
    // per bucket, taken with a row lock.
    await queryRunner.query(`
      CREATE TABLE rate_buckets (
        name text PRIMARY KEY,
        tokens double precision NOT NULL,
        refilled_at timestamptz NOT NULL
      )`);

    // HubSpot's webhook retries: a conversation message is recorded as a reply once.
    await queryRunner.query(`ALTER TABLE inbound_webhook_deliveries DROP CONSTRAINT inbound_webhook_deliveries_source_check`);
    await queryRunner.query(`ALTER TABLE inbound_webhook_deliveries ADD CONSTRAINT inbound_webhook_deliveries_source_check CHECK (source IN ('leads', 'hubspot'))`);

    await queryRunner.query(`
      CREATE FUNCTION integrations_on_activity() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        lead_row leads%ROWTYPE;
        proposal_json jsonb;
        inserted integer;
        event text;
      BEGIN
        -- History brought in by the legacy import happened long ago: nobody is told again.
        IF NEW.data ? 'legacyId' THEN RETURN NEW; END IF;

        IF NEW.type LIKE 'lead.%' OR NEW.type LIKE 'proposal.%' OR NEW.type = 'status.changed' THEN
          INSERT INTO crm_links (lead_id) VALUES (NEW.lead_id)
            ON CONFLICT (lead_id) DO UPDATE SET wanted = crm_links.wanted + 1, updated_at = now();
        END IF;

        -- A human edit (and a proposal created directly) puts a new revision in front of the approvers too.
        event := CASE
          WHEN NEW.type = 'proposal.edited' THEN 'proposal.pending_approval'
          WHEN NEW.type = 'proposal.created' AND NEW.data->>'status' = 'pending_approval' THEN 'proposal.pending_approval'
          ELSE NEW.type END;
        IF NOT (event = ANY (ARRAY['${WEBHOOK_EVENTS.join("','")}'])) THEN RETURN NEW; END IF;
        IF NOT EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled AND event = ANY (events)) THEN RETURN NEW; END IF;

        SELECT * INTO lead_row FROM leads WHERE id = NEW.lead_id;
        IF NEW.data ? 'proposalId' THEN
          SELECT jsonb_build_object('id', p.id, 'revision', p.revision, 'status', p.status, 'title', p.title,
                                    'total', p.total, 'currency', p.currency, 'language', p.language, 'validUntil', p.valid_until)
            INTO proposal_json FROM proposals p WHERE p.id::text = NEW.data->>'proposalId';
        END IF;

        INSERT INTO webhook_deliveries (endpoint_id, event, lead_id, activity_id, payload)
        SELECT e.id, event, NEW.lead_id, NEW.id, jsonb_build_object(
                 'event', event,
                 'occurredAt', to_jsonb(NEW.created_at),
                 'actor', NEW.actor,
                 'lead', jsonb_build_object('id', lead_row.id, 'status', lead_row.status, 'name', lead_row.name,
                                            'email', lead_row.email, 'company', lead_row.company, 'source', lead_row.source,
                                            'language', lead_row.language, 'fitScore', lead_row.fit_score, 'priority', lead_row.priority),
                 'proposal', proposal_json,
                 'data', NEW.data)
          FROM webhook_endpoints e
         WHERE e.enabled AND event = ANY (e.events)
        ON CONFLICT (endpoint_id, activity_id) DO NOTHING;
        GET DIAGNOSTICS inserted = ROW_COUNT;
        -- Wakes the worker's sweep at once (delivered on commit only).
        IF inserted > 0 THEN PERFORM pg_notify('leadpilot_webhooks', ''); END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`CREATE TRIGGER lead_activities_integrations AFTER INSERT ON lead_activities FOR EACH ROW EXECUTE FUNCTION integrations_on_activity()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER lead_activities_integrations ON lead_activities`);
    await queryRunner.query(`DROP FUNCTION integrations_on_activity()`);
    await queryRunner.query(`DELETE FROM inbound_webhook_deliveries WHERE source = 'hubspot'`);
    await queryRunner.query(`ALTER TABLE inbound_webhook_deliveries DROP CONSTRAINT inbound_webhook_deliveries_source_check`);
    await queryRunner.query(`ALTER TABLE inbound_webhook_deliveries ADD CONSTRAINT inbound_webhook_deliveries_source_check CHECK (source IN ('leads'))`);
    await queryRunner.query(`DROP TABLE rate_buckets`);
    await queryRunner.query(`DROP TABLE crm_links`);
    await queryRunner.query(`DROP TABLE webhook_deliveries`);
    await queryRunner.query(`DROP TABLE webhook_endpoints`);
  }
}
