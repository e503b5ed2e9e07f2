/**
 * Runs async work at most `concurrency` pieces at a time. Work waiting for a place costs nothing
 * but its closure, so a burst is taken in at once and worked through at a pace the rest of the
 * process can live with. Waiting work runs in the order it came, except that work queued with
 * `first` goes ahead of the rest (still in its own order): for work with a deadline of its own.
 */
export class WorkLane {
  private running = 0;
  private readonly front: (() => void)[] = [];
  private readonly back: (() => void)[] = [];

  constructor(readonly concurrency: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`a work lane needs a whole concurrency of 1 or more, not ${concurrency}`);
  }

  /** How many pieces run now and how many wait for a place. */
  get size(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.front.length + this.back.length };
  }

  /** Settles as `work` does, once it has had its turn. */
  async run<T>(work: () => Promise<T>, options: { first?: boolean } = {}): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => (options.first ? this.front : this.back).push(resolve));
    else this.running += 1;
    try {
      return await work();
    } finally {
      // The place passes straight to the next piece: `running` never dips, so no newcomer jumps the queue.
      const next = this.front.shift() ?? this.back.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
