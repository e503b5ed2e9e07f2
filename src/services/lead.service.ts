import { createHash } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { LeadActivity } from '../entities/lead-activity.entity.js';
import { Lead } from '../entities/lead.entity.js';
import { Language, LeadSource, LeadStatus, Priority, enumValues } from '../entities/enums.js';
import { AppError, badUserInput } from '../errors.js';
import type { Clock } from '../lib/clock.js';
import { detectLanguage } from '../lib/detect-language.js';
import { entityRows, selectList, selectRows } from '../database/entity-rows.js';
import { decodeCursor, encodeCursor, type Connection, pageSize } from './pagination.js';
import { noDomainEvents, type DomainEvents } from './domain-events.js';

export const LEAD_LIMITS = {
  name: 200,
  email: 254,
  company: 200,
  website: 500,
  phone: 50,
  message: 10_000,
  timeline: 200,
  idempotencyKey: 200,
  budget: 1_000_000_000,
} as const;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `at most ${max} characters`)
    .nullish()
    .transform((value) => (value ? value : null));

export const submitLeadSchema = z.object({
  name: z.string().trim().min(1, 'a name is required').max(LEAD_LIMITS.name, `at most ${LEAD_LIMITS.name} characters`),
  email: z
    .string()
    .trim()
    .max(LEAD_LIMITS.email, `at most ${LEAD_LIMITS.email} characters`)
    .pipe(z.email({ message: 'expected an e-mail address such as jane@example.com' })),
  company: optionalText(LEAD_LIMITS.company),
  website: optionalText(LEAD_LIMITS.website),
  phone: optionalText(LEAD_LIMITS.phone),
  message: z
    .string()
    .trim()
    .min(1, 'a message is required: what does the lead need?')
    .max(LEAD_LIMITS.message, `at most ${LEAD_LIMITS.message} characters`),
  budget: z
    .number()
    .min(0, 'must be 0 or more')
    .max(LEAD_LIMITS.budget, `at most ${LEAD_LIMITS.budget}`)
    .nullish()
    .transform((value) => value ?? null),
  timeline: optionalText(LEAD_LIMITS.timeline),
  language: z.enum(enumValues(Language)).nullish(),
  source: z.enum(enumValues(LeadSource)).default(LeadSource.API),
  idempotencyKey: optionalText(LEAD_LIMITS.idempotencyKey),
});

export type SubmitLeadInput = z.input<typeof submitLeadSchema>;

export const LEAD_SEARCH_MAX = 200;

export const leadFilterSchema = z
  .object({
    status: z.enum(enumValues(LeadStatus)).nullish(),
    priority: z.enum(enumValues(Priority)).nullish(),
    source: z.enum(enumValues(LeadSource)).nullish(),
    search: z.string().trim().max(LEAD_SEARCH_MAX, `at most ${LEAD_SEARCH_MAX} characters`).nullish(),
    createdFrom: z.date().nullish(),
    createdTo: z.date().nullish(),
  })
  .refine((filter) => !filter.createdFrom || !filter.createdTo || filter.createdFrom <= filter.createdTo, {
    message: 'createdFrom must not be after createdTo',
    path: ['createdFrom'],
  });

export type LeadFilter = z.input<typeof leadFilterSchema>;

/** ILIKE treats % and _ as wildcards: a search for "50%" means the characters, not a pattern. */
export const escapeLike = (text: string) => text.replace(/[\\%_]/g, (match) => `\\${match}`);

/** Submissions of the same e-mail and message within this window are one lead. */
const DUPLICATE_WINDOW_MS = 24 * 3_600_000;

export interface SubmitLeadResult {
  lead: Lead;
  /** False when an earlier lead was returned (idempotency key or duplicate). */
  created: boolean;
}

export interface ParsedSubmission {
  readonly fields: Omit<z.output<typeof submitLeadSchema>, 'idempotencyKey'>;
  readonly idempotencyKey: string | null;
  readonly inputHash: string;
}

