import type { MigrationInterface, QueryRunner } from 'typeorm';

const oneOf = (column: string, values: readonly string[]) =>
  `CHECK (${column} IN (${values.map((value) => `'${value}'`).join(', ')}))`;

// Enum values are copied here on purpose: a migration describes the schema as it was on its day.
const LEAD_STATUSES = ['new', 'qualifying', 'disqualified', 'spam', 'in_progress', 'awaiting_approval', 'sent', 'won', 'lost', 'failed'];
const PROPOSAL_STATUSES = ['draft', 'in_review', 'pending_approval', 'approved', 'rejected', 'superseded', 'approval_expired', 'sent', 'accepted', 'declined', 'expired'];
const LANGUAGES = ['de', 'en', 'fr', 'es'];

export class InitialSchema1764028800000 implements MigrationInterface {
  name = 'InitialSchema1764028800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE leads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        email text NOT NULL,
        company text,
        website text,
        phone text,
        message text NOT NULL,
        budget numeric(14, 2) CHECK (budget >= 0),
        timeline text,
        language text NOT NULL ${oneOf('language', LANGUAGES)},
        source text NOT NULL ${oneOf('source', ['api', 'form', 'webhook', 'hubspot', 'import'])},
        status text NOT NULL DEFAULT 'new' ${oneOf('status', LEAD_STATUSES)},
        fit_score integer CHECK (fit_score BETWEEN 0 AND 100),
        priority text ${oneOf('priority', ['high', 'medium', 'low'])},
        next_action text,
        score_details jsonb,
        qualification_date timestamptz,
        first_response_at timestamptz,
        idempotency_key text,
        input_hash text,
        erased_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX leads_idempotency_key_key ON leads (idempotency_key) WHERE idempotency_key IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX leads_created_at_id_idx ON leads (created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX leads_status_created_at_idx ON leads (status, created_at DESC, id DESC)`);
    await queryRunner.query(`CREATE INDEX leads_email_created_at_idx ON leads (lower(email), created_at DESC)`);

    await queryRunner.query(`
      CREATE TABLE lead_activities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lead_id uuid NOT NULL REFERENCES leads (id),
        type text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}',
        actor text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await queryRunner.query(`CREATE INDEX lead_activities_lead_id_created_at_idx ON lead_activities (lead_id, created_at)`);

    await queryRunner.query(`
      CREATE TABLE solution_designs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lead_id uuid NOT NULL REFERENCES leads (id),
        revision integer NOT NULL CHECK (revision >= 1),
        summary text NOT NULL,
        components jsonb NOT NULL DEFAULT '[]',
        stack jsonb NOT NULL DEFAULT '[]',
        work_packages jsonb NOT NULL DEFAULT '[]',
        risks jsonb NOT NULL DEFAULT '[]',
        assumptions jsonb NOT NULL DEFAULT '[]',
        alternatives jsonb NOT NULL DEFAULT '[]',
        confidence real CHECK (confidence BETWEEN 0 AND 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (lead_id, revision)
      )`);

    await queryRunner.query(`
      CREATE TABLE proposals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lead_id uuid NOT NULL REFERENCES leads (id),
        solution_design_id uuid REFERENCES solution_designs (id),
        revision integer NOT NULL CHECK (revision >= 1),
        language text NOT NULL ${oneOf('language', LANGUAGES)},
        title text NOT NULL,
        body text NOT NULL,
        line_items jsonb NOT NULL DEFAULT '[]',
        total numeric(14, 2) NOT NULL CHECK (total >= 0),
        currency text NOT NULL DEFAULT 'EUR',
        pricing_model text NOT NULL ${oneOf('pricing_model', ['fixed_price', 'time_and_materials'])},
        valid_until date,
        status text NOT NULL DEFAULT 'draft' ${oneOf('status', PROPOSAL_STATUSES)},
        review_score real,
        review_notes jsonb,
        prompt_version text,
        sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        version integer NOT NULL DEFAULT 1,
        UNIQUE (lead_id, revision)
      )`);
    await queryRunner.query(`CREATE INDEX proposals_status_created_at_idx ON proposals (status, created_at, id)`);
    await queryRunner.query(`CREATE INDEX proposals_created_at_id_idx ON proposals (created_at DESC, id DESC)`);

    await queryRunner.query(`
      CREATE TABLE outbound_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lead_id uuid REFERENCES leads (id),
        proposal_id uuid REFERENCES proposals (id),
        kind text NOT NULL,
        channel text NOT NULL ${oneOf('channel', ['email', 'crm'])},
        recipient text,
        subject text,
        payload jsonb NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'pending' ${oneOf('status', ['pending', 'awaiting_approval', 'sending', 'sent', 'failed', 'cancelled'])},
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        idempotency_key text NOT NULL UNIQUE,
        message_id text,
        available_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX outbound_messages_status_available_at_idx ON outbound_messages (status, available_at)`);
    await queryRunner.query(`CREATE INDEX outbound_messages_lead_id_idx ON outbound_messages (lead_id)`);

    await queryRunner.query(`
      CREATE TABLE approval_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        proposal_id uuid REFERENCES proposals (id),
        outbound_message_id uuid REFERENCES outbound_messages (id),
        decision text NOT NULL ${oneOf('decision', ['approved', 'rejected'])},
        feedback text,
        decided_by text NOT NULL,
        channel text NOT NULL ${oneOf('channel', ['slack', 'graphql', 'dashboard'])},
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (num_nonnulls(proposal_id, outbound_message_id) = 1)
      )`);
    // One decision per revision, whatever the clicks: the database has the last word.
    await queryRunner.query(`CREATE UNIQUE INDEX approval_decisions_proposal_id_key ON approval_decisions (proposal_id) WHERE proposal_id IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX approval_decisions_outbound_message_id_key ON approval_decisions (outbound_message_id) WHERE outbound_message_id IS NOT NULL`);

    await queryRunner.query(`
      CREATE TABLE agent_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lead_id uuid REFERENCES leads (id),
        agent text NOT NULL,
        strategy text NOT NULL,
        provider text,
        model text,
        prompt_version text,
        attempts jsonb NOT NULL DEFAULT '[]',
        input_tokens integer NOT NULL DEFAULT 0,
        output_tokens integer NOT NULL DEFAULT 0,
        cost numeric(12, 6) NOT NULL DEFAULT 0,
        latency_ms integer NOT NULL,
        status text NOT NULL ${oneOf('status', ['succeeded', 'failed'])},
        error text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX agent_runs_agent_created_at_idx ON agent_runs (agent, created_at)`);
    await queryRunner.query(`CREATE INDEX agent_runs_lead_id_idx ON agent_runs (lead_id)`);

    await queryRunner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL ${oneOf('role', ['viewer', 'integration', 'approver', 'admin'])},
        delegate boolean NOT NULL DEFAULT false,
        key_hash text NOT NULL UNIQUE,
        key_prefix text NOT NULL,
        expires_at timestamptz,
        last_used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['api_keys', 'agent_runs', 'approval_decisions', 'outbound_messages', 'proposals', 'solution_designs', 'lead_activities', 'leads']) {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  }
}
