/** Where progress goes: stderr, so stdout keeps only the summary (and can be piped). */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface ProgressBar {
  update(label: string, done: number, total: number): void;
  /** Ends the current line. */
  finish(): void;
}

const REDRAW_EVERY_MS = 50;

/**
 * On a terminal, one line redrawn in place: `leads  [#######.......]  52/120`. Elsewhere (a log, a
 * pipe, CI) plain lines at the start, every tenth and the end, so logs stay readable.
 */
export function createProgressBar(stream: ProgressStream): ProgressBar {
  let current: string | undefined;
  let lastDraw = 0;
  let lastTenth = -1;
  let open = false;

  const endLine = () => {
    if (open) stream.write('\n');
    open = false;
  };

  return {
    update(label, done, total) {
      if (label !== current) {
        endLine();
        current = label;
        lastDraw = 0;
        lastTenth = -1;
      }
      if (stream.isTTY) {
        const now = Date.now();
        if (done !== total && done !== 0 && now - lastDraw < REDRAW_EVERY_MS) return;
        lastDraw = now;
        const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 30));
        const filled = total === 0 ? width : Math.round((done / total) * width);
        stream.write(`\r${label.padEnd(17)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`);
        open = true;
        return;
      }
      const tenth = total === 0 ? 10 : Math.floor((done * 10) / total);
      if (tenth === lastTenth) return;
      lastTenth = tenth;
      stream.write(`${label}: ${done}/${total}\n`);
    },
    finish: endLine,
  };
}
