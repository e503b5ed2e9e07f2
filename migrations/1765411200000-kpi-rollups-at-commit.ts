import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The KPI roll-ups add to rows every lead shares: lead_kpi_days one row per day and measure (every
 * lead captured today adds to the same 'leads' row, every lead reaching PENDING_APPROVAL to the
 * same 'generation' and 'proposed' rows), stage_days eight per day and stage. Fired with their
 * statement, the triggers held those row locks until the transaction ended, through every round
 * trip it still made: with 20 leads in flight, the lead INSERT and the review step's UPDATE
 * waited 15–20 ms on average for the transaction before them (pg_stat_statements). Deferred to
 * commit, the same upserts hold the rows only while the transaction commits. The sums are the
 * same: each change still adds its delta, in its own transaction, from the row versions of that
 * change.
 */
export class KpiRollupsAtCommit1765411200000 implements MigrationInterface {
  name = 'KpiRollupsAtCommit1765411200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await this.recreate(queryRunner, 'CONSTRAINT TRIGGER', 'DEFERRABLE INITIALLY DEFERRED');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await this.recreate(queryRunner, 'TRIGGER', '');
  }

  private async recreate(queryRunner: QueryRunner, kind: string, timing: string): Promise<void> {
    const triggers = [
      ['lead_kpi_facts_days', 'lead_kpi_facts', 'INSERT OR UPDATE OR DELETE', '', 'record_lead_kpi_days()'],
      ['status_changes_stage_day_inserted', 'status_changes', 'INSERT', '', 'record_stage_day()'],
      ['status_changes_stage_day_left', 'status_changes', 'UPDATE OF left_at', 'WHEN (OLD.left_at IS NULL AND NEW.left_at IS NOT NULL)', 'record_stage_day()'],
    ] as const;
    for (const [name, table, events, when, run] of triggers) {
      await queryRunner.query(`DROP TRIGGER ${name} ON ${table}`);
      await queryRunner.query(`CREATE ${kind} ${name} AFTER ${events} ON ${table} ${timing} FOR EACH ROW ${when} EXECUTE FUNCTION ${run}`);
    }
  }
}
