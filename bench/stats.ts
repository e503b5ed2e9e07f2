/** Nearest-rank percentile of `values` (milliseconds or ratios); NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1]!;
}

export interface Summary {
  count: number;
  /** Items per minute over the whole measured window. */
  perMinute: number;
  p50Ms: number;
  p95Ms: number;
}

export function summarise(latenciesMs: readonly number[], windowMs: number): Summary {
  return {
    count: latenciesMs.length,
    perMinute: windowMs > 0 ? (latenciesMs.length / windowMs) * 60_000 : Number.NaN,
    p50Ms: percentile(latenciesMs, 50),
    p95Ms: percentile(latenciesMs, 95),
  };
}

/**
 * Runs `total` items through `clients` clients, each starting its next item when its last one is
 * done (a closed loop): the offered load follows what the system sustains, so latency is not just
 * the length of a queue the harness built up.
 */
export async function closedLoop<T>(total: number, clients: number, runOne: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(total);
  let next = 0;
  const client = async () => {
    while (next < total) {
      const index = next++;
      results[index] = await runOne(index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(clients, total)) }, client));
  return results;
}
