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
    const apiKey = await this.keys.findOneBy({ id });
    if (!apiKey) throw notFound('API key', id);
    return apiKey;
  }

  /** Resolves a presented key into a principal, or says why it cannot be used. */
  async authenticate(presented: string): Promise<Principal> {
    const apiKey = await this.keys.findOneBy({ keyHash: hashApiKey(presented) });
    if (!apiKey) throw new AppError('UNAUTHENTICATED', 'This API key is not recognised. Check the Authorization: Bearer header.');
    const now = this.clock.now();
    if (apiKey.revokedAt) throw new AppError('UNAUTHENTICATED', 'This API key has been revoked. Ask an admin for a new one.');
    if (apiKey.expiresAt && apiKey.expiresAt.getTime() <= now.getTime()) {
      throw new AppError('UNAUTHENTICATED', 'This API key has expired. Ask an admin for a new one.');
    }
    if (!apiKey.lastUsedAt || now.getTime() - apiKey.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.keys.update({ id: apiKey.id }, { lastUsedAt: now });
    }
    return { keyId: apiKey.id, name: apiKey.name, role: apiKey.role, delegate: apiKey.delegate };
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
