import { createHash, randomBytes } from 'node:crypto';
import type { DataSource, Repository } from 'typeorm';
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { ApiKey } from '../entities/api-key.entity.js';
import { Role, enumValues } from '../entities/enums.js';
import { AppError, badUserInput, notFound } from '../errors.js';
import type { Clock } from '../lib/clock.js';

const KEY_PREFIX = 'lp_';
/** last_used_at is refreshed at most this often per key, so reads do not turn into writes. */
const LAST_USED_RESOLUTION_MS = 60_000;
/**
 * How long a process trusts its copy of a key. Changes are announced at once (see
 * `cacheUntilChanged`); this only bounds what a notification lost while the listening
 * connection was down could leave stale.
 */
export const API_KEY_CACHE_MS = 10_000;

/** What authentication needs of a key row, as this process last read it. */
interface CachedKey {
  readonly apiKey: Pick<ApiKey, 'id' | 'name' | 'role' | 'delegate' | 'revokedAt' | 'expiresAt'>;
  lastUsedAt: Date | null;
  readonly readAt: number;
}

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, 'a name is required').max(100, 'at most 100 characters'),
  role: z.enum(enumValues(Role)),
  delegate: z.boolean().default(false),
  expiresAt: z.date().nullable().default(null),
});

export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** The key itself: shown once, never stored. */
  key: string;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function generateKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * Keys are 256 random bits, so a single SHA-256 is as safe as a slow hash here and lets a
 * request find its key by an indexed lookup.
 */
