import { createHash } from 'node:crypto';
import type { DataSource, EntityManager, Repository } from 'typeorm';
import { z } from 'zod';
import { AGENT_NAMES, findAgent, type AgentDefinition } from '../agents/agent-registry.js';
import type { PromptVersionChoice } from '../agents/models/with-prompt-version.js';
import { findUnknownPlaceholders, PROMPT_PLACEHOLDERS } from '../agents/prompt-template.js';
import { PromptVersion } from '../entities/prompt-version.entity.js';
import { AppError, badUserInput, notFound } from '../errors.js';

export const PROMPT_TEMPLATE_MAX_LENGTH = 20_000;
/** How long choose() trusts its copy of an agent's active versions; writes here drop it at once. */
export const PROMPT_CACHE_TTL_MS = 5_000;

/** The prompt version an agent call should use; `null` from choose() means the built-in prompt. */
export type PromptChoice = PromptVersionChoice;

export interface PromptWeight {
  readonly id: string;
  readonly weight: number;
}

const templateSchema = z
  .string()
  .max(PROMPT_TEMPLATE_MAX_LENGTH, `at most ${PROMPT_TEMPLATE_MAX_LENGTH} characters`)
  .refine((template) => template.trim().length > 0, 'a template is required');

const weightsSchema = z
  .array(
    z.object({
      id: z.string(),
      weight: z.number().int('a whole number').min(0, '0 to 100').max(100, '0 to 100'),
    }),
  )
  .min(1, 'give at least one version (all weights 0 goes back to the built-in prompt)')
  .superRefine((weights, context) => {
    const seen = new Set<string>();
    weights.forEach((entry, index) => {
      if (seen.has(entry.id)) context.addIssue({ code: 'custom', path: [index, 'id'], message: `${entry.id} is given twice` });
      seen.add(entry.id);
    });
  });

interface ActiveVersion extends PromptChoice {
  readonly weight: number;
}

/**
 * Prompt versions and their A/B split. Versions are numbered per agent under an advisory lock,
 * and every write to an agent's versions takes the same lock, so two admins cannot leave an
 * agent with an inconsistent set. choose() is on the hot path (every agent call) and reads
 * through a short per-process cache.
 */
