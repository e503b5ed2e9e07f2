/**
 * Runs async work at most `concurrency` pieces at a time, the waiting ones in the order they came.
 * Work waiting for a place costs nothing but its closure, so a burst is taken in at once and
 * worked through at a pace the rest of the process can live with.
 */
export class WorkLane {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`a work lane needs a whole concurrency of 1 or more, not ${concurrency}`);
  }

  /** How many pieces run now and how many wait for a place. */
  get size(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  /** Settles as `work` does, once it has had its turn. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running += 1;
    try {
      return await work();
    } finally {
      // The place passes straight to the next piece: `running` never dips, so no newcomer jumps the queue.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
