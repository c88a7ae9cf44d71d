import { ValueError } from "../../errors.js";
import {
  anyKind,
  booleanKind,
  intKind,
  opt,
  req,
  stringKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { asDType, type DType } from "../../graph/dtypes.js";
import { Tensor, type TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { NDArray } from "../../ndarray/ndarray.js";
import { constant } from "../array/constant.js";
import { shape as shapeOf } from "../array/shape.js";
import { sliceHelper } from "../array/strided_slice.js";
import { convertToTensor } from "../convert.js";
import { greater, greaterEqual, less } from "../math/binary.js";
import { pythonOperator } from "../math/operators.js";
import { inOpScope } from "../op_scope.js";
import {
  flatten,
  isSequence,
  packSequenceAs,
  sameStructure,
  structureMismatch,
} from "../../graph/nest.js";
import { TensorArray } from "./tensor_array.js";
import { whileLoop } from "./while_v1.js";

/*
 * TF 1.15's functional ops (`map_fn.py`, `functional_ops.py`): each is a `tf.whileLoop`
 * over TensorArrays — the inputs unstacked into arrays read at each iteration, the outputs
 * written into arrays carried as loop variables and stacked after the loop — so their
 * graphs, names and gradients are the loop's. TF also sets a caching device on the
 * variable scope for the loop; scopeflow refuses caching devices, so there is none to set.
 */

/** The function a functional op applies. */
export type FunctionalFn = (...args: never[]) => unknown;

const fnKind = anyKind<FunctionalFn>("a callable", false);
const structureKind = anyKind<unknown>("a Tensor or a nested structure of Tensors", false);

/** A loop counter or bound: a JS number as Python's int, or an int32 tensor. */
type Count = number | Tensor;

function checkFn(fn: unknown): (...args: unknown[]) => unknown {
  if (typeof fn !== "function") throw new TypeError("fn must be callable.");
  return fn as (...args: unknown[]) => unknown;
}

/** A JS number converted as TF converts a Python int: an int32 scalar. */
function pyInt(v: Count): Tensor | NDArray {
  return typeof v === "number" ? new NDArray(new Int32Array([v]), [], "int32") : v;
}

/** `x - y` as Python computes it: on numbers, or with the `sub` operator on a tensor. */
function sub(x: Count, y: Count): Count {
  if (typeof x === "number" && typeof y === "number") return x - y;
  return pythonOperator("sub", pyInt(x) as TensorLike, pyInt(y) as TensorLike);
}

function elemsHaveNoTensors(elems: unknown): ValueError {
  return new ValueError(
    `elems must be a Tensor or (possibly nested) sequence of Tensors. Got ${String(elems)}, which does not contain any Tensors.`,
  );
}

/** `nest.flatten`/`pack_sequence_as` for a value that may be a single leaf. */
function flattener(structure: unknown): {
  flatten: (x: unknown) => unknown[];
  pack: (flat: readonly unknown[]) => unknown;
} {
  const isSeq = isSequence(structure);
  return {
    flatten: (x) => (isSeq ? flatten<unknown>(x) : [x]),
    pack: (flat) => (isSeq ? packSequenceAs<unknown>(structure, flat) : flat[0]),
  };
}

/**
 * The loop length: the first elem's static first dimension, else
 * `array_ops.shape(elem)[0]` (`Shape`, `strided_slice`). `zeroIsUnknown` is map_fn's and
 * the folds' `static or dynamic`, which takes a static 0 for unknown.
 */
function lengthOf(first: Tensor, zeroIsUnknown: boolean): Count {
  const dims = first.shape.dims;
  if (dims !== null && dims.length === 0) {
    // TF 1.15's scan and folds fail here with Python's IndexError (`shape[0]` of a
    // scalar); map_fn's message says what is wrong.
    throw new ValueError("elems must be a 1+ dimensional Tensor, not a scalar");
  }
  const d = dims === null ? null : (dims[0] as Dim);
  if (d !== null && !(zeroIsUnknown && d === 0)) return d;
  return sliceHelper(shapeOf(first), [0]);
}

/**
 * The results' static first dimension: the first elem's, checked against the others'
 * (`Dimension.merge_with`), set on each stacked result.
 */
function setStaticLength(elemsFlat: readonly Tensor[], results: readonly Tensor[]): void {
  const firstDim = (t: Tensor): Dim => {
    const dims = t.shape.dims;
    if (dims === null) return null;
    if (dims.length < 1) {
      throw new ValueError(`Shape ${t.shape.toString()} must have rank at least 1`);
    }
    return dims[0] as Dim;
  };
  const n = firstDim(elemsFlat[0] as Tensor);
  for (const e of elemsFlat.slice(1)) {
    const m = firstDim(e);
    if (n !== null && m !== null && n !== m) {
      throw new ValueError(`Dimensions ${n} and ${m} are not compatible`);
    }
  }
  for (const r of results) {
    const dims = r.shape.dims;
    if (dims !== null) r.setShape(new TensorShape([n, ...dims.slice(1)]));
  }
}

/**
 * TF 1.15's `map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True,
 * swap_memory=False, infer_shape=True, name=None)`.
 */
const MAP_FN_PARAMS = [
  req("fn", fnKind),
  req("elems", structureKind),
  opt("dtype", anyKind<unknown>("a dtype or a nested structure of dtypes", false)),
  opt("parallelIterations", intKind),
  opt("backProp", booleanKind),
  opt("swapMemory", booleanKind),
  opt("inferShape", booleanKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link mapFn}. */
export type MapFnOptions = OptionsOf<typeof MAP_FN_PARAMS>;

/**
 * `fn` applied to each slice of `elems` along dimension 0, the results stacked
 * (`tf.map_fn`), built as TensorFlow 1.15 builds it: `map/TensorArrayUnstack/…` for the
 * inputs, a `map/while/…` loop reading them and writing `fn`'s results into TensorArrays,
 * `map/TensorArrayStack/…` after it. `elems` is a tensor or a nested array/object of
 * tensors with equal first dimensions (a JS array is a structure, as a Python list is: pass
 * `tf.constant(...)` for a tensor); `fn` receives slices in that structure. When `fn`
 * returns another structure or dtype than `elems`, `dtype` gives it (a dtype or a nested
 * structure of dtypes). Differentiable with respect to `elems` and the tensors `fn` reads.
 *
 * @example
 * ```ts
 * const squares = tf.mapFn((x: tf.Tensor) => tf.multiply(x, x), tf.constant([1, 2, 3]));
 * squares.name; // ==> map/TensorArrayStack/TensorArrayGatherV3:0
 * using sess = new tf.Session();
 * sess.run(squares); // ==> [1. 4. 9.]
 * ```
 */
export const mapFn = tfFunction("mapFn", MAP_FN_PARAMS, (a): unknown => {
  const fn = checkFn(a.fn);
  const elems = a.elems;
  const input = flattener(elems);
  const dtype = a.dtype ?? null;
  const output = dtype === null ? input : flattener(dtype);
  const elemsFlatIn = input.flatten(elems);
  if (elemsFlatIn.length === 0) throw elemsHaveNoTensors(elems);
  // `not parallel_iterations`: a missing or zero value is graph mode's default.
  const parallelIterations = a.parallelIterations || 10;
  return inOpScope(a.name, "map", elemsFlatIn, () => {
    const elemsFlat = elemsFlatIn.map((e) => convertToTensor(e as TensorLike, { name: "elem" }));
    const dtypeFlat: DType[] =
      dtype === null
        ? elemsFlat.map((e) => e.dtype)
        : output.flatten(dtype).map((d) => asDType(d as DType));
    const first = elemsFlat[0] as Tensor;
    if (first.shape.rank === 0) {
      throw new ValueError(
        elemsFlat.length === 1
          ? "elems must be a 1+ dimensional Tensor, not a scalar"
          : "elements in elems must be 1+ dimensional Tensors, not scalars",
      );
    }
    const n = lengthOf(first, true);
    const elemsTa = elemsFlat
      .map((e) => new TensorArray(e.dtype, { size: n, dynamicSize: false, inferShape: true }))
      .map((ta, k) => ta.unstack(elemsFlat[k] as Tensor));
    const i = constant(0, { dtype: "int32" });
    const accsTa = dtypeFlat.map(
      (dt) =>
        new TensorArray(dt, { size: n, dynamicSize: false, inferShape: a.inferShape ?? true }),
    );
    const expected = dtype ?? elems;
    const compute = (i: Tensor, tas: TensorArray[]): unknown[] => {
      const packedValues = input.pack(elemsTa.map((ta) => ta.read(i)));
      const packedFnValues = fn(packedValues);
      if (!sameStructure(expected, packedFnValues)) {
        throw new ValueError(structureMismatch(expected, packedFnValues));
      }
      const flatFnValues = output.flatten(packedFnValues);
      const next = tas.map((ta, k) => ta.write(i, flatFnValues[k] as TensorLike));
      return [pythonOperator("add", i, 1), next];
    };
    const [, rA] = whileLoop((i: Tensor) => less(i, n), compute, [i, accsTa], {
      parallelIterations,
      backProp: a.backProp ?? true,
      swapMemory: a.swapMemory ?? false,
      maximumIterations: pyInt(n),
    }) as [Tensor, TensorArray[]];
    const resultsFlat = rA.map((r) => r.stack());
    setStaticLength(elemsFlat, resultsFlat);
    return output.pack(resultsFlat);
  });
});

/**
 * TF 1.15's `scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
 * swap_memory=False, infer_shape=True, reverse=False, name=None)`.
 */
const SCAN_PARAMS = [
  req("fn", fnKind),
  req("elems", structureKind),
  opt("initializer", structureKind),
  opt("parallelIterations", intKind),
  opt("backProp", booleanKind),
  opt("swapMemory", booleanKind),
  opt("inferShape", booleanKind),
  opt("reverse", booleanKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link scan}. */
export type ScanOptions = OptionsOf<typeof SCAN_PARAMS>;

/**
 * The running accumulation of `fn(acc, x)` over the slices `x` of `elems` along dimension
 * 0, every step's accumulator stacked (`tf.scan`), built as TensorFlow 1.15 builds it
 * (`scan/TensorArrayUnstack/…`, a `scan/while/…` loop carrying the accumulator and
 * TensorArrays of the results, `scan/TensorArrayStack/…`). Without `initializer` the first
 * slice is the first accumulator (and `fn` returns `elems`' structure); with it, `fn`
 * returns the initializer's structure. `reverse` scans from last to first. Differentiable.
 *
 * @example
 * ```ts
 * const sums = tf.scan((acc: tf.Tensor, x: tf.Tensor) => tf.add(acc, x), tf.constant([1, 2, 3, 4]));
 * using sess = new tf.Session();
 * sess.run(sums); // ==> [ 1.  3.  6. 10.]
 * ```
 */
export const scan = tfFunction("scan", SCAN_PARAMS, (a): unknown => {
  const fn = checkFn(a.fn);
  const elems = a.elems;
  const input = flattener(elems);
  const hasInit = a.initializer !== undefined && a.initializer !== null;
  const output = hasInit ? flattener(a.initializer) : input;
  const elemsFlatIn = input.flatten(elems);
  if (elemsFlatIn.length === 0) throw elemsHaveNoTensors(elems);
  const reverse = a.reverse ?? false;
  const inferShape = a.inferShape ?? true;
  return inOpScope(a.name, "scan", elemsFlatIn, () => {
    const elemsFlat = elemsFlatIn.map((e) => convertToTensor(e as TensorLike, { name: "elem" }));
    const n = lengthOf(elemsFlat[0] as Tensor, false);
    const elemsTa = elemsFlat
      .map((e) => {
        const dims = e.shape.dims;
        return new TensorArray(e.dtype, {
          size: n,
          dynamicSize: false,
          elementShape: dims === null ? TensorShape.unknown() : new TensorShape(dims.slice(1)),
          inferShape: true,
        });
      })
      .map((ta, k) => ta.unstack(elemsFlat[k] as Tensor));
    const firstIndex = (): Count => (reverse ? sub(n, 1) : 0);
    let aFlat: Tensor[];
    let i: number;
    if (!hasInit) {
      aFlat = elemsTa.map((ta) => ta.read(pyInt(firstIndex()) as TensorLike));
      i = 1;
    } else {
      aFlat = output.flatten(a.initializer).map((init) => convertToTensor(init as TensorLike));
      i = 0;
    }
    let accsTa = aFlat.map(
      (init) =>
        new TensorArray(init.dtype, {
          size: n,
          elementShape: inferShape ? init.shape : undefined,
          dynamicSize: false,
          inferShape,
        }),
    );
    if (!hasInit) {
      accsTa = accsTa.map((ta, k) => ta.write(pyInt(firstIndex()) as TensorLike, aFlat[k]));
    }
    const expected = hasInit ? a.initializer : elems;
    const compute = (i: Tensor, aFlat: Tensor[], tas: TensorArray[]): unknown[] => {
      const packedElems = input.pack(elemsTa.map((ta) => ta.read(i)));
      const packedA = output.pack(aFlat);
      const aOut = fn(packedA, packedElems);
      if (!sameStructure(expected, aOut)) throw new ValueError(structureMismatch(expected, aOut));
      const flatAOut = output.flatten(aOut);
      const next = tas.map((ta, k) => ta.write(i, flatAOut[k] as TensorLike));
      const nextI = reverse ? pythonOperator("sub", i, 1) : pythonOperator("add", i, 1);
      return [nextI, flatAOut, next];
    };
    const initialI = reverse ? sub(sub(n, 1), i) : i;
    const condition = reverse ? (i: Tensor) => greaterEqual(i, 0) : (i: Tensor) => less(i, n);
    const [, , rA] = whileLoop(condition, compute, [pyInt(initialI), aFlat, accsTa], {
      parallelIterations: a.parallelIterations ?? 10,
      backProp: a.backProp ?? true,
      swapMemory: a.swapMemory ?? false,
      maximumIterations: pyInt(n),
    }) as [Tensor, Tensor[], TensorArray[]];
    const resultsFlat = rA.map((r) => r.stack());
    setStaticLength(elemsFlat, resultsFlat);
    return output.pack(resultsFlat);
  });
});

/**
 * TF 1.15's `foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True,
 * swap_memory=False, name=None)` (and `foldr`'s, the same).
 */
const FOLD_PARAMS = [
  req("fn", fnKind),
  req("elems", structureKind),
  opt("initializer", structureKind),
  opt("parallelIterations", intKind),
  opt("backProp", booleanKind),
  opt("swapMemory", booleanKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link foldl} and {@link foldr}. */
export type FoldOptions = OptionsOf<typeof FOLD_PARAMS>;

type FoldArgs = {
  fn: FunctionalFn;
  elems: unknown;
  initializer?: unknown;
  parallelIterations?: number;
  backProp?: boolean;
  swapMemory?: boolean;
  name?: string;
};

function fold(a: FoldArgs, right: boolean): unknown {
  const fn = checkFn(a.fn);
  const elems = a.elems;
  const input = flattener(elems);
  const elemsFlatIn = input.flatten(elems);
  if (elemsFlatIn.length === 0) throw elemsHaveNoTensors(elems);
  const hasInit = a.initializer !== undefined && a.initializer !== null;
  return inOpScope(a.name, right ? "foldr" : "foldl", elemsFlatIn, () => {
    const elemsFlat = elemsFlatIn.map((e) => convertToTensor(e as TensorLike, { name: "elem" }));
    const n = lengthOf(elemsFlat[0] as Tensor, true);
    // `nest.map_structure(create_ta, elems)`: each array made and unstacked in turn.
    const elemsTa = elemsFlat.map((e) =>
      new TensorArray(e.dtype, { size: n, dynamicSize: false, inferShape: true }).unstack(e),
    );
    const readAll = (index: Count): unknown =>
      input.pack(elemsTa.map((ta) => ta.read(pyInt(index) as TensorLike)));
    let i: Count | Tensor;
    let acc: unknown;
    if (!right) {
      if (!hasInit) {
        acc = readAll(0);
        i = constant(1, { dtype: "int32" });
      } else {
        acc = a.initializer;
        i = constant(0, { dtype: "int32" });
      }
    } else if (!hasInit) {
      i = sub(n, 1);
      acc = readAll(i);
    } else {
      i = n;
      acc = a.initializer;
    }
    const compute = right
      ? (i: Tensor, acc: unknown): unknown[] => {
          const prev = pythonOperator("sub", i, 1);
          return [prev, fn(acc, readAll(prev))];
        }
      : (i: Tensor, acc: unknown): unknown[] => [pythonOperator("add", i, 1), fn(acc, readAll(i))];
    const condition = right ? (i: Tensor) => greater(i, 0) : (i: Tensor) => less(i, n);
    const [, rA] = whileLoop(condition, compute, [pyInt(i), acc], {
      parallelIterations: a.parallelIterations ?? 10,
      backProp: a.backProp ?? true,
      swapMemory: a.swapMemory ?? false,
      maximumIterations: pyInt(n),
    }) as [Tensor, unknown];
    return rA;
  });
}

/**
 * `fn(acc, x)` folded over the slices `x` of `elems` along dimension 0, first to last
 * (`tf.foldl`), as a `foldl/while/…` loop reading TensorArrays of the slices. Without
 * `initializer` the first slice is the first accumulator. Returns the last accumulator
 * (`initializer`'s structure). Differentiable.
 *
 * @example
 * ```ts
 * const total = tf.foldl((a: tf.Tensor, x: tf.Tensor) => tf.add(a, x), tf.constant([1, 2, 3, 4, 5, 6]));
 * using sess = new tf.Session();
 * sess.run(total); // ==> 21.0
 * ```
 */
export const foldl = tfFunction("foldl", FOLD_PARAMS, (a): unknown => fold(a, false));

/**
 * `fn(acc, x)` folded over the slices `x` of `elems` along dimension 0, last to first
 * (`tf.foldr`), as a `foldr/while/…` loop. Without `initializer` the last slice is the
 * first accumulator. Differentiable.
 *
 * @example
 * ```ts
 * const s = tf.foldr((a: tf.Tensor, x: tf.Tensor) => tf.subtract(x, a), tf.constant([1, 2, 3]));
 * using sess = new tf.Session();
 * sess.run(s); // ==> 2.0
 * ```
 */
export const foldr = tfFunction("foldr", FOLD_PARAMS, (a): unknown => fold(a, true));
