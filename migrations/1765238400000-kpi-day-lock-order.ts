import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The upsert of record_lead_kpi_days (KpiRollups1764892800000) takes its rows in the order its
 * aggregate happens to produce them, which differs with the set of keys a change touches. Two
 * leads reaching PENDING_APPROVAL at once could so lock the same day's rows ('generation' and
 * 'proposed') in opposite orders and deadlock: measured, 0–4 review steps per offline evaluation
 * run of 99 leads failed with 40P01 and waited for their retry. Sorted by key, every upsert takes
 * the rows it shares with another in the same order.
 */
export class KpiDayLockOrder1765238400000 implements MigrationInterface {
  name = 'KpiDayLockOrder1765238400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(recordLeadKpiDays('ORDER BY 1, 2, 3'));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(recordLeadKpiDays(''));
  }
}

function recordLeadKpiDays(order: string): string {
  return `
    CREATE OR REPLACE FUNCTION record_lead_kpi_days() RETURNS trigger LANGUAGE plpgsql AS $$
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
        ${order}
        ON CONFLICT (measure, day, bucket) DO UPDATE SET count = d.count + EXCLUDED.count;
      RETURN NULL;
    END $$`;
}
