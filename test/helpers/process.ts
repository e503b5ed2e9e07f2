import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { SERVER_NODE_FLAGS } from '../../src/cli/node-flags.js';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../bin/leadpilot.js');

/** The environment a child `leadpilot` gets: the parent's, minus anything that would change what it does. */
export function childEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info' };
  // NODE_ENV is left unset as a user's would be: libraries behave differently under `test`
  // (Apollo installs signal handlers only outside it, which once broke shutdown unseen).
  for (const variable of ['DATABASE_URL', 'DATA_DIR', 'ADMIN_API_KEY', 'PORT', 'TEST_DATABASE_URL', 'NODE_ENV']) delete env[variable];
  return { ...env, ...extra };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: childEnvironment(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface ServeProcess {
  child: ChildProcess;
  output: () => string;
  /** Resolves when the output matches, rejects when the process exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<number | null>;
}

/** Stops each process that still runs with `signal` and waits for it to exit: an `after()` hook's clean-up. */
export async function stopProcesses(processes: readonly (ServeProcess | undefined)[], signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  for (const serve of processes) {
    if (!serve || serve.child.exitCode !== null || serve.child.signalCode !== null) continue;
    serve.child.kill(signal);
    await serve.exited;
  }
}

/** `nodeArgs` go to node itself (the benchmark's `--cpu-prof`, which NODE_OPTIONS refuses). */
export function startServe(args: string[], env: Record<string, string>, nodeArgs: readonly string[] = []): ServeProcess {
  // With the V8 flags the bin runs it with: a spec or benchmark sees the process as shipped.
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, CLI, 'serve', ...args], { env: childEnvironment(env) });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}; output:\n${output}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        void exited.then(() => {
          if (listeners.has(check)) {
            cleanup();
            reject(new Error(`process exited before ${pattern}; output:\n${output}`));
          }
        });
        check();
      }),
  };
}

/** PostgreSQL server processes whose command line names this data folder. */
export function postgresProcessesFor(dataDir: string): string[] {
  const table = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return table.split('\n').filter((line) => line.includes('postgres') && line.includes(dataDir) && !line.includes('ps -eo'));
}
