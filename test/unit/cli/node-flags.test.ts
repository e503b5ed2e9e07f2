import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../../../src/cli/node-flags.js';

/** From dist/test/unit/cli/ to the repository. */
const REPOSITORY = fileURLToPath(new URL('../../../../', import.meta.url));

describe('the server V8 flags', () => {
  it('are the ones bin/leadpilot.js starts node with', async () => {
    const shebang = (await readFile(`${REPOSITORY}bin/leadpilot.js`, 'utf8')).split('\n')[0]!;
    assert.equal(shebang, `#!/usr/bin/env -S node ${SERVER_NODE_FLAGS.join(' ')}`);
  });

  it('are passed by npm start and npm run bench, which run node themselves', async () => {
    const { scripts } = JSON.parse(await readFile(`${REPOSITORY}package.json`, 'utf8')) as { scripts: Record<string, string> };
    assert.match(scripts['start']!, new RegExp(`node ${SERVER_NODE_FLAGS.join(' ')} bin/leadpilot\\.js serve$`));
    assert.match(scripts['bench']!, new RegExp(`node ${SERVER_NODE_FLAGS.join(' ')} dist/bench/run-bench\\.js$`));
  });
});