export class PromptVersionService {
  private readonly versions: Repository<PromptVersion>;
  private readonly cache = new Map<string, { expiresAt: number; active: Promise<ActiveVersion[]> }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: { cacheTtlMs?: number; now?: () => number } = {},
  ) {
    this.versions = dataSource.getRepository(PromptVersion);
  }

  /** A new version of the agent's prompt, inactive with weight 0 until activated or weighted. */
  async create(agent: string, template: string, actor: string): Promise<PromptVersion> {
    requireAgent(agent);
    const parsed = templateSchema.safeParse(template);
    if (!parsed.success) throw badUserInput(parsed.error, ['template']);
    const unknown = findUnknownPlaceholders(template);
    if (unknown.length > 0) {
      const known = PROMPT_PLACEHOLDERS.map((name) => `{{${name}}}`).join(', ');
      throw new AppError(
        'BAD_USER_INPUT',
        `template: unknown placeholder ${unknown.join(', ')}; the only one is ${known} (the built-in system prompt).`,
        { field: 'template', unknownPlaceholders: unknown },
      );
    }
    const created = await this.dataSource.transaction(async (manager) => {
      await lockAgent(manager, agent);
      const [{ latest }] = (await manager.query(
        `SELECT coalesce(max(substring(version FROM '/v([0-9]+)$')::int), 1) AS latest FROM prompt_versions WHERE agent = $1`,
        [agent],
      )) as [{ latest: number }];
      const versions = manager.getRepository(PromptVersion);
      // v1 is the built-in prompt, so stored versions start at v2.
      return versions.save(versions.create({ agent, version: `${agent}/v${latest + 1}`, template, weight: 0, active: false, createdBy: actor }));
    });
    this.invalidate(agent);
    return created;
  }

  /** Makes the version the only active one of its agent, with weight 100. */
  async activate(id: string): Promise<PromptVersion> {
    if (!z.uuid().safeParse(id).success) throw notFound('prompt version', id);
    const activated = await this.dataSource.transaction(async (manager) => {
      const versions = manager.getRepository(PromptVersion);
      const found = await versions.findOneBy({ id });
      if (!found) throw notFound('prompt version', id);
      await lockAgent(manager, found.agent);
      await manager.query(
        `UPDATE prompt_versions SET active = (id = $2), weight = CASE WHEN id = $2 THEN 100 ELSE 0 END WHERE agent = $1`,
        [found.agent, id],
      );
      return versions.findOneByOrFail({ id });
    });
    this.invalidate(activated.agent);
    return activated;
  }

  /**
   * Sets the split of the agent's calls: versions with a weight above 0 become active, all
   * others (also those not listed) inactive. Weights are relative; all 0 means the built-in prompt.
   */
  async setWeights(agent: string, weights: readonly PromptWeight[]): Promise<PromptVersion[]> {
    requireAgent(agent);
    const parsed = weightsSchema.safeParse(weights);
    if (!parsed.success) throw badUserInput(parsed.error, ['weights']);
    await this.dataSource.transaction(async (manager) => {
      await lockAgent(manager, agent);
      const versions = manager.getRepository(PromptVersion);
      const own = new Set((await versions.find({ select: { id: true }, where: { agent } })).map((version) => version.id));
      parsed.data.forEach((entry, index) => {
        if (!own.has(entry.id)) {
          throw new AppError('BAD_USER_INPUT', `weights.${index}.id: ${entry.id} is not a prompt version of ${agent}.`, { field: `weights.${index}.id`, id: entry.id });
        }
      });
      const weightOf = new Map(parsed.data.map((entry) => [entry.id, entry.weight]));
      for (const id of own) {
        const weight = weightOf.get(id) ?? 0;
        await versions.update({ id }, { weight, active: weight > 0 });
      }
    });
    this.invalidate(agent);
    return this.list(agent);
  }

  /** Every version of the agent, oldest first. */
  async list(agent: string): Promise<PromptVersion[]> {
    requireAgent(agent);
    return sortByVersion(await this.versions.findBy({ agent }));
  }

  /** The active versions of every agent, for the `agents` overview; not cached. */
  async listActive(): Promise<PromptVersion[]> {
    return sortByVersion(await this.versions.findBy({ active: true }));
  }

  /**
   * The prompt for one call of the agent about this lead, or null for the built-in one. The pick
   * is weighted and sticky: a hash of (agent, lead) is a point in [0, 1) laid over the
   * cumulative weights in version order, so a lead keeps its version as long as the weights do.
   * Calls without a lead all share the point of the empty lead id.
   */
  async choose(agent: string, leadId: string | null): Promise<PromptChoice | null> {
    const active = await this.activeVersions(agent);
    const total = active.reduce((sum, version) => sum + version.weight, 0);
    if (total === 0) return null;
    const point = stickyPoint(agent, leadId ?? '') * total;
    let cumulative = 0;
    for (const version of active) {
      cumulative += version.weight;
      if (point < cumulative) return { version: version.version, template: version.template };
    }
    const last = active.at(-1)!;
    return { version: last.version, template: last.template };
  }

  private activeVersions(agent: string): Promise<ActiveVersion[]> {
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(agent);
    if (cached && cached.expiresAt > now) return cached.active;
    // The promise is cached, not its result, so calls arriving together share one query.
    const active = this.versions
      .find({ select: { version: true, template: true, weight: true }, where: { agent, active: true } })
      .then((rows) => sortByVersion(rows).map(({ version, template, weight }) => ({ version, template, weight })));
    const entry = { expiresAt: now + (this.options.cacheTtlMs ?? PROMPT_CACHE_TTL_MS), active };
    this.cache.set(agent, entry);
    active.catch(() => {
      if (this.cache.get(agent) === entry) this.cache.delete(agent);
    });
    return active;
  }

  private invalidate(agent: string): void {
    this.cache.delete(agent);
  }
}

function requireAgent(agent: string): AgentDefinition {
  const found = findAgent(agent);
  if (!found) {
    throw new AppError('BAD_USER_INPUT', `agent: there is no agent named "${agent}". Known agents: ${AGENT_NAMES.join(', ')}.`, {
      field: 'agent',
      knownAgents: AGENT_NAMES,
    });
  }
  return found;
}

/** Serialises writes to one agent's versions until the transaction ends. */
async function lockAgent(manager: EntityManager, agent: string): Promise<void> {
  await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`leadpilot.prompt-versions:${agent}`]);
}

/** A uniform-looking, stable number in [0, 1) for the pair. */
function stickyPoint(agent: string, leadId: string): number {
  const digest = createHash('sha256').update(`${agent}\u0000${leadId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

function versionNumber(version: string): number {
  return Number(/\/v(\d+)$/.exec(version)?.[1] ?? 0);
}

/** By agent, then by version number (v10 after v9): the order never depends on the query plan. */
function sortByVersion<T extends { version: string; agent?: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => (a.agent ?? '').localeCompare(b.agent ?? '') || versionNumber(a.version) - versionNumber(b.version));
}