export class ApiKeyService {
  private readonly keys: Repository<ApiKey>;
  /** By key hash; null until `cacheUntilChanged` turns caching on. */
  private cache: Map<string, CachedKey> | null = null;
  /** Bumped by every invalidation: a read that started before one must not fill the cache. */
  private generation = 0;
  private readonly waitingForChange = new Map<string, (() => void)[]>();
  /** Reads of keys in flight, by hash (see `read`). */
  private readonly reading = new Map<string, Promise<CachedKey | null>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    this.keys = dataSource.getRepository(ApiKey);
  }

  async create(input: CreateApiKeyInput): Promise<CreatedApiKey> {
    const parsed = createApiKeySchema.safeParse(input);
    if (!parsed.success) throw badUserInput(parsed.error);
    const { name, role, delegate, expiresAt } = parsed.data;
    if (expiresAt && expiresAt.getTime() <= this.clock.now().getTime()) {
      throw new AppError('BAD_USER_INPUT', 'expiresAt: must be in the future', { field: 'expiresAt' });
    }
    const key = generateKey();
    const apiKey = await this.keys.save(
      this.keys.create({ name, role, delegate, expiresAt, keyHash: hashApiKey(key), keyPrefix: key.slice(0, 10) }),
    );
    return { apiKey, key };
  }

  list(): Promise<ApiKey[]> {
    return this.keys.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  async revoke(id: string): Promise<ApiKey> {
    if (!z.uuid().safeParse(id).success) throw notFound('API key', id);
    // Conditional, so a second revoke keeps the first time.
    await this.keys
      .createQueryBuilder()
      .update()
      .set({ revokedAt: this.clock.now() })
      .where('id = :id AND revoked_at IS NULL', { id })
      .execute();
    // Here at once; other processes (and this one again) hear it from the trigger.
    this.forget(id);
    const apiKey = await this.keys.findOneBy({ id });
    if (!apiKey) throw notFound('API key', id);
    return apiKey;
  }

  /**
   * Resolves a presented key into a principal, or says why it cannot be used. Revocation and
   * expiry are judged on every call, also from the cache: an expired key is refused the moment it
   * expires, a revoked one as soon as the change is announced.
   */
  authenticate(presented: string): Promise<Principal> {
    return this.authenticateHash(hashApiKey(presented));
  }

  /** `authenticate` for a caller that keeps the key's hash (a WebSocket re-checks its key at every event). */
  async authenticateHash(keyHash: string): Promise<Principal> {
    const now = this.clock.now();
    let cached: CachedKey | null | undefined = this.cache?.get(keyHash);
    if (!cached || Date.now() - cached.readAt > API_KEY_CACHE_MS) cached = await this.read(keyHash);
    if (!cached) throw new AppError('UNAUTHENTICATED', 'This API key is not recognised. Check the Authorization: Bearer header.');
    const { apiKey } = cached;
    if (apiKey.revokedAt) throw new AppError('UNAUTHENTICATED', 'This API key has been revoked. Ask an admin for a new one.');
    if (apiKey.expiresAt && apiKey.expiresAt.getTime() <= now.getTime()) {
      throw new AppError('UNAUTHENTICATED', 'This API key has expired. Ask an admin for a new one.');
    }
    if (!cached.lastUsedAt || now.getTime() - cached.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      cached.lastUsedAt = now;
      await this.keys.update({ id: apiKey.id }, { lastUsedAt: now });
    }
    return { keyId: apiKey.id, name: apiKey.name, role: apiKey.role, delegate: apiKey.delegate };
  }

  /**
   * One read per key at a time: when a key's copy runs out while a thousand subscriptions re-check
   * it at the same event, they share one query instead of each sending its own.
   */
  private read(keyHash: string): Promise<CachedKey | null> {
    let reading = this.reading.get(keyHash);
    if (!reading) {
      const generation = this.generation;
      reading = (async () => {
        try {
          const apiKey = await this.keys.findOneBy({ keyHash });
          if (!apiKey) return null;
          const cached: CachedKey = { apiKey, lastUsedAt: apiKey.lastUsedAt, readAt: Date.now() };
          if (this.cache && generation === this.generation) this.cache.set(keyHash, cached);
          return cached;
        } finally {
          if (this.reading.get(keyHash) === reading) this.reading.delete(keyHash);
        }
      })();
      this.reading.set(keyHash, reading);
    }
    return reading;
  }

  /**
   * Keeps keys in memory (for API_KEY_CACHE_MS at most) while `changes` announces every key that
   * changed anywhere (the api_keys trigger on the live channel). Off by default: a process without
   * the announcements must read every time. Returns what turns it off again.
   */
  cacheUntilChanged(changes: AsyncGenerator<{ id: string }>): () => Promise<void> {
    this.cache = new Map();
    const done = (async () => {
      for await (const change of changes) this.forget(change.id);
    })();
    return async () => {
      this.cache = null;
      await changes.return(undefined);
      await done;
    };
  }

  /**
   * Resolves when this process next hears that the key changed: for whoever changes a key
   * behind the service's back (plain SQL) and needs to know the change has taken effect here.
   */
  changeHeard(id: string): Promise<void> {
    return new Promise((resolve) => this.waitingForChange.set(id, [...(this.waitingForChange.get(id) ?? []), resolve]));
  }

  /** Drops the cached copy of a key (by id), and any read of keys still in flight. */
  private forget(id: string): void {
    this.generation++;
    // Whoever asks from now on must not join a read that started before the change.
    this.reading.clear();
    for (const resolve of this.waitingForChange.get(id) ?? []) resolve();
    this.waitingForChange.delete(id);
    if (!this.cache) return;
    for (const [hash, cached] of this.cache) if (cached.apiKey.id === id) this.cache.delete(hash);
  }

  /**
   * Makes sure an administrator can get in. With ADMIN_API_KEY, that key is registered (by hash);
   * without it, on the very first start (no keys at all) one is generated and returned so the
   * caller can print it once. Serialised across processes that start at once.
   */
  async ensureBootstrapAdmin(adminApiKey: string | undefined): Promise<string | undefined> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', ['leadpilot.bootstrap-admin']);
      const keys = manager.getRepository(ApiKey);
      if (adminApiKey) {
        const keyHash = hashApiKey(adminApiKey);
        if (!(await keys.existsBy({ keyHash }))) {
          await keys.save(keys.create({ name: 'admin (ADMIN_API_KEY)', role: Role.ADMIN, keyHash, keyPrefix: adminApiKey.slice(0, 10) }));
        }
        return undefined;
      }
      if ((await keys.count()) > 0) return undefined;
      const key = generateKey();
      await keys.save(keys.create({ name: 'admin', role: Role.ADMIN, keyHash: hashApiKey(key), keyPrefix: key.slice(0, 10) }));
      return key;
    });
  }
}
