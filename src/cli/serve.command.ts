import { ConfigError, type Config, type ServerRoleName } from '../config.js';
import { botRoleProblems } from '../bot/start-bot-role.js';
import type { Logger } from '../logger.js';
import { startLeadpilot } from '../main.js';
import { EXIT } from './usage.js';

export async function runServeCommand(config: Config, logger: Logger, roles: ServerRoleName[]): Promise<number> {
  // What the roles need from the configuration is checked before anything starts.
  const problems = botRoleProblems(config, roles);
  if (problems.length) throw new ConfigError(problems);
  // Listen before anything starts: a signal during start-up must still end in an orderly stop,
  // and one that arrives right after we announce the URL must not kill us mid-way.
  // The listeners stay for the whole run: a repeated signal (npm and the shell relaying one Ctrl-C,
  // an impatient second one) must not fall through to Node's default, an instant exit that would
  // leave the embedded server running. The grace timer below bounds the wait instead.
  let stopping = false;
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'already shutting down; in-flight work is finishing');
        return;
      }
      stopping = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  const running = await startLeadpilot(config, { roles, logger });
  if (running.generatedAdminKey) {
    process.stdout.write(
      `\nFirst start: an admin API key was generated. It is shown this once; only its hash is stored.\n\n    ${running.generatedAdminKey}\n\n` +
        `Use it as "Authorization: Bearer <key>". Create more keys with: leadpilot api-key create --name NAME --role ROLE\n\n`,
    );
  }
  if (running.graphqlUrl) process.stdout.write(`Leadpilot is serving GraphQL at ${running.graphqlUrl} (roles: ${roles.join(', ')})\n`);
  else process.stdout.write(`Leadpilot is running (roles: ${roles.join(', ')})\n`);
  if (running.metricsUrl) process.stdout.write(`Metrics at ${running.metricsUrl}\n`);

  const signal = await stopSignal;
  logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: finishing in-flight requests and jobs');
  // The parts bound their own waits within the grace (lib/shutdown-budget.ts); this is the backstop.
  const forced = setTimeout(() => {
    logger.error({ graceMs: config.shutdownGraceMs }, 'shutdown took too long; exiting anyway');
    process.exit(EXIT.FAILURE);
  }, config.shutdownGraceMs);
  // Unref'd and left armed after the stop: the process exits as soon as nothing holds it, and
  // something still holding it past the grace (a socket a library forgot) cannot keep it alive.
  forced.unref();
  await running.stop();
  logger.info('stopped');
  return EXIT.OK;
}
