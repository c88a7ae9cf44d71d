/**
 * int64 values. TensorFlow's int64 is exact 64-bit; JavaScript's honest counterpart is
 * `bigint`, so int64 values kept on the host — `Const` attrs, `NDArray.data`, checkpoint
 * entries — are `BigInt64Array`s, and round-trip any value TensorFlow writes. TensorFlow.js
 * has no 64-bit integers, so when an int64 value enters the runtime it is narrowed to int32
 * here, and a value that does not fit is refused with an error instead of being wrapped.
 */
import { UnimplementedError, ValueError } from "../errors.js";
import { INT32_MAX, INT32_MIN } from "./dtypes.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * `value` as an int64, or `null` when it is not an integer in the int64 range: a `bigint`,
 * or an integral `number` (JS numbers beyond 2^53 are taken at the value they hold).
 *
 * @example
 * ```ts
 * asInt64(3); // 3n
 * asInt64(1.5); // null
 * ```
 */
export function asInt64(value: unknown): bigint | null {
  let v: bigint;
  if (typeof value === "bigint") v = value;
  else if (typeof value === "number" && Number.isInteger(value)) v = BigInt(value);
  else return null;
  return v >= INT64_MIN && v <= INT64_MAX ? v : null;
}

/**
 * int32 values widened to int64 (exact).
 *
 * @example
 * ```ts
 * widenToInt64(Int32Array.of(1, -2)); // BigInt64Array [1n, -2n]
 * ```
 */
export function widenToInt64(values: ArrayLike<number>): BigInt64Array {
  const out = new BigInt64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i] as number);
  return out;
}

/**
 * int64 values narrowed to the int32 a tfjs kernel computes with. A value outside the int32
 * range throws `UnimplementedError` naming `what` (the tensor, feed or checkpoint key) and
 * the element: scopeflow cannot compute with it, and wrapping it would give wrong numbers.
 *
 * @example
 * ```ts
 * narrowInt64(BigInt64Array.of(7n), "global_step"); // Int32Array [7]
 * ```
 */
export function narrowInt64(
  values: BigInt64Array,
  what: string,
  opName: string | null = null,
): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as bigint;
    const n = Number(v);
    if (n < INT32_MIN || n > INT32_MAX) {
      throw outsideInt32(what, String(v), values.length > 1 ? i : null, opName);
    }
    out[i] = n;
  }
  return out;
}

/**
 * The error for an int64 value scopeflow cannot compute with: `what` names the tensor,
 * feed or checkpoint key; `index` the element, for more than one.
 *
 * @example
 * ```ts
 * outsideInt32("feed 'x:0'", "4294967296", 3, null).name; // ==> UnimplementedError
 * ```
 */
export function outsideInt32(
  what: string,
  value: string,
  index: number | null,
  opName: string | null,
): UnimplementedError {
  return new UnimplementedError(
    `${what}: int64 value ${value}${index === null ? "" : ` (element ${index})`} is outside the int32 range ` +
      `[${INT32_MIN}, ${INT32_MAX}]; scopeflow computes int64 tensors in int32 because ` +
      "TensorFlow.js has no 64-bit integers" +
      (opName === null ? "" : `\n\t [[{{node ${opName}}}]]`),
    opName,
  );
}

/**
 * An int64 element as a JS number, exact: NDArray's `item()`, `get()` and `toArray()` give
 * numbers for int64 arrays (so that `step % 100 === 0` works), and refuse a value whose
 * magnitude exceeds 2^53 rather than round it; `.data` holds the exact values.
 *
 * @example
 * ```ts
 * int64ToNumber(5n); // 5
 * ```
 */
export function int64ToNumber(value: bigint): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw new ValueError(
      `int64 value ${value} cannot be represented exactly as a JavaScript number; read it from .data (a BigInt64Array)`,
    );
  }
  return n;
}
