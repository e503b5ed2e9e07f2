/**
 * Exact percentiles (PostgreSQL's percentile_cont) from bucket counts plus a few indexed reads.
 * The counts of a period's values per duration bucket (kpi_bucket in SQL, bucket order = value
 * order) say which bucket holds the k-th smallest value and how many values of that bucket come
 * before it; one `ORDER BY value OFFSET skip LIMIT 1` inside that bucket then reads the value.
 */

/** One value to read: the (skip + 1)-th smallest value of `bucket` within the group `key`. */
export interface BucketLookup<K> {
  readonly key: K;
  readonly bucket: number;
  readonly skip: number;
}

export interface PercentilePlan<K> {
  readonly lookups: BucketLookup<K>[];
  /** The percentiles of each group, in the order asked, from the values read for `lookups` (same order). */
  assemble(values: readonly number[]): Map<K, (number | null)[]>;
}

/** percentile_cont's rows (0-based) and weight: PostgreSQL's orderedsetaggs.c, to the same float. */
export function percentileRows(count: number, fraction: number): { first: number; second: number; proportion: number } {
  const position = fraction * (count - 1);
  const first = Math.floor(position);
  return { first, second: Math.ceil(position), proportion: position - first };
}

/** float8_lerp: lo + (hi - lo) * pct, as PostgreSQL interpolates. */
const lerp = (low: number, high: number, proportion: number): number => low + (high - low) * proportion;

/** The bucket holding the row-th smallest value (0-based) and how many of its values precede it. */
function locate(buckets: readonly (readonly [number, number])[], row: number): { bucket: number; skip: number } {
  let before = 0;
  for (const [bucket, count] of buckets) {
    if (row < before + count) return { bucket, skip: row - before };
    before += count;
  }
  throw new Error(`row ${row} lies beyond the ${before} counted values`);
}

/**
 * Plans the reads for `fractions` (e.g. [0.5, 0.95]) of every group: `histograms` maps a group
 * to its [bucket, count] pairs (any order, counts > 0). A group without values gets nulls.
 */
export function planPercentiles<K>(histograms: ReadonlyMap<K, readonly (readonly [number, number])[]>, fractions: readonly number[]): PercentilePlan<K> {
  const lookups: BucketLookup<K>[] = [];
  const wanted: { key: K; slots: ({ first: number; second: number; proportion: number } | null)[] }[] = [];
  for (const [key, unsorted] of histograms) {
    const buckets = unsorted.filter(([, count]) => count > 0).toSorted((a, b) => a[0] - b[0]);
    const total = buckets.reduce((sum, [, count]) => sum + count, 0);
    const slots = fractions.map((fraction) => {
      if (total === 0) return null;
      const rows = percentileRows(total, fraction);
      const read = (row: number) => lookups.push({ key, ...locate(buckets, row) }) - 1;
      const first = read(rows.first);
      return { first, second: rows.second === rows.first ? first : read(rows.second), proportion: rows.proportion };
    });
    wanted.push({ key, slots });
  }
  return {
    lookups,
    assemble(values) {
      if (values.length !== lookups.length) throw new Error(`read ${values.length} values for ${lookups.length} lookups`);
      return new Map(
        wanted.map(({ key, slots }) => [
          key,
          slots.map((slot) => (slot === null ? null : slot.first === slot.second ? values[slot.first]! : lerp(values[slot.first]!, values[slot.second]!, slot.proportion))),
        ]),
      );
    },
  };
}
