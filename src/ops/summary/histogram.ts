/**
 * TF's `histogram::Histogram` (core/lib/histogram/histogram.cc) with its default buckets,
 * the histogram `tf.summary.histogram` writes.
 */
import type { tensorflow } from "../../proto/index.js";

const DBL_MAX = Number.MAX_VALUE;

let defaultLimits: Float64Array | null = null;

/**
 * TF's default bucket limits: ±1e-12 growing by 10% up to 1e20, ±DBL_MAX at the ends and
 * 0 between (1549 limits). Computed in doubles as TF computes them, so the limits are the
 * same bits.
 */
export function defaultBucketLimits(): Float64Array {
  if (defaultLimits !== null) return defaultLimits;
  const positive: number[] = [];
  for (let v = 1.0e-12; v < 1.0e20; v *= 1.1) positive.push(v);
  positive.push(DBL_MAX);
  const limits = new Float64Array(positive.length * 2 + 1);
  for (let i = 0; i < positive.length; i++) {
    limits[positive.length - 1 - i] = -(positive[i] as number);
    limits[positive.length + 1 + i] = positive[i] as number;
  }
  defaultLimits = limits;
  return limits;
}

/** The first index whose limit is greater than `value` (`std::upper_bound`). */
function upperBound(limits: Float64Array, value: number): number {
  let lo = 0;
  let hi = limits.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((limits[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Counts of values per bucket, with min, max, count, sum and sum of squares. */
export class Histogram {
  private readonly limits = defaultBucketLimits();
  private readonly buckets = new Float64Array(this.limits.length);
  private min = DBL_MAX;
  private max = -DBL_MAX;
  private num = 0;
  private sum = 0;
  private sumSquares = 0;

  /** Adds one value: it falls in the first bucket whose limit is above it. */
  add(value: number): void {
    // A value at DBL_MAX would fall past the last bucket in TF; it stays in the last here.
    const b = Math.min(upperBound(this.limits, value), this.limits.length - 1);
    this.buckets[b] = (this.buckets[b] as number) + 1;
    if (this.min > value) this.min = value;
    if (this.max < value) this.max = value;
    this.num++;
    this.sum += value;
    this.sumSquares += value * value;
  }

  /**
   * TF's `EncodeToProto`: without `preserveZeroBuckets`, each run of empty buckets is one
   * bucket (count 0) ending at the run's last limit; at least one bucket is always written.
   */
  toProto(preserveZeroBuckets: boolean): tensorflow.IHistogramProto {
    const bucketLimit: number[] = [];
    const bucket: number[] = [];
    const n = this.buckets.length;
    for (let i = 0; i < n;) {
      let end = this.limits[i] as number;
      let count = this.buckets[i] as number;
      i++;
      if (!preserveZeroBuckets && count <= 0) {
        while (i < n && (this.buckets[i] as number) <= 0) {
          end = this.limits[i] as number;
          count = this.buckets[i] as number;
          i++;
        }
      }
      bucketLimit.push(end);
      bucket.push(count);
    }
    if (bucket.length === 0) {
      bucketLimit.push(DBL_MAX);
      bucket.push(0);
    }
    return {
      min: this.min,
      max: this.max,
      num: this.num,
      sum: this.sum,
      sumSquares: this.sumSquares,
      bucketLimit,
      bucket,
    };
  }
}