export interface SubmitOptions {
  /** Merged into the data of the lead.created activity: the form's consent, a webhook's delivery id. */
  readonly activityData?: Record<string, unknown>;
}

/** Hooks run inside the transaction that creates a lead (the pipeline enqueues intake here). */
export type LeadCreatedHook = (lead: Lead, manager: EntityManager) => Promise<void>;

export class LeadService {
  private readonly createdHooks: LeadCreatedHook[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly events: DomainEvents = noDomainEvents,
  ) {
    this.leadRows = entityRows(dataSource, Lead);
  }

  private readonly leadRows: (rows: readonly Record<string, unknown>[]) => Lead[];

  onLeadCreated(hook: LeadCreatedHook): void {
    this.createdHooks.push(hook);
  }

  /** Validates a submission (anything: the zod schema is the check); throws BAD_USER_INPUT naming every bad field. */
  parse(input: unknown): ParsedSubmission {
    const parsed = submitLeadSchema.safeParse(input);
    if (!parsed.success) throw badUserInput(parsed.error, ['input']);
    const { idempotencyKey, ...fields } = parsed.data;
    return { fields, idempotencyKey, inputHash: hashInput(fields) };
  }

  async submit(input: SubmitLeadInput, actor: string, options: SubmitOptions = {}): Promise<SubmitLeadResult> {
    const submission = this.parse(input);
    const { idempotencyKey, inputHash } = submission;
    if (idempotencyKey) {
      const earlier = await this.findByIdempotencyKey(this.dataSource.manager, idempotencyKey, inputHash);
      if (earlier) return { lead: earlier, created: false };
    }
    let result: SubmitLeadResult;
    try {
      result = await this.dataSource.transaction((manager) => this.submitWithin(manager, submission, actor, options));
    } catch (error) {
      // Two submissions with one key raced: the loser answers like a repeat.
      if (idempotencyKey && isUniqueViolation(error)) {
        const earlier = await this.findByIdempotencyKey(this.dataSource.manager, idempotencyKey, inputHash);
        if (earlier) return { lead: earlier, created: false };
      }
      throw error;
    }
    return result;
  }

  /**
   * The submission inside a transaction the caller owns, for entry points that write their own
   * record with the lead (the webhook's delivery). A new lead is announced by that transaction.
   */
  async submitWithin(manager: EntityManager, submission: ParsedSubmission, actor: string, options: SubmitOptions = {}): Promise<SubmitLeadResult> {
    const { fields, idempotencyKey, inputHash } = submission;
    if (idempotencyKey) {
      const earlier = await this.findByIdempotencyKey(manager, idempotencyKey, inputHash);
      if (earlier) return { lead: earlier, created: false };
    }
    const duplicate = await this.findRecentDuplicate(manager, fields.email, fields.message);
    if (duplicate) {
      await manager.getRepository(LeadActivity).insert({
        leadId: duplicate.id,
        type: 'lead.duplicate_submitted',
        data: { ...options.activityData, source: fields.source },
        actor,
      });
      return { lead: duplicate, created: false };
    }
    const leads = manager.getRepository(Lead);
    const lead = await leads.save(
      leads.create({
        ...fields,
        language: fields.language ?? detectLanguage(fields.message),
        status: LeadStatus.NEW,
        idempotencyKey,
        inputHash,
      }),
    );
    await manager.getRepository(LeadActivity).insert({
      leadId: lead.id,
      type: 'lead.created',
      data: { ...options.activityData, source: lead.source, language: lead.language, languageGiven: fields.language != null },
      actor,
    });
    for (const hook of this.createdHooks) await hook(lead, manager);
    await this.events.leadChanged(lead.id, manager);
    return { lead, created: true };
  }

  findById(id: string): Promise<Lead | null> {
    if (!z.uuid().safeParse(id).success) return Promise.resolve(null);
    return this.dataSource.getRepository(Lead).findOneBy({ id });
  }

