import * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import {
  intKind,
  oneOfKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp, type ShapeInferenceOp } from "../registry.js";
import { attrsOf, declareOpDef } from "../op_def.js";
import { ShapeInference } from "../shape_utils.js";

/*
 * TF's `DepthToSpace` and `SpaceToDepth`: blocks of `block_size × block_size` pixels moved
 * to or from the channel axis, channel index `(row_in_block * block_size + col_in_block) *
 * depth + c`, as TF orders them. Kernels are reshapes around one 6-D transpose (NHWC;
 * NCHW goes through NHWC).
 */

const DEF = declareOpDef({
  inputs: ["input: T"],
  outputs: ["output: T"],
  attrs: [
    "T: type",
    "block_size: int >= 2",
    "data_format: {'NHWC', 'NCHW', 'NCHW_VECT_C'} = 'NHWC'",
  ],
});

type Format = "NHWC" | "NCHW";

/** `[batch, height, width, depth]` of a static shape in `format`. */
function nhwc(dims: readonly Dim[], format: Format): Dim[] {
  return format === "NHWC"
    ? dims.slice()
    : [dims[0] as Dim, dims[2] as Dim, dims[3] as Dim, dims[1] as Dim];
}

function fromNhwc(dims: readonly Dim[], format: Format): Dim[] {
  return format === "NHWC"
    ? dims.slice()
    : [dims[0] as Dim, dims[3] as Dim, dims[1] as Dim, dims[2] as Dim];
}

function mul(d: Dim, k: number): Dim {
  return d === null ? null : d * k;
}

function shapeFn(
  si: ShapeInference,
  x: TensorShape,
  bs: number,
  format: Format,
  toSpace: boolean,
): TensorShape {
  const dims = si.withRank(x, 4);
  const [b, h, w, d] = nhwc(dims, format) as [Dim, Dim, Dim, Dim];
  const out = toSpace
    ? [b, mul(h, bs), mul(w, bs), si.divide(d, bs * bs, true)]
    : [b, si.divide(h, bs, true), si.divide(w, bs, true), mul(d, bs * bs)];
  return new TensorShape(fromNhwc(out, format));
}

function kernel(input: tfc.Tensor, bs: number, format: Format, toSpace: boolean): tfc.Tensor {
  return tfc.tidy(() => {
    const x = format === "NCHW" ? tfc.transpose(input, [0, 2, 3, 1]) : input;
    const [b, h, w, d] = x.shape as [number, number, number, number];
    let y: tfc.Tensor;
    if (toSpace) {
      const c = d / (bs * bs);
      y = tfc.reshape(tfc.transpose(tfc.reshape(x, [b, h, w, bs, bs, c]), [0, 1, 3, 2, 4, 5]), [
        b,
        h * bs,
        w * bs,
        c,
      ]);
    } else {
      y = tfc.reshape(
        tfc.transpose(tfc.reshape(x, [b, h / bs, bs, w / bs, bs, d]), [0, 1, 3, 2, 4, 5]),
        [b, h / bs, w / bs, bs * bs * d],
      );
    }
    return format === "NCHW" ? tfc.transpose(y, [0, 3, 1, 2]) : y;
  });
}

for (const [type, toSpace] of [
  ["DepthToSpace", true],
  ["SpaceToDepth", false],
] as const) {
  registerOp({
    type,
    opDef: DEF,
    kernel: ([x], op) => {
      const { block_size: bs, data_format: format } = attrsOf(op, DEF);
      if (format === "NCHW_VECT_C")
        throw new ValueError(`${type} on NCHW_VECT_C is not supported.`);
      return [kernel(x as tfc.Tensor, bs, format as Format, toSpace)];
    },
    inferShapes: (op: ShapeInferenceOp) => {
      const x = (op.inputs[0] as Tensor).shape;
      const si = new ShapeInference(op.name, op.type, [x]);
      return [
        shapeFn(si, x, op.attrs.block_size as number, op.attrs.data_format as Format, toSpace),
      ];
    },
  });
}

/** TF 1.15's v1 `depth_to_space(input, block_size, name=None, data_format='NHWC')` (and space_to_depth's). */
const PARAMS = [
  req("input", tensorKind),
  req("blockSize", intKind),
  opt("name", stringKind),
  opt("dataFormat", oneOfKind("NHWC", "NCHW")),
] as const;

function build(type: "DepthToSpace" | "SpaceToDepth", toSpace: boolean) {
  return (a: { input: unknown; blockSize: number; name?: string; dataFormat?: Format }) =>
    inOpScope(a.name, type, [a.input], (scope, graph) => {
      const x = convertToTensor(a.input, { name: "input" });
      if (a.blockSize < 2) {
        throw new ValueError(
          `Value for attr 'block_size' of ${a.blockSize} must be at least minimum 2`,
        );
      }
      const format = a.dataFormat ?? "NHWC";
      const si = new ShapeInference(opNameOf(scope), type, [x.shape]);
      const out = shapeFn(si, x.shape, a.blockSize, format, toSpace);
      return makeOp(graph, type, scope, [x], [{ dtype: x.dtype, shape: out }], {
        T: x.dtype,
        block_size: a.blockSize,
        data_format: format,
      }).outputs[0] as Tensor;
    });
}

/**
 * Moves channel blocks into `blockSize × blockSize` spatial blocks (`tf.depth_to_space`,
 * op `DepthToSpace`): `[b, h, w, c·bs²]` becomes `[b, h·bs, w·bs, c]`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const x = tf.constant([[[[1, 2, 3, 4]]]], tf.int32);
 * tf.depthToSpace(x, 2).shape.toString(); // ==> (1, 2, 2, 1)
 * sess.run(tf.reshape(tf.depthToSpace(x, 2), [2, 2])); // ==> [[1 2]
 *                                                      //      [3 4]]
 * ```
 */
export const depthToSpace = tfFunction("depthToSpace", PARAMS, build("DepthToSpace", true));

/**
 * Moves `blockSize × blockSize` spatial blocks into channels (`tf.space_to_depth`, op
 * `SpaceToDepth`): `[b, h, w, c]` becomes `[b, h/bs, w/bs, c·bs²]`.
 *
 * @example
 * ```ts
 * tf.spaceToDepth(tf.zeros([1, 4, 6, 3]), 2).shape.toString(); // ==> (1, 2, 3, 12)
 * ```
 */
export const spaceToDepth = tfFunction("spaceToDepth", PARAMS, build("SpaceToDepth", false));
