import { z } from 'zod';
import { parseBudget } from '../../agents/budget-parser.js';
import { Language, LeadStatus, Priority } from '../../entities/enums.js';
import { detectLanguage } from '../../lib/detect-language.js';
import type { LegacyRow, LegacyValue } from './legacy-database.js';

/** A row mapped onto ours, or why it cannot be (said so the operator can fix the file). */
export type Mapped<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

const reject = (reason: string): Mapped<never> => ({ ok: false, reason });

/** Text of a cell: trimmed, numbers as their digits, blank as null. */
export function text(value: LegacyValue | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return null;
  const result = String(value).trim();
  return result === '' ? null : result;
}

/**
 * The old schema's id inconsistency (phase-3 plan, section 1): rows written before its migration
 * have only `id`, rows after it `lead_id` (the migration copied id into lead_id where empty).
 * Whichever is set names the lead; `lead_id` when both are.
 */
export function legacyLeadKey(row: LegacyRow): { key: string | null; aliases: string[] } {
  const leadId = text(row.values.lead_id);
  const id = text(row.values.id);
  return { key: leadId ?? id, aliases: [leadId, id].filter((alias): alias is string => alias !== null) };
}

// The old system's statuses (free text) onto ours. A lead that waited for an approval there has
// no proposal here to approve, so it is IN_PROGRESS; anything unknown stays NEW, and the
// import activity keeps the original.
const STATUS_MAP: Record<string, LeadStatus> = {
  new: LeadStatus.NEW,
  open: LeadStatus.NEW,
  received: LeadStatus.NEW,
  qualifying: LeadStatus.QUALIFYING,
  in_qualification: LeadStatus.QUALIFYING,
  qualified: LeadStatus.IN_PROGRESS,
  in_progress: LeadStatus.IN_PROGRESS,
  proposal: LeadStatus.IN_PROGRESS,
  proposal_draft: LeadStatus.IN_PROGRESS,
  awaiting_approval: LeadStatus.IN_PROGRESS,
  pending_approval: LeadStatus.IN_PROGRESS,
  disqualified: LeadStatus.DISQUALIFIED,
  not_qualified: LeadStatus.DISQUALIFIED,
  rejected: LeadStatus.DISQUALIFIED,
  spam: LeadStatus.SPAM,
  sent: LeadStatus.SENT,
  proposal_sent: LeadStatus.SENT,
  contacted: LeadStatus.SENT,
  won: LeadStatus.WON,
  closed_won: LeadStatus.WON,
  accepted: LeadStatus.WON,
  lost: LeadStatus.LOST,
  closed_lost: LeadStatus.LOST,
  declined: LeadStatus.LOST,
  failed: LeadStatus.FAILED,
  error: LeadStatus.FAILED,
};

export function mapStatus(legacy: string | null): LeadStatus {
  if (!legacy) return LeadStatus.NEW;
  return STATUS_MAP[legacy.toLowerCase().replace(/[\s-]+/g, '_')] ?? LeadStatus.NEW;
}

/** SQLite keeps dates as text: "2025-06-24 01:00:00" (UTC, CURRENT_TIMESTAMP's form) or ISO 8601. */
export function parseLegacyDate(value: LegacyValue | undefined): Date | null {
  const raw = text(value);
  if (!raw) return null;
  const local = /^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$/.test(raw);
  const date = new Date(local ? `${raw.replace(' ', 'T')}${raw.length > 10 ? 'Z' : 'T00:00:00Z'}` : raw);
  return Number.isNaN(date.getTime()) ? null : date;
}

type Json = { ok: true; value: unknown } | { ok: false };

