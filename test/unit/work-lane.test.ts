import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkLane } from '../../src/lib/work-lane.js';

/** A piece of work that starts when its turn comes and ends when the spec says so. */
function gate(started: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return {
    work: async () => {
      started.push(name);
      await done;
      return name;
    },
    finish,
  };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe(WorkLane.name, () => {
  it('runs no more pieces at once than its concurrency, and the rest in the order they came', async () => {
    const lane = new WorkLane(2);
    const started: string[] = [];
    const pieces = ['a', 'b', 'c', 'd'].map((name) => gate(started, name));
    const results = pieces.map((piece) => lane.run(piece.work));
    await turn();
    assert.deepEqual(started, ['a', 'b']);
    assert.deepEqual(lane.size, { running: 2, waiting: 2 });

    pieces[1]!.finish();
    await turn();
    assert.deepEqual(started, ['a', 'b', 'c']);
    pieces[0]!.finish();
    pieces[2]!.finish();
    pieces[3]!.finish();
    assert.deepEqual(await Promise.all(results), ['a', 'b', 'c', 'd']);
    assert.deepEqual(lane.size, { running: 0, waiting: 0 });
  });

  it('passes a failure to its caller and goes on with the next piece', async () => {
    const lane = new WorkLane(1);
    const failing = lane.run(async () => {
      throw new Error('the API is down');
    });
    const next = lane.run(async () => 'next');
    await assert.rejects(failing, /the API is down/);
    assert.equal(await next, 'next');
    assert.deepEqual(lane.size, { running: 0, waiting: 0 });
  });

  it('refuses a concurrency that is not a whole number of at least one', () => {
    assert.throws(() => new WorkLane(0), RangeError);
    assert.throws(() => new WorkLane(1.5), RangeError);
  });
});
