import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const bin = fileURLToPath(new URL('../../../../bin/leadpilot.js', import.meta.url));

describe('leadpilot serve with a bad agency file', () => {
  it('exits with the configuration code before starting anything, naming each bad field', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'agency-')), 'agency.yaml');
    writeFileSync(file, 'name: Somebody\ncurrency: euro\nrateCard: []\n');

    const result = await promisify(execFile)(process.execPath, [bin, 'serve'], {
      // An unreachable database: reaching it would mean the agency file was not checked first.
      env: { ...process.env, AGENCY_CONFIG: file, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', LOG_LEVEL: 'silent' },
    }).then(
      () => assert.fail('expected leadpilot serve to fail'),
      (error: { code: number; stderr: string }) => error,
    );

    assert.equal(result.code, 78);
    assert.match(result.stderr, new RegExp(`The agency configuration ${file} is invalid`));
    assert.match(result.stderr, /- currency: expected an ISO 4217 code such as EUR/);
    assert.match(result.stderr, /- rateCard: expected at least one role/);
  });
});
