/**
 * How SHUTDOWN_GRACE is shared out on a stop, in the order the parts stop: in-flight HTTP requests
 * first (their mutations may still enqueue jobs), then running jobs, and the rest of the grace for
 * closing the Slack bot, the listening connection and the pools. Each part gives up on what is
 * still running at its bound (requests are cut, jobs are failed back to the queue for another
 * worker), so the process always exits within the grace.
 */
export interface ShutdownBudget {
  /** In-flight HTTP requests finish within this; idle keep-alive sockets close at once. */
  readonly httpDrainMs: number;
  /** Running jobs finish within this; any still running are then released to another worker. */
  readonly jobDrainMs: number;
}

export function shutdownBudget(graceMs: number): ShutdownBudget {
  return { httpDrainMs: Math.floor(graceMs / 3), jobDrainMs: Math.floor(graceMs / 2) };
}
