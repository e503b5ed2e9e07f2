import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { attachOrStartEmbeddedDatabase, findFreePort, startEmbeddedDatabase } from '../../src/database/embedded-postgres.js';
import { createLogger } from '../../src/logger.js';
import { postgresProcessesFor, runCli, startServe } from '../helpers/process.js';

describe('embedded database start-up checks', () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'leadpilot-checks-'));
    // mkdtemp makes a private folder; the embedded server's own user must be able to pass through.
    await chmod(scratch, 0o755);
  });
  after(() => rm(scratch, { recursive: true, force: true }));

  it('says how to fix a data folder the postgres user cannot reach', { skip: userInfo().uid !== 0 && 'only as root does the server run as another user' }, async () => {
    const locked = path.join(scratch, 'locked');
    await mkdir(locked, { mode: 0o700 });
    await chmod(locked, 0o700);
    const result = await runCli(['migrate'], { DATA_DIR: path.join(locked, 'data') });
    assert.equal(result.code, 69, result.stderr);
    assert.match(result.stderr, /runs as the user "postgres", which cannot write .*chown -R postgres/);
  });

  it('removes a stale lock left by a server that is gone, and names the pid of one that still runs', async () => {
    const dataDir = path.join(scratch, 'stale');
    const first = startServe(['--roles', 'api'], { DATA_DIR: dataDir, PORT: String(await findFreePort()) });
    await first.waitFor(/serving GraphQL/);
    first.child.kill('SIGTERM');
    assert.equal(await first.exited, 0);

    // A lock naming a live process that is not ours to stop: start-up must refuse and say which.
    const lockFile = path.join(dataDir, 'postgres', 'postmaster.pid');
    await writeFile(lockFile, `${process.pid}\n${dataDir}\n0\n5999\n\n127.0.0.1\n`);
    const refused = await runCli(['serve', '--roles', 'api'], { DATA_DIR: dataDir, PORT: String(await findFreePort()) });
    assert.equal(refused.code, 69);
    assert.match(refused.stderr, new RegExp(`Another PostgreSQL server \\(pid ${process.pid}\\) is already running .*kill ${process.pid}`));

    // A lock naming a process that no longer exists is stale.
    await writeFile(lockFile, `2147483000\n${dataDir}\n0\n5999\n\n127.0.0.1\n`);
    const second = startServe(['--roles', 'api'], { DATA_DIR: dataDir, PORT: String(await findFreePort()) });
    await second.waitFor(/serving GraphQL/);
    assert.match(second.output(), /removing a stale lock file/);
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0);
    assert.deepEqual(postgresProcessesFor(dataDir), []);
  });

  it('connects through a Unix socket in its own data folder, and on TCP alone where the folder is too deep for one', async () => {
    const logger = createLogger({ level: 'silent' });
    /** The server's address as the session sees it: none over a Unix socket. */
    const serverAddress = async (url: string) => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        return ((await client.query(`SELECT inet_server_addr()::text AS address`)).rows[0] as { address: string | null }).address;
      } finally {
        await client.end();
      }
    };

    const near = await startEmbeddedDatabase(path.join(scratch, 'socket'), logger);
    try {
      assert.equal(await serverAddress(near.url), null, 'a Unix socket');
      assert.ok(near.url.includes(`host=${encodeURIComponent(near.dataDirectory)}`), near.url);
      // A command beside the running server finds the socket through the server's lock file.
      const attached = await attachOrStartEmbeddedDatabase(path.join(scratch, 'socket'), logger);
      assert.equal(await serverAddress(attached.url), null);
    } finally {
      await near.stop();
    }

    const deep = await startEmbeddedDatabase(path.join(scratch, 'a-data-folder-nested-deep-enough'.repeat(3)), logger);
    try {
      assert.equal(await serverAddress(deep.url), '127.0.0.1/32', 'loopback TCP');
    } finally {
      await deep.stop();
    }
  });
});
