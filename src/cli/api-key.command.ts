import type { Config } from '../config.js';
import { migrateDatabase } from '../database/migrate.js';
import { openDatabase } from '../database/open-database.js';
import { Role, enumValues } from '../entities/enums.js';
import { parseDuration } from '../lib/duration.js';
import { systemClock } from '../lib/clock.js';
import type { Logger } from '../logger.js';
import { ApiKeyService } from '../services/api-key.service.js';
import { EXIT, parseArgsOrUsage, UsageError } from './usage.js';

export async function runApiKeyCommand(config: Config, logger: Logger, args: readonly string[]): Promise<number> {
  const [action, ...rest] = args;
  const work = parseAction(action, rest);
  const database = await openDatabase(config, logger, { mode: 'command', poolSize: 2, applicationName: 'leadpilot:api-key' });
  try {
    await migrateDatabase(database.dataSource);
    const keys = new ApiKeyService(database.dataSource, systemClock);
    return await work(keys);
  } finally {
    await database.close();
  }
}

type KeyWork = (keys: ApiKeyService) => Promise<number>;

function parseAction(action: string | undefined, args: readonly string[]): KeyWork {
  switch (action) {
    case 'create': {
      const { values, positionals } = parseArgsOrUsage(args, {
        name: { type: 'string' },
        role: { type: 'string' },
        delegate: { type: 'boolean', default: false },
        expires: { type: 'string' },
      });
      if (positionals.length) throw new UsageError(`api-key create takes only options, got "${positionals.join(' ')}".`);
      const name = values.name as string | undefined;
      const roleName = (values.role as string | undefined)?.toLowerCase();
      if (!name) throw new UsageError('api-key create needs --name NAME.');
      if (!roleName || !(enumValues(Role) as string[]).includes(roleName)) {
        throw new UsageError(`api-key create needs --role, one of ${enumValues(Role).join(', ')}.`);
      }
      let expiresAt: Date | null = null;
      if (values.expires !== undefined) {
        const ms = parseDuration(String(values.expires));
        if (!ms) throw new UsageError(`--expires takes a duration such as 90d or 12h, got "${values.expires}".`);
        expiresAt = new Date(Date.now() + ms);
      }
      return async (keys) => {
        const { apiKey, key } = await keys.create({ name, role: roleName as Role, delegate: Boolean(values.delegate), expiresAt });
        process.stdout.write(
          `Created API key ${apiKey.id} "${apiKey.name}" (role ${apiKey.role}${apiKey.delegate ? ', delegate' : ''}` +
            `${apiKey.expiresAt ? `, expires ${apiKey.expiresAt.toISOString()}` : ''}).\n` +
            `The key is shown this once; store it now:\n\n    ${key}\n\n`,
        );
        return EXIT.OK;
      };
    }
    case 'list': {
      if (args.length) throw new UsageError(`api-key list takes no arguments, got "${args.join(' ')}".`);
      return async (keys) => {
        const rows = await keys.list();
        if (rows.length === 0) {
          process.stdout.write('No API keys.\n');
          return EXIT.OK;
        }
        const now = Date.now();
        const lines = rows.map((key) => {
          const state = key.revokedAt ? 'revoked' : key.expiresAt && key.expiresAt.getTime() <= now ? 'expired' : 'active';
          return [key.id, key.name, key.role, key.delegate ? 'delegate' : '-', `${key.keyPrefix}…`, state,
            key.expiresAt ? `expires ${key.expiresAt.toISOString()}` : 'no expiry',
            key.lastUsedAt ? `last used ${key.lastUsedAt.toISOString()}` : 'never used'].join('\t');
        });
        process.stdout.write(`id\tname\trole\tdelegate\tprefix\tstate\texpiry\tlast use\n${lines.join('\n')}\n`);
        return EXIT.OK;
      };
    }
    case 'revoke': {
      const { positionals } = parseArgsOrUsage(args, {});
      if (positionals.length !== 1) throw new UsageError('api-key revoke takes one argument: the id of the key.');
      return async (keys) => {
        const key = await keys.revoke(positionals[0]!);
        process.stdout.write(`Revoked API key ${key.id} "${key.name}" at ${key.revokedAt?.toISOString()}.\n`);
        return EXIT.OK;
      };
    }
    default:
      throw new UsageError(action ? `Unknown api-key action "${action}".` : 'api-key needs an action: create, list or revoke.');
  }
}
