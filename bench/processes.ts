import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { attachOrStartEmbeddedDatabase } from '../src/database/embedded-postgres.js';
import { SERVER_NODE_FLAGS } from '../src/cli/node-flags.js';
import { createLogger } from '../src/logger.js';
import { childEnvironment, startServe } from '../test/helpers/process.js';

/** From `dist/bench/` (the build). */
const BENCH_DIST = path.dirname(fileURLToPath(import.meta.url));

/** A `leadpilot serve` process of the benchmark: its own process, so its memory and CPU are its own. */
export interface ServeProcess {
  readonly graphqlUrl: string;
  readonly apiKey: string;
  /** The database it runs on (the embedded server the first process started). */
  readonly databaseUrl: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/**
 * The load is one client with one key sending thousands of requests a second: limits far above it,
 * but on, so the limiter's own cost is part of every figure.
 */
export const BENCH_RATE_LIMITS: Record<string, string> = {
  RATE_LIMIT_ANONYMOUS: '100000000/1m',
  RATE_LIMIT_VIEWER: '100000000/1m',
  RATE_LIMIT_INTEGRATION: '100000000/1m',
  RATE_LIMIT_APPROVER: '100000000/1m',
  RATE_LIMIT_ADMIN: '100000000/1m',
};

/**
 * `leadpilot serve [--roles …]` with NODE_ENV=production, LOG_LEVEL warn, the offline provider
 * and a random port: on a fresh embedded PostgreSQL in a temporary DATA_DIR, or on `databaseUrl`
 * (a second process on the first one's database). `nodeArgs` go to node (`--cpu-prof` when
 * profiling).
 */
export async function startServeProcess(options: {
  roles?: readonly string[];
  databaseUrl?: string;
  apiKey?: string;
  env?: Record<string, string>;
  nodeArgs?: readonly string[];
}): Promise<ServeProcess> {
  const dataDir = options.databaseUrl ? null : await mkdtemp(path.join(tmpdir(), 'leadpilot-bench-'));
  const apiKey = options.apiKey ?? randomBytes(24).toString('base64url');
  const serve = startServe(options.roles ? ['--roles', options.roles.join(',')] : [], {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
    LLM_PROVIDERS: 'offline',
    ADMIN_API_KEY: apiKey,
    ...BENCH_RATE_LIMITS,
    ...(dataDir ? { DATA_DIR: dataDir } : { DATABASE_URL: options.databaseUrl! }),
    ...options.env,
  }, options.nodeArgs);
  const stop = async () => {
    if (serve.child.exitCode === null) {
      serve.child.kill('SIGTERM');
      await serve.exited;
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    const [, graphqlUrl] = await serve.waitFor(/serving GraphQL at (\S+)/, 120_000);
    // The server the process owns; attaching finds it through its lock file and never stops it.
    const databaseUrl = options.databaseUrl ?? (await attachOrStartEmbeddedDatabase(dataDir!, createLogger({ level: 'warn', name: 'bench' }))).url;
    return { graphqlUrl: graphqlUrl!, apiKey, databaseUrl, pid: serve.child.pid!, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A bench script (path under dist/bench) as its own process; resolves with the first JSON line it prints. */
export async function startBenchChild<T>(script: string, args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; first: T; next(): Promise<T>; stop(): Promise<void> }> {
  // The same V8 flags as Leadpilot's server processes: a bare baseline is not measured on a smaller young generation.
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, path.join(BENCH_DIST, script), ...args], { env: childEnvironment({ LOG_LEVEL: 'warn', ...env }), stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let buffered = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      const waiter = waiting.shift();
      if (waiter) waiter(line);
      else lines.push(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const next = () =>
    new Promise<T>((resolve, reject) => {
      const ready = lines.shift();
      if (ready !== undefined) return resolve(JSON.parse(ready) as T);
      waiting.push((line) => resolve(JSON.parse(line) as T));
      void exited.then((code) => reject(new Error(`${script} exited (${code}) before it answered`)));
    });
  const first = await next();
  return {
    child,
    first,
    next,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** Peak resident set of a process so far (Linux's VmHWM), in MiB; NaN where /proc is not there. */
export function peakRssMiB(pid: number): number {
  return statusKiB(pid, 'VmHWM') / 1024;
}

export function currentRssMiB(pid: number): number {
  return statusKiB(pid, 'VmRSS') / 1024;
}

function statusKiB(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
