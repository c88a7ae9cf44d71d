import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import { Tensor, type TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertList, convertToTensor, packableKind, type Packable } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  intKind,
  kind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { packIn } from "./pack_core.js";
import { float32Pass } from "../tfjs_internals.js";

registerOp({
  type: "Unpack",
  opDef: {
    inputs: ["value: T"],
    outputs: ["output: num * T"],
    attrs: ["num: int >= 0", "T: type", "axis: int = 0"],
  },
  kernel: ([x], op) => {
    const t = x as tfc.Tensor;
    // An imported op (no builder) has TF's attr only.
    const given = (op.buildData._axis as number | undefined) ?? (op.attrs.axis as number);
    const axis = given < 0 ? given + t.rank : given;
    return unstackByCopy(t, axis) ?? tfc.unstack(t, axis);
  },
});

/**
 * `Unpack` of a float32 tensor as one pass of copies into the outputs: tfjs's `unstack` is
 * a kernel call per output (an unrolled RNN's input of 20 steps took 5x longer).
 */
function unstackByCopy(x: tfc.Tensor, axis: number): tfc.Tensor[] | null {
  const num = x.shape[axis] as number;
  if (num === 0) return [];
  const outShape = x.shape.filter((_, i) => i !== axis);
  let outer = 1;
  for (let i = 0; i < axis; i++) outer *= x.shape[i] as number;
  let inner = 1;
  for (let i = axis + 1; i < x.rank; i++) inner *= x.shape[i] as number;
  return float32Pass([x], num, outShape, ([src], outs) => {
    const from = src as Float32Array;
    for (let j = 0; j < num; j++) {
      const to = outs[j] as Float32Array;
      for (let o = 0; o < outer; o++) {
        const start = (o * num + j) * inner;
        to.set(from.subarray(start, start + inner), o * inner);
      }
    }
  });
}

/** A list of tensors (or of values packable into tensors). */
const packableListKind = kind<readonly Packable[]>(
  "a list of Tensors",
  (v) => Array.isArray(v) && v.every((x) => packableKind.check(x)),
);

/** TF 1.15's `stack(values, axis=0, name="stack")`. */
const STACK_PARAMS = [
  req("values", packableListKind),
  opt("axis", intKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link stack} (any parameter by name). */
export type StackOptions = OptionsOf<typeof STACK_PARAMS>;

/**
 * Stacks rank-R tensors into one rank-(R+1) tensor along `axis` (`tf.stack(values, axis,
 * name)`, op `Pack`
 * named `stack`). A list of plain JS values stacked on axis 0 becomes one `Const`, as in
 * TensorFlow.
 *
 * @example
 * ```ts
 * const s = tf.stack([tf.constant([1, 4]), tf.constant([2, 5])], { axis: 1 });
 * using sess = new tf.Session();
 * sess.run(s); // ==> [[1. 2.]
 *              //      [4. 5.]]
 * ```
 */
export const stack = tfFunction("stack", STACK_PARAMS, (a) =>
  stackImpl(a.values, a.axis ?? 0, a.name ?? "stack"),
);

function stackImpl(values: readonly Packable[], axis: number, name: string): Tensor {
  if (values.length === 0) {
    throw new ValueError(
      "List argument 'values' to 'Pack' Op with length 0 shorter than minimum length 1.",
    );
  }
  if (axis === 0) {
    // `convert_to_tensor(values, name=name)`: a constant, or an autopacked `Pack`; when
    // that fails (tensors of several dtypes), `Pack` itself says why.
    try {
      return convertToTensor(values as unknown[], { name });
    } catch (e) {
      if (!(e instanceof TypeError || e instanceof ValueError)) throw e;
    }
  }
  const firstShape = convertToTensor(values[0], { name }).shape;
  if (firstShape.rank !== null) {
    const expanded = firstShape.rank + 1;
    if (axis < -expanded || axis >= expanded) {
      throw new ValueError(`axis = ${axis} not in [${-expanded}, ${expanded})`);
    }
  }
  return inOpScope(name, "stack", values, (scope, graph) =>
    packIn(graph, scope, convertList(values, "values", "Pack"), axis),
  );
}

/** TF 1.15's `unstack(value, num=None, axis=0, name="unstack")`. */
const UNSTACK_PARAMS = [
  req("value", tensorKind),
  opt("num", intKind),
  opt("axis", intKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link unstack} (any parameter by name). */
export type UnstackOptions = OptionsOf<typeof UNSTACK_PARAMS>;

/**
 * Splits `value` along `axis` into rank-(R-1) tensors (`tf.unstack(value, num, axis,
 * name)`, op `Unpack` named
 * `unstack`, one output per slice). `num` is inferred from the static shape when not given.
 *
 * @example
 * ```ts
 * const [a, b] = tf.unstack(tf.constant([[1, 2], [3, 4]]));
 * a.name; // ==> unstack:0
 * using sess = new tf.Session();
 * sess.run(b); // ==> [3. 4.]
 * ```
 */
export const unstack = tfFunction("unstack", UNSTACK_PARAMS, (a) =>
  unstackImpl(a.value, a.num ?? null, a.axis ?? 0, a.name),
);

function unstackImpl(
  value: TensorLike,
  numOption: number | null,
  axis: number,
  name: string | undefined,
): Tensor[] {
  let num = numOption;
  let input: TensorLike = value;
  if (num === null) {
    const t = convertToTensor(value);
    input = t;
    const dims = t.shape.dims;
    if (dims !== null) {
      if (axis < -dims.length || axis >= dims.length) {
        throw new ValueError(`axis = ${axis} not in [${-dims.length}, ${dims.length})`);
      }
      num = dims[axis < 0 ? axis + dims.length : axis] as Dim;
    }
    if (num === null) throw new ValueError(`Cannot infer num from shape ${t.shape.toString()}`);
  }
  const count = num;
  return inOpScope(name, "unstack", [input], (scope, graph) => {
    const t = convertToTensor(input, { name: "value" });
    const si = new ShapeInference(opNameOf(scope), "Unpack", [t.shape]);
    let out = TensorShape.unknown();
    let normalized = axis;
    if (t.shape.dims !== null) {
      const rank = t.shape.dims.length;
      if (axis < -rank || axis >= rank)
        si.fail(`Invalid axis: ${axis}; must be in [${-rank},${rank})`);
      normalized = axis < 0 ? axis + rank : axis;
      si.withValue(t.shape.dims[normalized] as Dim, count);
      const dims = t.shape.dims.slice();
      dims.splice(normalized, 1);
      out = new TensorShape(dims);
    }
    const outputs = new Array(count).fill(null).map(() => ({ dtype: t.dtype, shape: out }));
    return makeOp(graph, "Unpack", scope, [t], outputs, {
      num: count,
      T: t.dtype,
      axis,
      _axis: normalized,
    }).outputs.slice();
  });
}