  /**
   * Newest first, ties broken by id; the cursor names the last row seen, so inserts never shift a
   * page. Plain SQL (one of the busiest reads): the count and the page go out together, and the
   * rows become entities without the query builder (entityRows).
   */
  async list(args: { first?: number | null; after?: string | null; filter?: LeadFilter | null }): Promise<Connection<Lead>> {
    const limit = pageSize(args.first);
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const where = (condition: (placeholder: string) => string, value: unknown) => {
      parameters.push(value);
      conditions.push(condition(`$${parameters.length}`));
    };
    if (args.filter) {
      const parsed = leadFilterSchema.safeParse(args.filter);
      if (!parsed.success) throw badUserInput(parsed.error, ['filter']);
      const filter = parsed.data;
      if (filter.status) where((p) => `status = ${p}`, filter.status);
      if (filter.priority) where((p) => `priority = ${p}`, filter.priority);
      if (filter.source) where((p) => `source = ${p}`, filter.source);
      if (filter.createdFrom) where((p) => `created_at >= ${p}`, filter.createdFrom);
      if (filter.createdTo) where((p) => `created_at < ${p}`, filter.createdTo);
      if (filter.search) where((p) => `(name ILIKE ${p} ESCAPE '\\' OR company ILIKE ${p} ESCAPE '\\' OR email ILIKE ${p} ESCAPE '\\')`, `%${escapeLike(filter.search)}%`);
    }
    const countSql = `SELECT count(*)::int AS count FROM leads${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''}`;
    const countParameters = [...parameters];
    if (args.after) where((p) => `(created_at, id) < (SELECT created_at, id FROM leads WHERE id = ${p})`, decodeCursor(args.after));
    parameters.push(limit + 1);
    const pageSql = `SELECT ${selectList(this.dataSource, Lead)} FROM leads${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT $${parameters.length}`;
    const [counted, page] = await Promise.all([
      selectRows(this.dataSource, countSql, countParameters),
      selectRows(this.dataSource, pageSql, parameters),
    ]);
    const rows = this.leadRows(page);
    const nodes = rows.slice(0, limit);
    return {
      edges: nodes.map((node) => ({ cursor: encodeCursor(node.id), node })),
      pageInfo: { hasNextPage: rows.length > limit, endCursor: nodes.length ? encodeCursor(nodes[nodes.length - 1]!.id) : null },
      totalCount: counted[0]!['count'] as number,
    };
  }

  private async findByIdempotencyKey(manager: EntityManager, idempotencyKey: string, inputHash: string): Promise<Lead | null> {
    const earlier = await manager.getRepository(Lead).findOneBy({ idempotencyKey });
    if (!earlier) return null;
    if (earlier.inputHash !== inputHash) {
      throw new AppError(
        'CONFLICT',
        'This idempotencyKey was already used with different input. Use a new key for a new lead.',
        { field: 'input.idempotencyKey', leadId: earlier.id },
      );
    }
    return earlier;
  }

  private findRecentDuplicate(manager: EntityManager, email: string, message: string): Promise<Lead | null> {
    const since = new Date(this.clock.now().getTime() - DUPLICATE_WINDOW_MS);
    return manager
      .getRepository(Lead)
      .createQueryBuilder('lead')
      .where('lower(lead.email) = lower(:email)', { email })
      .andWhere('lead.created_at >= :since', { since })
      .andWhere('lead.message = :message', { message })
      .andWhere('lead.erased_at IS NULL')
      .orderBy('lead.created_at', 'ASC')
      .getOne();
  }
}

function hashInput(fields: Record<string, unknown>): string {
  const canonical = JSON.stringify(Object.keys(fields).sort().map((key) => [key, fields[key] ?? null]));
  return createHash('sha256').update(canonical).digest('hex');
}

export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}
