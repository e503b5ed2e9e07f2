import { AgencyConfigError } from '../agents/agency-config.js';
import { ConfigError, loadConfig, ROLE_NAMES, type Config, type ServerRoleName } from '../config.js';
import { EmbeddedDatabaseError } from '../database/embedded-postgres.js';
import { AppError } from '../errors.js';
import { createLogger } from '../logger.js';
import { runApiKeyCommand } from './api-key.command.js';
import { runBackupCommand } from './backup.command.js';
import { BackupFileError } from '../database/backup/backup-format.js';
import { runImportLegacyCommand } from './import-legacy.command.js';
import { runMigrateCommand } from './migrate.command.js';
import { runRestoreCommand } from './restore.command.js';
import { runServeCommand } from './serve.command.js';
import { EXIT, parseArgsOrUsage, UsageError } from './usage.js';

const USAGE = `Usage: leadpilot <command> [options]

Commands:
  serve [--roles api,worker,bot]     Serve the roles asked for (all by default)
  migrate                            Apply pending database migrations
  api-key create --name N --role R [--delegate] [--expires 90d]
                                     Create an API key (role: viewer, integration, approver, admin)
  api-key list                       List API keys
  api-key revoke ID                  Revoke an API key
  import-legacy FILE.sqlite          Import the old system's leads, activities and solution
                                     designs (re-running skips what is already imported)
  backup FILE [--force]              Write a consistent backup of the database to FILE
  restore FILE                       Restore a backup into an empty database

Configuration comes from the environment (see README.md): DATABASE_URL, DATA_DIR, PORT, HOST, …`;

export async function runCli(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return command ? EXIT.OK : EXIT.USAGE;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.CONFIG;
    }
    throw error;
  }
  const logger = createLogger({ level: config.logLevel });
  try {
    switch (command) {
      case 'serve':
        return await runServeCommand(config, logger, parseRoles(rest));
      case 'migrate':
        expectNoArguments('migrate', rest);
        return await runMigrateCommand(config, logger);
      case 'api-key':
        return await runApiKeyCommand(config, logger, rest);
      case 'import-legacy':
        return await runImportLegacyCommand(config, logger, rest);
      case 'backup':
        return await runBackupCommand(config, logger, rest);
      case 'restore':
        return await runRestoreCommand(config, logger, rest);
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      return EXIT.USAGE;
    }
    if (error instanceof AppError) {
      process.stderr.write(`${error.message}\n`);
      return error.code === 'BAD_USER_INPUT' ? EXIT.USAGE : EXIT.FAILURE;
    }
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.CONFIG;
    }
    if (error instanceof AgencyConfigError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.CONFIG;
    }
    if (error instanceof BackupFileError) {
      process.stderr.write(`${error.message} Nothing was written.\n`);
      return EXIT.DATA_ERROR;
    }
    if (error instanceof EmbeddedDatabaseError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT.UNAVAILABLE;
    }
    logger.fatal({ err: error }, `leadpilot ${command} failed`);
    return EXIT.FAILURE;
  }
}

function parseRoles(args: readonly string[]): ServerRoleName[] {
  const { values, positionals } = parseArgsOrUsage(args, { roles: { type: 'string' } });
  if (positionals.length) throw new UsageError(`serve takes no arguments, got "${positionals.join(' ')}".`);
  if (values.roles === undefined) return [...ROLE_NAMES];
  const roles = String(values.roles).split(',').map((role) => role.trim()).filter(Boolean);
  const unknown = roles.filter((role) => !(ROLE_NAMES as readonly string[]).includes(role));
  if (unknown.length || roles.length === 0) {
    throw new UsageError(`--roles takes a comma-separated list of ${ROLE_NAMES.join(', ')}; got "${values.roles}".`);
  }
  return [...new Set(roles)] as ServerRoleName[];
}

function expectNoArguments(command: string, args: readonly string[]): void {
  if (args.length) throw new UsageError(`${command} takes no arguments, got "${args.join(' ')}".`);
}

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = EXIT.FAILURE;
  },
);