function parseJson(value: LegacyValue | undefined): Json {
  const raw = text(value);
  if (raw === null) return { ok: true, value: null };
  try {
    return { ok: true, value: JSON.parse(raw) as unknown };
  } catch {
    return { ok: false };
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface ImportedLead {
  name: string;
  email: string;
  company: string | null;
  website: string | null;
  phone: string | null;
  message: string;
  budget: number | null;
  timeline: string | null;
  language: Language;
  status: LeadStatus;
  fitScore: number | null;
  priority: Priority | null;
  nextAction: string | null;
  scoreDetails: Record<string, unknown> | null;
  qualificationDate: Date | null;
  createdAt: Date | null;
  /** What did not carry over as is, for the lead.imported activity. */
  legacy: Record<string, unknown>;
}

const emailSchema = z.email();

export function mapLead(row: LegacyRow): Mapped<ImportedLead> {
  const values = row.values;
  const email = text(values.email);
  if (!email) return reject('missing e-mail address');
  if (!emailSchema.safeParse(email).success) return reject('the e-mail address is not valid');
  const scoreDetails = parseJson(values.score_details);
  if (!scoreDetails.ok) return reject('score_details is not valid JSON');
  const company = text(values.company);
  const message = text(values.message) ?? text(values.requirements) ?? text(values.description);
  const legacyStatus = text(values.status);
  const rawBudget = values.budget;
  const budget = typeof rawBudget === 'number' ? (rawBudget >= 0 && Number.isFinite(rawBudget) ? rawBudget : null) : (parseBudget(text(rawBudget), 'field')?.max ?? null);
  const priority = text(values.priority)?.toLowerCase();
  return {
    ok: true,
    value: {
      // The old form did not always ask for a name; the company or the address stands in.
      name: text(values.name) ?? text(values.contact_name) ?? company ?? email,
      email,
      company,
      website: text(values.website),
      phone: text(values.phone),
      message: message ?? '(no message in the legacy system)',
      budget: budget !== null && budget < 1_000_000_000_000 ? budget : null,
      timeline: text(values.timeline),
      language: detectLanguage(message ?? ''),
      status: mapStatus(legacyStatus),
      fitScore: fitScore(values.fit_score),
      priority: priority && (Object.values(Priority) as string[]).includes(priority) ? (priority as Priority) : null,
      nextAction: text(values.next_action),
      scoreDetails: scoreDetails.value === null ? null : isObject(scoreDetails.value) ? scoreDetails.value : { value: scoreDetails.value },
      qualificationDate: parseLegacyDate(values.qualification_date),
      createdAt: parseLegacyDate(values.created_at),
      legacy: { status: legacyStatus, budget: text(rawBudget), fitScore: text(values.fit_score) },
    },
  };
}

/** 0 to 100; the old agents sometimes wrote a fraction (0.75). */
function fitScore(value: LegacyValue | undefined): number | null {
  const number = typeof value === 'number' ? value : Number(text(value) ?? Number.NaN);
  if (!Number.isFinite(number)) return null;
  const score = number > 0 && number < 1 ? number * 100 : number;
  return score >= 0 && score <= 100 ? Math.round(score) : null;
}

export interface ImportedActivity {
  type: string;
  data: Record<string, unknown>;
  createdAt: Date | null;
}

export function mapActivity(row: LegacyRow): Mapped<ImportedActivity> {
  const data = parseJson(row.values.activity_data);
  if (!data.ok) return reject('activity_data is not valid JSON');
  const kind = (text(row.values.activity_type) ?? 'activity').toLowerCase().replace(/[^a-z0-9_.]+/g, '_');
  return {
    ok: true,
    value: {
      type: `legacy.${kind}`,
      data: data.value === null ? {} : isObject(data.value) ? data.value : { value: data.value },
      createdAt: parseLegacyDate(row.values.created_at),
    },
  };
}

export interface ImportedDesign {
  summary: string;
  components: unknown[];
  stack: unknown[];
  workPackages: unknown[];
  risks: unknown[];
  assumptions: unknown[];
  alternatives: unknown[];
  confidence: number | null;
  createdAt: Date | null;
}

const list = (value: unknown): unknown[] => (value === null || value === undefined ? [] : Array.isArray(value) ? value : [value]);

export function mapDesign(row: LegacyRow): Mapped<ImportedDesign> {
  const parsed = parseJson(row.values.design_data);
  if (!parsed.ok) return reject('design_data is not valid JSON');
  if (!isObject(parsed.value)) return reject('design_data is not a JSON object');
  const design = parsed.value;
  const summary = [design.summary, design.solution_summary, design.overview, design.title].find((value) => typeof value === 'string' && value.trim() !== '') as string | undefined;
  const confidence = typeof design.confidence === 'number' ? (design.confidence > 1 && design.confidence <= 100 ? design.confidence / 100 : design.confidence) : null;
  return {
    ok: true,
    value: {
      summary: summary?.trim() ?? 'Solution design imported from the legacy system (it had no summary).',
      components: list(design.components),
      stack: list(design.stack ?? design.tech_stack ?? design.technologies),
      workPackages: list(design.work_packages ?? design.workPackages ?? design.phases),
      risks: list(design.risks),
      assumptions: list(design.assumptions),
      alternatives: list(design.alternatives),
      confidence: confidence !== null && confidence >= 0 && confidence <= 1 ? confidence : null,
      createdAt: parseLegacyDate(row.values.created_at),
    },
  };
}
