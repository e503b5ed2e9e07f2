import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProgressBar } from '../../src/cli/progress-bar.js';

const recorder = (isTTY: boolean) => {
  const writes: string[] = [];
  return { stream: { isTTY, columns: 80, write: (text: string) => writes.push(text) }, writes };
};

describe('the import progress bar', () => {
  it('redraws one line per table on a terminal and ends each line', () => {
    const { stream, writes } = recorder(true);
    const bar = createProgressBar(stream);
    bar.update('leads', 0, 4);
    bar.update('leads', 4, 4);
    bar.update('lead_activities', 0, 0);
    bar.finish();
    const output = writes.join('');
    assert.match(output, /^\rleads\s+\[\.+\] 0\/4\rleads\s+\[#+\] 4\/4\n\rlead_activities\s+\[#+\] 0\/0\n$/);
  });

  it('writes plain lines, at most one per tenth, when not on a terminal', () => {
    const { stream, writes } = recorder(false);
    const bar = createProgressBar(stream);
    for (let done = 0; done <= 100; done += 1) bar.update('leads', done, 100);
    bar.finish();
    assert.equal(writes.length, 11);
    assert.equal(writes[0], 'leads: 0/100\n');
    assert.equal(writes.at(-1), 'leads: 100/100\n');
    assert.ok(writes.every((line) => !line.includes('\r')));
  });
});
