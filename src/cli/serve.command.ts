import type { Config, ServerRoleName } from '../config.js';
import type { Logger } from '../logger.js';
import { startLeadpilot } from '../main.js';
import { EXIT } from './usage.js';

/** How long in-flight work may take to finish after SIGTERM before the process gives up on it. */
const SHUTDOWN_GRACE_MS = 20_000;

export async function runServeCommand(config: Config, logger: Logger, roles: ServerRoleName[]): Promise<number> {
  const running = await startLeadpilot(config, { roles, logger });
  if (running.generatedAdminKey) {
    process.stdout.write(
      `\nFirst start: an admin API key was generated. It is shown this once; only its hash is stored.\n\n    ${running.generatedAdminKey}\n\n` +
        `Use it as "Authorization: Bearer <key>". Create more keys with: leadpilot api-key create --name NAME --role ROLE\n\n`,
    );
  }
  if (running.graphqlUrl) process.stdout.write(`Leadpilot is serving GraphQL at ${running.graphqlUrl} (roles: ${roles.join(', ')})\n`);
  else process.stdout.write(`Leadpilot is running (roles: ${roles.join(', ')})\n`);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  logger.info({ signal }, 'shutting down: finishing in-flight requests');
  const forced = setTimeout(() => {
    logger.error({ graceMs: SHUTDOWN_GRACE_MS }, 'shutdown took too long; exiting anyway');
    process.exit(EXIT.FAILURE);
  }, SHUTDOWN_GRACE_MS);
  forced.unref();
  await running.stop();
  clearTimeout(forced);
  logger.info('stopped');
  return EXIT.OK;
}
