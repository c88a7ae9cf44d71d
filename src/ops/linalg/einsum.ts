import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import { Tensor, type TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import {
  declare,
  defineParams,
  isPlainObject,
  opt,
  req,
  stringKind,
  type OptionsOf,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp, type ShapeInferenceOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { expandDims } from "../array/expand_dims.js";
import { reshape } from "../array/reshape.js";
import { shape as shapeOp } from "../array/shape.js";
import { sliceHelper } from "../array/strided_slice.js";
import { transpose } from "../array/transpose.js";
import { multiply } from "../math/binary.js";
import { matmul } from "../math/matmul.js";
import { pythonOperator } from "../math/operators.js";
import { reduceSum } from "../math/reduce.js";
import { trace } from "./matrix_diag.js";

/*
 * TF 1.15's `tf.einsum`. Its `einsum` calls `_einsum_v2` (the `Einsum` op) only past the
 * forward-compatibility date 2019-10-18, which TF 1.15's horizon is before; so graphs
 * built by 1.15 hold `_einsum_v1`'s composite of Transpose, Reshape, (Batch)MatMul, Mul and
 * Sum, which this file builds op for op, with its error messages.
 */

const ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Python's `sorted` of one-letter labels (code-point order). */
function sortedLabels(labels: Iterable<string>): string[] {
  return [...labels].sort();
}

/** A static dim, or the `shape(t)[i]` tensor read when it is unknown (`_get_shape`). */
type ShapeValue = number | Tensor;

/**
 * `_einsum_v1_parse_and_resolve_equation`: each input's labels with its ellipsis replaced
 * by unused letters, and the output's labels (inferred when the equation has no `->`).
 */
function parseEquation(equation: string, shapes: readonly TensorShape[]): [string[], string] {
  const eq = equation.replace(/ /g, "");
  const match = /^([a-zA-Z,.]+)(->[a-zA-Z.]*)?$/.exec(eq);
  if (match === null) throw new ValueError(`Indices have incorrect format: ${eq}`);
  const inputLabels = (match[1] as string).split(",");
  let outputLabels: string | null = match[2] === undefined ? null : match[2].slice(2);
  if (shapes.length !== inputLabels.length) {
    throw new ValueError(
      `Got ${shapes.length} arguments for equation "${eq}", expecting ${inputLabels.length}`,
    );
  }
  let ellipsisAxes = "";
  if (eq.includes("...")) {
    const used = inputLabels.join("");
    const unused = [...ASCII_LETTERS].filter((c) => !used.includes(c)).join("");
    inputLabels.forEach((ax, i) => {
      if (!ax.includes("...")) return;
      const parts = ax.split("...");
      if (parts.length !== 2) {
        throw new ValueError("Unable to resolve ellipsis. Excess number found.");
      }
      const ndims = (shapes[i] as TensorShape).rank;
      if (ndims === null) throw new ValueError("Unable to statically infer ellipsis axes.");
      const n = ndims - parts.join("").length;
      if (n < 0) throw new ValueError("Ellipses lengths do not match.");
      if (unused.length < n) {
        throw new ValueError("Unable to resolve ellipsis, too many distinct labels.");
      }
      const replaceAxes = n > 0 ? unused.slice(-n) : "";
      inputLabels[i] = ax.replace("...", replaceAxes);
      if (replaceAxes.length > ellipsisAxes.length) ellipsisAxes = replaceAxes;
    });
    if (inputLabels.some((ax) => ax.includes("."))) {
      throw new ValueError('period "." found outside of ellipsis');
    }
    if (outputLabels !== null) {
      outputLabels = outputLabels.replace("...", ellipsisAxes);
      if (outputLabels.includes(".")) throw new ValueError('period "." found outside of ellipsis');
    }
  }
  if (outputLabels === null) {
    // Labels seen once, in alphabetical order, after the ellipsis axes.
    const counts = new Map<string, number>();
    for (const ax of inputLabels.join("")) {
      if (!ellipsisAxes.includes(ax)) counts.set(ax, (counts.get(ax) ?? 0) + 1);
    }
    outputLabels =
      ellipsisAxes + sortedLabels([...counts].filter(([, c]) => c === 1).map(([a]) => a)).join("");
  }
  return [inputLabels, outputLabels];
}

/** `len(t.shape)`, with Python's error for an unknown rank. */
function rankOf(t: Tensor): number {
  const r = t.shape.rank;
  if (r === null) throw new ValueError("Cannot take the length of Shape with unknown rank.");
  return r;
}

function isIdentity(perm: readonly number[]): boolean {
  return perm.every((p, i) => p === i);
}

function transposeIfNecessary(t: Tensor, perm: number[]): Tensor {
  return isIdentity(perm) ? t : transpose(t, { perm });
}

/** `_get_shape`: the static dims, `shape(t)[i]` (one `Shape` op) for the unknown ones. */
function getShape(t: Tensor): ShapeValue[] {
  const dims = t.shape.dims as Dim[];
  if (!dims.includes(null)) return dims as number[];
  const shapeTensor = shapeOp(t);
  return dims.map((d, i) => (d === null ? sliceHelper(shapeTensor, [i]) : d));
}

/** `_total_size`: Python's `1 * v0 * v1 …`, a tensor once an unknown dim is involved. */
function totalSize(values: readonly ShapeValue[]): ShapeValue {
  let result: ShapeValue = 1;
  for (const v of values) {
    result =
      typeof result === "number" && typeof v === "number"
        ? result * v
        : pythonOperator("mul", result, v);
  }
  return result;
}

/** `_reshape_if_necessary`: no op when every static dim already matches. */
function reshapeIfNecessary(t: Tensor, newShape: readonly ShapeValue[]): Tensor {
  const cur = t.shape.dims as Dim[];
  const same =
    cur.length === newShape.length &&
    newShape.every((d1, i) => typeof d1 === "number" && (cur[i] === d1 || d1 === -1));
  return same ? t : reshape(t, newShape as never);
}

/** `_einsum_v1_reduction`: the product of two labelled tensors, summed over `axesToSum`. */
function reduction(
  t0In: Tensor,
  t0Labels: string,
  t1In: Tensor,
  t1Labels: string,
  axesToSum: ReadonlySet<string>,
): [Tensor, string] {
  const r0 = rankOf(t0In);
  if (t0Labels.length !== r0) {
    throw new ValueError(
      `Tensor t0 of rank ${r0} does not match einsum reduction of length ${t0Labels.length}`,
    );
  }
  const r1 = rankOf(t1In);
  if (t1Labels.length !== r1) {
    throw new ValueError(
      `Tensor t1 of rank ${r1} does not match einsum reduction of length ${t1Labels.length}`,
    );
  }
  const preserved = new Set([...t0Labels].filter((a) => t1Labels.includes(a) && !axesToSum.has(a)));
  const broadcast = [t0Labels, t1Labels].map(
    (labels) => new Set([...labels].filter((a) => !preserved.has(a) && !axesToSum.has(a))),
  ) as [Set<string>, Set<string>];
  // Preserved axes first; then t0's broadcast axes before its summed ones, and t1's summed
  // axes before its broadcast ones.
  const group = (i: number, a: string): number => {
    if (preserved.has(a)) return -1;
    if ((i === 0 && broadcast[0].has(a)) || (i === 1 && axesToSum.has(a))) return 0;
    return 1;
  };
  const sortedAxes = [t0Labels, t1Labels].map((labels, i) =>
    [...labels].sort((a, b) => group(i, a) - group(i, b) || (a < b ? -1 : a > b ? 1 : 0)),
  ) as [string[], string[]];
  let t0 = transposeIfNecessary(
    t0In,
    sortedAxes[0].map((a) => t0Labels.indexOf(a)),
  );
  let t1 = transposeIfNecessary(
    t1In,
    sortedAxes[1].map((a) => t1Labels.indexOf(a)),
  );
  const np = preserved.size;
  if (axesToSum.size === 0) {
    // Nothing summed: a broadcasting Mul rather than a matmul.
    for (let k = 0; k < broadcast[1].size; k++) t0 = expandDims(t0, -1);
    for (let k = 0; k < broadcast[0].size; k++) t1 = expandDims(t1, np);
    const product = multiply(t0, t1);
    return [product, [...sortedAxes[0], ...sortedAxes[1].slice(np)].join("")];
  }
  const ns = axesToSum.size;
  const t0Shape = getShape(t0);
  const numBroadcastT0 = totalSize(t0Shape.slice(np, -ns));
  const numSummed = totalSize(t0Shape.slice(-ns));
  t0 = reshapeIfNecessary(t0, [...t0Shape.slice(0, np), numBroadcastT0, numSummed]);
  const t1Shape = getShape(t1);
  const numBroadcastT1 = totalSize(t1Shape.slice(np + ns));
  t1 = reshapeIfNecessary(t1, [...t1Shape.slice(0, np), numSummed, numBroadcastT1]);
  let product = matmul(t0, t1);
  const uncompacted = [
    ...t0Shape.slice(0, np + broadcast[0].size),
    ...t1Shape.slice(t1Shape.length - broadcast[1].size),
  ];
  product = reshapeIfNecessary(product, uncompacted);
  const productAxes = [
    ...sortedAxes[0].slice(0, np + broadcast[0].size),
    ...sortedAxes[1].slice(sortedAxes[1].length - broadcast[1].size),
  ];
  return [product, productAxes.join("")];
}

/**
 * `_exponential_space_einsum_v1`: for a label summed over more than two inputs, every input
 * transposed and reshaped onto all the labels, multiplied together, and summed.
 */
function exponentialSpaceEinsum(equation: string, inputsIn: readonly Tensor[]): Tensor {
  const inputs = inputsIn.slice();
  const [idxIn, idxOut] = parseEquation(
    equation,
    inputs.map((x) => x.shape),
  );
  const idxInLists = idxIn.map((s) => [...s]);
  const idxAll = new Set([...idxIn.join(""), ...idxOut]);
  const axisOrder = new Map<string, number>();
  for (const ax of sortedLabels(idxAll))
    if (!idxOut.includes(ax)) axisOrder.set(ax, axisOrder.size);
  for (const ax of idxOut) axisOrder.set(ax, axisOrder.size);
  const order = (a: string, b: string): number =>
    (axisOrder.get(a) as number) - (axisOrder.get(b) as number);
  inputs.forEach((input, i) => {
    const axes = idxIn[i] as string;
    const ndims = input.shape.rank;
    if (ndims !== axes.length) {
      throw new ValueError(
        `Input ${i} with axes ${axes} has incorrect number of dimensions (expected ${axes.length}, got ${ndims === null ? "None" : ndims})`,
      );
    }
    const sortedIdx = [...axes].sort(order);
    if (new Set(axes).size !== axes.length) {
      throw new ValueError(`Subscript not supported: an axis appears more than once: ${axes}`);
    }
    if (sortedIdx.join("") !== axes) {
      inputs[i] = transpose(input, { perm: sortedIdx.map((ax) => axes.indexOf(ax)) });
      idxInLists[i] = sortedIdx;
    }
  });
  const reductionIdx: number[] = [];
  const shapes = inputs.map((t) => (t.shape.dims as Dim[]).map((d) => (d ? d : -1)));
  [...idxAll].sort(order).forEach((ax, j) => {
    const dims = new Set<number>();
    idxInLists.forEach((idx, i) => {
      const s = shapes[i] as number[];
      if (!idx.includes(ax)) s.splice(j, 0, 1);
      else if ((s[j] as number) > 1) dims.add(s[j] as number);
    });
    if (dims.size > 1) throw new ValueError(`Dimension mismatch on axis: ${ax}`);
    if (!idxOut.includes(ax)) reductionIdx.push(j);
  });
  const expanded = inputs.map((t, i) => reshape(t, shapes[i] as number[]));
  let output: TensorLike = 1;
  for (const t of expanded) output = pythonOperator("mul", output, t);
  return reduceSum(output, reductionIdx);
}

/** The keywords of TF 1.15's `einsum(equation, *inputs, **kwargs)`: only `name`. */
const EINSUM_PARAMS = defineParams("einsum", [
  req("equation", stringKind),
  opt("name", stringKind),
] as const);

/** The options object of {@link einsum}. */
export type EinsumOptions = Omit<OptionsOf<typeof EINSUM_PARAMS.params>, "equation">;

/**
 * A generalized contraction written in Einstein's notation (`tf.einsum(equation, *inputs,
 * name=None)`, `tf.linalg.einsum`): `"ij,jk->ik"` is a matrix product, `"ij->ji"` a
 * transpose, `"ii"` a trace, `"...ij,...jk->...ik"` a batched product. Built as TF 1.15
 * builds it under `einsum`: inputs contracted pairwise, each pair transposed and reshaped
 * into a (batch) `MatMul` (or a broadcasting `Mul` when nothing is summed), leftover labels
 * summed, the result transposed into the output's order; with TF's `ValueError`s for
 * equations it cannot take (a label repeated within an input but for the trace `"ii"`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const a = tf.constant([[1, 2], [3, 4]]);
 * sess.run(tf.einsum("ij,jk->ik", a, a)); // ==> [[ 7. 10.]
 *                                         //      [15. 22.]]
 * sess.run(tf.einsum("ij->ji", a)); // ==> [[1. 3.]
 *                                   //      [2. 4.]]
 * sess.run(tf.einsum("ii", a)); // ==> 5.0
 * ```
 */
export function einsum(
  equation: string,
  ...args: [...inputs: TensorLike[], options: EinsumOptions]
): Tensor;
export function einsum(equation: string, ...inputs: TensorLike[]): Tensor;
export function einsum(...args: unknown[]): Tensor {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const last = args[n - 1];
  let options: Record<string, unknown> = {};
  if (n > 1 && isPlainObject(last)) {
    options = last;
    n--;
  }
  const unknown = Object.keys(options).filter((k) => k !== "name");
  if (unknown.length > 0) {
    throw new TypeError(
      `invalid keyword arguments for this function: ${unknown.sort().join(", ")}`,
    );
  }
  const a = EINSUM_PARAMS.parse([args[0], options]);
  const equation = a.equation;
  const inputsIn = args.slice(1, n) as TensorLike[];
  return inOpScope(a.name, "einsum", [equation, ...inputsIn], () => {
    const inputs = inputsIn.map((x) => (x instanceof Tensor ? x : convertToTensor(x)));
    const [inputLabels, outputLabels] = parseEquation(
      equation,
      inputs.map((x) => x.shape),
    );
    const axisLabels = sortedLabels(new Set([...inputLabels.join(""), ...outputLabels]));
    for (const label of axisLabels) {
      for (const labels of inputLabels) {
        const count = [...labels].filter((c) => c === label).length;
        if (
          inputLabels.length === 1 &&
          count === 2 &&
          labels === [...labels].reverse().join("") &&
          !equation.includes("->")
        ) {
          return trace(inputs[0] as Tensor);
        }
        if (count > 1) {
          throw new ValueError(
            `Subscript not supported: an axis appears more than once: ${labels}`,
          );
        }
      }
    }
    for (const label of axisLabels) {
      const inputCount = inputLabels.filter((s) => s.includes(label)).length;
      if (inputCount > 2 && !outputLabels.includes(label)) {
        console.warn(
          `WARNING:tensorflow:Falling back to exponential-space implementation of einsum() because index "${label}" is summed over more than two inputs.`,
        );
        return exponentialSpaceEinsum(equation, inputs);
      }
    }
    let temp = inputs[0] as Tensor;
    let tempLabels = inputLabels[0] as string;
    for (let i = 0; i < inputs.length - 1; i++) {
      const next = inputLabels[i + 1] as string;
      const axesToSum = new Set(
        [...tempLabels].filter((c) => next.includes(c) && !outputLabels.includes(c)),
      );
      [temp, tempLabels] = reduction(temp, tempLabels, inputs[i + 1] as Tensor, next, axesToSum);
    }
    if ([...tempLabels].some((c) => !outputLabels.includes(c))) {
      const axis = [...tempLabels].flatMap((c, i) => (outputLabels.includes(c) ? [] : [i]));
      temp = reduceSum(temp, { axis });
      tempLabels = [...tempLabels].filter((c) => outputLabels.includes(c)).join("");
    }
    if (sortedLabels(tempLabels).join("") !== sortedLabels(outputLabels).join("")) {
      throw new ValueError(`Invalid equation: ${equation}`);
    }
    return transposeIfNecessary(
      temp,
      [...outputLabels].map((c) => tempLabels.indexOf(c)),
    );
  });
}
declare(einsum, EINSUM_PARAMS);

// ---- the Einsum op (TF 1.15 registers it; its einsum builds it only past 2019-10-18) ---------

/** The `Einsum` op's output shape (`EinsumShape`), or its rank alone when an input's is unknown. */
function einsumShape(si: ShapeInference, equation: string, inputs: readonly Tensor[]): TensorShape {
  const shapes = inputs.map((t) => t.shape.dims);
  if (shapes.some((s) => s === null)) {
    const rhs = equation.slice(equation.indexOf("->") + 2);
    return rhs.includes("...") ? TensorShape.unknown() : TensorShape.unknownOfRank(rhs.length);
  }
  const fail = (m: string): never => si.fail(m);
  const eq = resolveEinsum(
    equation,
    shapes.map((s) => (s as Dim[]).length),
    fail,
  );
  const sizes = labelSizes(eq, shapes as Dim[][], fail);
  return new TensorShape(eq.output.map((l) => sizes.get(l) ?? null));
}

/** An Einsum equation resolved against its inputs' ranks: each axis's label. */
interface ResolvedEquation {
  /** Per input, the label of each axis (letters, or `0`, `1`, … for ellipsis axes). */
  readonly inputs: string[][];
  readonly output: string[];
  /** How many axes the ellipsis stands for (the broadcast of the inputs'). */
  readonly ellipsisRank: number;
}

/**
 * Labels every axis of the `Einsum` op's inputs and output: an ellipsis becomes one label per
 * broadcast axis, right-aligned (`0` for the outermost), as NumPy broadcasts.
 */
function resolveEinsum(
  equation: string,
  ranks: readonly number[],
  fail: (m: string) => never,
): ResolvedEquation {
  const arrow = equation.indexOf("->");
  if (arrow < 0) fail(`Expecting exactly one '->' in einsum equation: ${equation}`);
  const lhs = equation.slice(0, arrow).split(",");
  const rhs = equation.slice(arrow + 2);
  if (lhs.length !== ranks.length) {
    fail(`Expecting ${lhs.length} inputs for equation ${equation} but got: ${ranks.length}`);
  }
  const ellipsisRanks = lhs.map((s, i) => {
    const named = s.replace("...", "").length;
    return s.includes("...") ? Math.max(0, (ranks[i] as number) - named) : 0;
  });
  const ellipsisRank = Math.max(0, ...ellipsisRanks);
  const expand = (s: string, own: number): string[] => {
    const at = s.indexOf("...");
    if (at < 0) return [...s];
    const ell = Array.from({ length: own }, (_, k) => String(ellipsisRank - own + k));
    return [...s.slice(0, at), ...ell, ...s.slice(at + 3)];
  };
  const inputs = lhs.map((s, i) => expand(s, ellipsisRanks[i] as number));
  inputs.forEach((labels, i) => {
    if (labels.length !== ranks[i]) {
      fail(
        `Input ${i} to einsum has rank ${ranks[i]} but the equation gives ${labels.length} labels`,
      );
    }
  });
  const output = expand(rhs, ellipsisRank);
  const seen = new Set(inputs.flat());
  for (const l of output) {
    if (!seen.has(l))
      fail(`Output subscripts contain the label ${l} not present in the input subscripts.`);
  }
  return { inputs, output, ellipsisRank };
}

/** Each label's size: equal across inputs, or 1 broadcast for ellipsis axes. */
function labelSizes(
  eq: ResolvedEquation,
  shapes: readonly (readonly (number | null)[])[],
  fail: (m: string) => never,
): Map<string, number | null> {
  const sizes = new Map<string, number | null>();
  eq.inputs.forEach((labels, i) => {
    const shape = shapes[i] as (number | null)[];
    labels.forEach((l, axis) => {
      const d = shape[axis] ?? null;
      const broadcasts = /^[0-9]+$/.test(l);
      const prev = sizes.get(l);
      if (prev === undefined) sizes.set(l, d);
      else if (d === null || d === prev || (broadcasts && d === 1)) return;
      else if (prev === null || (broadcasts && prev === 1)) sizes.set(l, d);
      else {
        fail(
          `Expected dimension ${prev} at axis ${axis} of the input shaped [${shape.map((x) => x ?? -1).join(",")}] but got dimension ${d}`,
        );
      }
    });
  });
  return sizes;
}

registerOp({
  type: "Einsum",
  opDef: {
    inputs: ["inputs: N * T"],
    outputs: ["output: T"],
    attrs: ["equation: string", "N: int >= 1", "T: type"],
  },
  kernel: (inputs, op) => {
    const fail = (m: string): never => {
      throw new InvalidArgumentError(`${m}\n\t [[{{node ${op.name}}}]]`, op.name);
    };
    const equation = op.attrs.equation as string;
    const eq = resolveEinsum(
      equation,
      inputs.map((t) => t.rank),
      fail,
    );
    const sizes = labelSizes(
      eq,
      inputs.map((t) => t.shape),
      fail,
    );
    const labels = [...sizes.keys()];
    const dims = labels.map((l) => sizes.get(l) as number);
    // Per input, the stride of each label (summed for a repeated label: a diagonal; zero for
    // an axis of 1 broadcast against a longer one).
    const strides = inputs.map((t, i) => {
      const own = eq.inputs[i] as string[];
      const s = new Array<number>(labels.length).fill(0);
      let stride = 1;
      for (let axis = own.length - 1; axis >= 0; axis--) {
        const d = t.shape[axis] as number;
        const k = labels.indexOf(own[axis] as string);
        if (d !== 1) s[k] = (s[k] as number) + stride;
        stride *= d;
      }
      return s;
    });
    const outShape = eq.output.map((l) => sizes.get(l) as number);
    const outStrides = new Array<number>(labels.length).fill(0);
    let stride = 1;
    for (let axis = eq.output.length - 1; axis >= 0; axis--) {
      // A label repeated in the output writes its diagonal (the gradient's "i->ii").
      const k = labels.indexOf(eq.output[axis] as string);
      outStrides[k] = (outStrides[k] as number) + stride;
      stride *= outShape[axis] as number;
    }
    const data = inputs.map((t) => t.dataSync() as Float32Array | Int32Array);
    const isInt = inputs[0]?.dtype === "int32";
    const out = isInt ? new Int32Array(stride) : new Float32Array(stride);
    const total = dims.reduce((p, d) => p * d, 1);
    const index = new Array<number>(labels.length).fill(0);
    const offsets = new Array<number>(inputs.length).fill(0);
    let outOffset = 0;
    for (let n = 0; n < total; n++) {
      let prod = 1;
      for (let i = 0; i < data.length; i++)
        prod *= (data[i] as Float32Array)[offsets[i] as number] as number;
      out[outOffset] = (out[outOffset] as number) + prod;
      // The next label combination (mixed radix, last label fastest), offsets updated in step.
      for (let k = labels.length - 1; k >= 0; k--) {
        index[k] = (index[k] as number) + 1;
        for (let i = 0; i < data.length; i++)
          offsets[i] = (offsets[i] as number) + ((strides[i] as number[])[k] as number);
        outOffset += outStrides[k] as number;
        if ((index[k] as number) < (dims[k] as number)) break;
        const back = dims[k] as number;
        index[k] = 0;
        for (let i = 0; i < data.length; i++)
          offsets[i] = (offsets[i] as number) - back * ((strides[i] as number[])[k] as number);
        outOffset -= back * (outStrides[k] as number);
      }
    }
    return [tfc.tensor(out, outShape, isInt ? "int32" : "float32")];
  },
  inferShapes: (op: ShapeInferenceOp) => [
    einsumShape(
      new ShapeInference(
        op.name,
        op.type,
        op.inputs.map((t) => t.shape),
      ),
      op.attrs.equation as string,
      op.inputs,
    ),
  ],
});

/**
 * `gen_linalg_ops.einsum(inputs, equation)`: an `Einsum` op named `Einsum` in the current
 * scope, its shape from the op's shape function.
 */
export function einsumOp(inputs: readonly Tensor[], equation: string): Tensor {
  return inOpScope(undefined, "Einsum", inputs, (scope, graph) => {
    const name = opNameOf(scope);
    const si = new ShapeInference(
      name,
      "Einsum",
      inputs.map((t) => t.shape),
    );
    const shape = einsumShape(si, equation, inputs);
    return makeOp(graph, "Einsum", scope, inputs, [{ dtype: (inputs[0] as Tensor).dtype, shape }], {
      equation,
      N: inputs.length,
      T: (inputs[0] as Tensor).dtype,
    }).outputs[0] as Tensor;
  });
}
