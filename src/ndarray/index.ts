/**
 * The arrays `Session.run` returns, and NumPy's printing of them.
 *
 * @example
 * ```ts
 * String(NDArray.fromNested([1.5, 2], "float32")); // ==> [1.5 2. ]
 * ```
 */
export {
  NDArray,
  type DataFor,
  type DataInput,
  type Nested,
  type NestedInput,
  type Scalar,
  type ScalarFor,
} from "./ndarray.js";
export {
  arrayRepr,
  arrayStr,
  getPrintOptions,
  resetPrintOptions,
  setPrintOptions,
  type ArrayView,
  type ElementData,
  type FloatMode,
  type PrintOptions,
} from "./arrayprint.js";
export { float32ScalarStr, formatPositional, formatScientific } from "./dragon4.js";
