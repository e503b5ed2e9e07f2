import type { DataSource, EntityManager } from 'typeorm';
import { LeadSource } from '../../entities/enums.js';
import { isUniqueViolation } from '../../services/lead.service.js';
import { nextRevision } from '../../services/next-revision.js';
import type { LegacyDatabase, LegacyRow } from './legacy-database.js';
import { legacyLeadKey, mapActivity, mapDesign, mapLead, text, type Mapped } from './legacy-rows.js';

export const LEGACY_TABLES = ['leads', 'lead_activities', 'solution_designs'] as const;
export type LegacyTable = (typeof LEGACY_TABLES)[number];

export interface RejectedRow {
  readonly row: number;
  readonly legacyId: string | null;
  readonly reason: string;
}

export interface TableSummary {
  readonly table: LegacyTable;
  /** False when the file has no such table (an old system from before it existed). */
  readonly present: boolean;
  readonly total: number;
  imported: number;
  /** Imported by an earlier run (or, at the same moment, by another). */
  skipped: number;
  readonly rejected: RejectedRow[];
}

export type ImportProgress = (table: LegacyTable, done: number, total: number) => void;

/** Thrown inside a row's transaction so that nothing of the row stays. */
class RowRejected extends Error {}

/** Whose doing an imported row is, in the activity log. */
const ACTOR = 'import:legacy';

/**
 * Imports the old system's leads, their activities and solution designs. Each row goes in with
 * its legacy_imports mapping in one transaction, so a re-run (or a run after a crash) skips
 * exactly what is in. Imported leads are written directly, not through LeadService.submit: they
 * keep their old status and start no pipeline and no first reply.
 */
export class LegacyImportService {
  constructor(private readonly dataSource: DataSource) {}

  async run(legacy: LegacyDatabase, onProgress: ImportProgress = () => {}): Promise<TableSummary[]> {
    const leadRows = this.read(legacy, 'leads');
    // Every id a lead row is known by (both columns), so activities find it whichever they used.
    const aliases = new Map<string, string>();
    const seen = new Map<string, number>();
    for (const row of leadRows.rows) {
      const { key, aliases: names } = legacyLeadKey(row);
      if (!key || seen.has(key)) continue;
      seen.set(key, row.rowNumber);
      for (const name of names) if (!aliases.has(name)) aliases.set(name, key);
    }

    const leads = await this.importTable(leadRows.summary, leadRows.rows, onProgress, {
      idOf: (row) => legacyLeadKey(row).key,
      missingId: 'neither id nor lead_id is set',
      insert: async (manager, row) => {
        const mapped = mapLead(row);
        if (!mapped.ok) return mapped;
        const lead = mapped.value;
        const [inserted] = (await manager.query(
          `INSERT INTO leads (name, email, company, website, phone, message, budget, timeline, language, source, status, fit_score, priority,
                              next_action, score_details, qualification_date, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, coalesce($17, now()), coalesce($17, now()))
           RETURNING id`,
          [lead.name, lead.email, lead.company, lead.website, lead.phone, lead.message, lead.budget, lead.timeline, lead.language, LeadSource.IMPORT,
            lead.status, lead.fitScore, lead.priority, lead.nextAction, lead.scoreDetails === null ? null : JSON.stringify(lead.scoreDetails),
            lead.qualificationDate, lead.createdAt],
        )) as { id: string }[];
        const id = inserted!.id;
        await manager.query(`INSERT INTO lead_activities (lead_id, type, data, actor) VALUES ($1, 'lead.imported', $2, $3)`, [
          id, JSON.stringify({ legacyId: legacyLeadKey(row).key, legacy: lead.legacy }), ACTOR,
        ]);
        return { ok: true, value: id };
      },
    });
    const leadIds = await this.mappings('leads');

    // An activity or design names its lead by either id; it goes in only when that lead did.
    const leadOf = (row: LegacyRow): Mapped<string> => {
      const reference = text(row.values.lead_id);
      if (!reference) return { ok: false, reason: 'lead_id is not set' };
      const key = aliases.get(reference);
      if (!key) return { ok: false, reason: `orphan: no lead with id "${reference}" in the file` };
      const leadId = leadIds.get(key);
      if (!leadId) return { ok: false, reason: `its lead "${key}" was not imported (rejected)` };
      return { ok: true, value: leadId };
    };

    const activityRows = this.read(legacy, 'lead_activities');
    const activities = await this.importTable(activityRows.summary, activityRows.rows, onProgress, {
      idOf: (row) => text(row.values.id),
      missingId: 'id is not set',
      insert: async (manager, row) => {
        const lead = leadOf(row);
        if (!lead.ok) return lead;
        const mapped = mapActivity(row);
        if (!mapped.ok) return mapped;
        const [inserted] = (await manager.query(
          `INSERT INTO lead_activities (lead_id, type, data, actor, created_at) VALUES ($1, $2, $3, $4, coalesce($5, now())) RETURNING id`,
          [lead.value, mapped.value.type, JSON.stringify({ ...mapped.value.data, legacyId: text(row.values.id) }), ACTOR, mapped.value.createdAt],
        )) as { id: string }[];
        return { ok: true, value: inserted!.id };
      },
    });

    const designRows = this.read(legacy, 'solution_designs');
    const designs = await this.importTable(designRows.summary, designRows.rows, onProgress, {
      idOf: (row) => text(row.values.id),
      missingId: 'id is not set',
      insert: async (manager, row) => {
        const lead = leadOf(row);
        if (!lead.ok) return lead;
        const mapped = mapDesign(row);
        if (!mapped.ok) return mapped;
        const design = mapped.value;
        const revision = await nextRevision(manager, 'solution_designs', lead.value);
        const [inserted] = (await manager.query(
          `INSERT INTO solution_designs (lead_id, revision, summary, components, stack, work_packages, risks, assumptions, alternatives, confidence, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, coalesce($11, now())) RETURNING id`,
          [lead.value, revision, design.summary, ...[design.components, design.stack, design.workPackages, design.risks, design.assumptions, design.alternatives].map((part) => JSON.stringify(part)),
            design.confidence, design.createdAt],
        )) as { id: string }[];
        return { ok: true, value: inserted!.id };
      },
    });
    return [leads, activities, designs];
  }

