import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor, type Packable } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import {
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { checkLeadingInputs, checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import {
  constantInts,
  constantScalar,
  constantValue,
  readInts,
  readScalar,
} from "../tensor_util.js";

function pairs(op: { buildData: Readonly<Record<string, unknown>> }, paddings: tfc.Tensor) {
  const flat = (op.buildData._paddings as number[] | null) ?? readInts(paddings);
  const out: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i] as number, flat[i + 1] as number]);
  return out;
}

registerOp({
  type: "Pad",
  opDef: {
    inputs: ["input: T", "paddings: Tpaddings"],
    outputs: ["output: T"],
    attrs: ["T: type", "Tpaddings: {int32, int64} = int32"],
  },
  kernel: ([x, paddings], op) => [tfc.pad(x as tfc.Tensor, pairs(op, paddings as tfc.Tensor))],
});

registerOp({
  type: "PadV2",
  opDef: {
    inputs: ["input: T", "paddings: Tpaddings", "constant_values: T"],
    outputs: ["output: T"],
    attrs: ["T: type", "Tpaddings: {int32, int64} = int32"],
  },
  kernel: ([x, paddings, value], op) => {
    const v = (op.buildData._constant as number | null) ?? readScalar(value as tfc.Tensor);
    return [tfc.pad(x as tfc.Tensor, pairs(op, paddings as tfc.Tensor), v)];
  },
});

registerOp({
  type: "MirrorPad",
  opDef: {
    inputs: ["input: T", "paddings: Tpaddings"],
    outputs: ["output: T"],
    attrs: ["T: type", "Tpaddings: {int32, int64} = int32", "mode: {'REFLECT', 'SYMMETRIC'}"],
  },
  kernel: ([x, paddings], op) => [
    tfc.mirrorPad(
      x as tfc.Tensor,
      pairs(op, paddings as tfc.Tensor),
      (op.attrs.mode as string).toLowerCase() as "reflect" | "symmetric",
    ),
  ],
});

/** TensorFlow's `PadShapeFn` (and `MirrorPad`'s bound on the paddings). */
export function padShape(si: ShapeInference, x: Tensor, paddings: Tensor, mirror: string | null) {
  const pDims = si.withRank(paddings.shape, 2);
  si.withValue(pDims[1] as Dim, 2);
  let n = pDims[0] as Dim;
  if (n !== null) si.withRank(x.shape, n);
  else if (x.shape.rank !== null) n = si.withValue(n, x.shape.rank);
  const values = constantInts(paddings);
  if (values === null) return n === null ? TensorShape.unknown() : TensorShape.unknownOfRank(n);
  const num = values.length / 2;
  const inDims = si.withRank(x.shape, num);
  const dims: Dim[] = [];
  for (let i = 0; i < num; i++) {
    const before = values[2 * i] as number;
    const after = values[2 * i + 1] as number;
    if (before < 0 || after < 0) si.fail("Paddings must be non-negative");
    const d = inDims[i] as Dim;
    if (mirror !== null && d !== null) {
      const offset = mirror === "REFLECT" ? 1 : 0;
      if (before > d - offset || after > d - offset) {
        si.fail(
          `paddings must be no greater than the dimension size: ${before}, ${after} greater than ${d - offset}`,
        );
      }
    }
    dims.push(d === null ? null : d + before + after);
  }
  return new TensorShape(dims);
}

/** TF 1.15's `pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0)`. */
const PAD_PARAMS = [
  req("tensor", tensorKind),
  req("paddings", tensorKind),
  /** `"CONSTANT"` (default), `"REFLECT"` or `"SYMMETRIC"`, in any case. */
  opt("mode", stringKind),
  opt("name", stringKind),
  /** The value for `"CONSTANT"` padding; 0 by default. */
  opt("constantValues", tensorKind),
] as const;

/** The options object of {@link pad} (any parameter by name). */
export type PadOptions = OptionsOf<typeof PAD_PARAMS>;

/**
 * Pads `tensor` by `paddings` (`[[before, after], …]`, one pair per dimension)
 * (`tf.pad(tensor, paddings, mode, name, constant_values)`): op `Pad` for zero padding,
 * `PadV2` for another constant, `MirrorPad` for `REFLECT` and `SYMMETRIC`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.pad(tf.constant([[1, 2]]), [[1, 0], [0, 1]])); // ==> [[0. 0. 0.]
 *                                                            //      [1. 2. 0.]]
 * sess.run(tf.pad(tf.constant([1, 2, 3]), [[2, 2]], { mode: "reflect" })); // ==> [3. 2. 1. 2. 3. 2. 1.]
 * ```
 */
export const pad = tfFunction("pad", PAD_PARAMS, (options) => {
  const { tensor } = options;
  const paddings: Packable = options.paddings;
  const mode = (options.mode ?? "CONSTANT").toUpperCase();
  const constantValues = options.constantValues ?? 0;
  let type: string;
  if (mode === "CONSTANT") {
    type = !(constantValues instanceof Tensor) && constantValues === 0 ? "Pad" : "PadV2";
  } else if (mode === "REFLECT" || mode === "SYMMETRIC") {
    type = "MirrorPad";
  } else {
    throw new ValueError(`Unknown padding mode: ${options.mode ?? mode}`);
  }
  return inOpScope(options.name, type, [tensor, paddings, constantValues], (scope, graph) => {
    const x = convertToTensor(tensor, { name: "input" });
    const p = convertToTensor(paddings, { name: "paddings", preferredDtype: "int32" });
    checkLeadingInputs(type, [x, p]);
    const inputs = [x, p];
    let constant: number | null = null;
    if (type === "PadV2") {
      const c = convertToTensor(constantValues, {
        name: "constant_values",
        preferredDtype: x.dtype,
      });
      inputs.push(c);
      checkOpInputs(type, inputs, {});
      constant = constantScalar(c);
    }
    const pValue = constantValue(p);
    const si = new ShapeInference(
      opNameOf(scope),
      type,
      inputs.map((t) => t.shape),
      pValue === null ? {} : { tensors: [[1, pValue]] },
    );
    if (type === "PadV2") si.withRank((inputs[2] as Tensor).shape, 0);
    const out = padShape(si, x, p, type === "MirrorPad" ? mode : null);
    const attrs: Record<string, unknown> = {
      T: x.dtype,
      Tpaddings: p.dtype,
      _paddings: constantInts(p),
    };
    if (type === "MirrorPad") attrs.mode = mode;
    if (type === "PadV2") attrs._constant = constant;
    return makeOp(graph, type, scope, inputs, [{ dtype: x.dtype, shape: out }], attrs)
      .outputs[0] as Tensor;
  });
});