  private read(legacy: LegacyDatabase, table: LegacyTable): { summary: TableSummary; rows: LegacyRow[] } {
    const present = legacy.hasTable(table);
    const rows = present ? legacy.rows(table) : [];
    return { summary: { table, present, total: rows.length, imported: 0, skipped: 0, rejected: [] }, rows };
  }

  private async importTable(
    summary: TableSummary,
    rows: readonly LegacyRow[],
    onProgress: ImportProgress,
    how: { idOf: (row: LegacyRow) => string | null; missingId: string; insert: (manager: EntityManager, row: LegacyRow) => Promise<Mapped<string>> },
  ): Promise<TableSummary> {
    const done = await this.mappings(summary.table);
    const firstRowOf = new Map<string, number>();
    onProgress(summary.table, 0, rows.length);
    for (const [index, row] of rows.entries()) {
      const legacyId = how.idOf(row);
      const rejectRow = (reason: string) => summary.rejected.push({ row: row.rowNumber, legacyId, reason });
      if (!legacyId) {
        rejectRow(how.missingId);
      } else if (firstRowOf.has(legacyId)) {
        rejectRow(`duplicate id "${legacyId}": row ${firstRowOf.get(legacyId)} has it too and was taken`);
      } else {
        firstRowOf.set(legacyId, row.rowNumber);
        if (done.has(legacyId)) {
          summary.skipped += 1;
        } else {
          const outcome = await this.importRow(summary.table, legacyId, row, how.insert);
          if (outcome === 'imported') summary.imported += 1;
          else if (outcome === 'skipped') summary.skipped += 1;
          else rejectRow(outcome.reason);
        }
      }
      onProgress(summary.table, index + 1, rows.length);
    }
    return summary;
  }

  private async importRow(
    table: LegacyTable,
    legacyId: string,
    row: LegacyRow,
    insert: (manager: EntityManager, row: LegacyRow) => Promise<Mapped<string>>,
  ): Promise<'imported' | 'skipped' | { reason: string }> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const outcome = await insert(manager, row);
        if (!outcome.ok) throw new RowRejected(outcome.reason);
        await manager.query(`INSERT INTO legacy_imports (source_table, legacy_id, target_id) VALUES ($1, $2, $3)`, [table, legacyId, outcome.value]);
        return 'imported' as const;
      });
    } catch (error) {
      if (error instanceof RowRejected) return { reason: error.message };
      // Another import run took this row at the same moment: its mapping is in, ours rolled back.
      if (isUniqueViolation(error)) return 'skipped';
      // A value PostgreSQL refuses (a CHECK, a type) rejects this row, not the whole import.
      const sqlState = (error as { code?: unknown }).code;
      if (typeof sqlState === 'string' && /^(22|23)/.test(sqlState)) return { reason: `refused by the database: ${(error as Error).message}` };
      throw error;
    }
  }

  private async mappings(table: LegacyTable): Promise<Map<string, string>> {
    const rows = (await this.dataSource.query(`SELECT legacy_id, target_id FROM legacy_imports WHERE source_table = $1`, [table])) as { legacy_id: string; target_id: string }[];
    return new Map(rows.map((row) => [row.legacy_id, row.target_id]));
  }
}
