import * as tfc from "@tensorflow/tfjs-core";
import { UnimplementedError } from "../../errors.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import {
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type ArgsOf,
  type OptionsOf,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import type { OpDefSpec } from "../op_def.js";
import { registerOp, registerShapeFunction } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { readInts, staticShapeOf } from "../tensor_util.js";
import { runKernel } from "../tfjs_internals.js";
import { intsKind } from "./conv_utils.js";
import {
  checkStringAttr,
  dataFormat3dOf,
  getSequence3d,
  indices3d,
  kernelError,
  pool3dShape,
  spatial3,
} from "./conv3d_utils.js";

/*
 * 3-D pooling (`MaxPool3D`, `AvgPool3D`) and its gradient ops (`MaxPool3DGrad`,
 * `AvgPool3DGrad`) on tfjs's pool3d kernels, with the checks and messages of TF 1.15's CPU
 * kernels, which pool NDHWC only.
 */

const POOL3D_ATTRS = [
  "ksize: list(int) >= 5",
  "strides: list(int) >= 5",
  "padding: {'SAME', 'VALID'}",
  "data_format: {'NDHWC', 'NCDHW'} = 'NDHWC'",
];

const OP_DEFS: Readonly<Record<string, OpDefSpec>> = {
  AvgPool3D: {
    inputs: ["input: T"],
    outputs: ["output: T"],
    attrs: [...POOL3D_ATTRS, "T: {half, bfloat16, float, double}"],
  },
  MaxPool3D: {
    inputs: ["input: T"],
    outputs: ["output: T"],
    attrs: [...POOL3D_ATTRS, "T: {half, bfloat16, float}"],
  },
  MaxPool3DGrad: {
    inputs: ["orig_input: TInput", "orig_output: TInput", "grad: T"],
    outputs: ["output: T"],
    attrs: [
      ...POOL3D_ATTRS,
      "T: {half, bfloat16, float} = DT_FLOAT",
      "TInput: {half, bfloat16, float} = DT_FLOAT",
    ],
  },
  AvgPool3DGrad: {
    inputs: ["orig_input_shape: int32", "grad: T"],
    outputs: ["output: T"],
    attrs: [...POOL3D_ATTRS, "T: {half, bfloat16, float, double}"],
  },
  MaxPool3DGradGrad: {
    inputs: ["orig_input: T", "orig_output: T", "grad: T"],
    outputs: ["output: T"],
    attrs: [
      ...POOL3D_ATTRS,
      "T: {float, double, int32, uint8, int16, int8, int64, bfloat16, uint16, half, uint32, uint64}",
    ],
  },
};

/** The kernel-construction checks of TF 1.15's `Pooling3DOp` and its gradient kernels. */
function checkPoolAttrs(op: Operation, kernel: string): void {
  const format = (op.attrs.data_format as string | undefined) ?? "NDHWC";
  if (format !== "NDHWC") {
    throw kernelError(op, `Default ${kernel} only supports NDHWC on device type CPU`);
  }
  const ksize = op.attrs.ksize as number[];
  const strides = op.attrs.strides as number[];
  if (ksize.length !== 5)
    throw kernelError(op, "Sliding window ksize field must specify 5 dimensions");
  if (strides.length !== 5) {
    throw kernelError(op, "Sliding window stride field must specify 5 dimensions");
  }
  const { n, c } = indices3d(format);
  if (ksize[n] !== 1 || strides[n] !== 1) {
    throw new UnimplementedError("Pooling is not yet supported on the batch dimension.", op.name);
  }
  if (ksize[c] !== 1 || strides[c] !== 1) {
    throw new UnimplementedError("Pooling is not yet supported on the depth dimension.", op.name);
  }
}

/** tfjs's view of a pooling op's attrs (NDHWC). */
function geometry(op: Operation): {
  filterSize: [number, number, number];
  strides: [number, number, number];
  pad: "same" | "valid";
} {
  return {
    filterSize: spatial3(op.attrs.ksize as number[], "NDHWC"),
    strides: spatial3(op.attrs.strides as number[], "NDHWC"),
    pad: (op.attrs.padding as string) === "SAME" ? "same" : "valid",
  };
}

for (const [type, pool] of [
  ["MaxPool3D", tfc.maxPool3d],
  ["AvgPool3D", tfc.avgPool3d],
] as const) {
  registerOp({
    type,
    opDef: OP_DEFS[type],
    kernel: ([input], op) => {
      checkPoolAttrs(op, "Pooling3DOp");
      const x = input as tfc.Tensor;
      if (x.rank !== 5) throw kernelError(op, "tensor_in must be 5-dimensional");
      const g = geometry(op);
      return [pool(x as tfc.Tensor5D, g.filterSize, g.strides, g.pad)];
    },
  });
}

/** The pooled input, output and gradient of a max-pool gradient op, each checked 5-D as TF's kernels do. */
function maxPoolGradInputs(
  op: Operation,
  [input, output, grad]: readonly (tfc.Tensor | undefined)[],
): [tfc.Tensor, tfc.Tensor, tfc.Tensor] {
  if (input?.rank !== 5) throw kernelError(op, "tensor_in must be 5-dimensional");
  if (output?.rank !== 5) throw kernelError(op, "tensor_out must be 5-dimensional");
  if (grad?.rank !== 5) throw kernelError(op, "out_backprop must be 5-dimensional");
  return [input, output, grad];
}

registerOp({
  type: "MaxPool3DGrad",
  opDef: OP_DEFS.MaxPool3DGrad,
  kernel: ([x, y, dy], op) => {
    checkPoolAttrs(op, "MaxPooling3dGradOp");
    const [input, output, grad] = maxPoolGradInputs(op, [x, y, dy]);
    const g = geometry(op);
    return [maxPool3dGradLoop(input, output, grad, g.filterSize, g.strides, g.pad === "same")];
  },
});

/** How many of each SAME window's positions along one dimension lie inside the input. */
function windowCounts(input: number, output: number, k: number, stride: number): number[] {
  const before = Math.floor(Math.max((output - 1) * stride + k - input, 0) / 2);
  return Array.from({ length: output }, (_, o) => {
    const start = o * stride - before;
    return Math.min(start + k, input) - Math.max(start, 0);
  });
}

registerOp({
  type: "AvgPool3DGrad",
  opDef: OP_DEFS.AvgPool3DGrad,
  kernel: ([sizes, dy], op) => {
    checkPoolAttrs(op, "AvgPooling3dGradOp");
    const shape =
      (op.buildData._sizes as number[] | null | undefined) ?? readInts(sizes as tfc.Tensor);
    const grad = dy as tfc.Tensor;
    if (shape.length !== 5) {
      throw kernelError(op, "tensor_in must be 5-dimensional");
    }
    if (grad.rank !== 5) throw kernelError(op, "out_backprop must be 5-dimensional");
    const g = geometry(op);
    return [
      tfc.tidy(() => {
        // tfjs divides every window by its full size; TF (as tfjs's forward AvgPool3D) by
        // the number of its values inside the input, which SAME padding makes smaller.
        let scaled = grad;
        if (g.pad === "same") {
          const counts = [0, 1, 2].map((i) =>
            windowCounts(
              shape[i + 1] as number,
              grad.shape[i + 1] as number,
              g.filterSize[i] as number,
              g.strides[i] as number,
            ),
          );
          if (counts.some((c, i) => c.some((n) => n !== g.filterSize[i]))) {
            const along = (i: number): tfc.Tensor => {
              const dims = [1, 1, 1, 1, 1];
              dims[i + 1] = (counts[i] as number[]).length;
              return tfc.tensor(
                (counts[i] as number[]).map((n) => (g.filterSize[i] as number) / n),
                dims,
                grad.dtype,
              );
            };
            scaled = tfc.mul(tfc.mul(tfc.mul(grad, along(0)), along(1)), along(2));
          }
        }
        // The kernel reads only the shape of `input`.
        return runKernel(
          "AvgPool3DGrad",
          { dy: scaled, input: tfc.zeros(shape, grad.dtype) },
          { ...g, dimRoundingMode: undefined },
        );
      }),
    ];
  },
});

/** TF's padding before each spatial axis of a 3-D pooling. */
function padsBefore(
  input: readonly number[],
  output: readonly number[],
  k: readonly number[],
  s: readonly number[],
  same: boolean,
): [number, number, number] {
  const at = (v: readonly number[], i: number): number => v[i] as number;
  const pad = (i: number): number =>
    same
      ? Math.floor(Math.max((at(output, i) - 1) * at(s, i) + at(k, i) - at(input, i), 0) / 2)
      : 0;
  return [pad(0), pad(1), pad(2)];
}

/**
 * Calls `body(outIndex, inIndex)` for every (output, input) position pair of a 3-D
 * pooling window, channel by channel, in the order TF's CPU kernels visit them (planes,
 * rows, cols); `body` returns `true` to stop searching that output's window.
 */
function forEachWindow(
  x: tfc.Tensor,
  y: tfc.Tensor,
  filterSize: readonly number[],
  strides: readonly number[],
  same: boolean,
  body: (o: number, i: number) => boolean,
): void {
  const [n, inD, inH, inW, c] = x.shape as [number, number, number, number, number];
  const [, outD, outH, outW] = y.shape as [number, number, number, number, number];
  const [kd, kh, kw] = filterSize as [number, number, number];
  const [sd, sh, sw] = strides as [number, number, number];
  const [pd, ph, pw] = padsBefore([inD, inH, inW], [outD, outH, outW], filterSize, strides, same);
  let o = 0;
  for (let b = 0; b < n; b++) {
    for (let od = 0; od < outD; od++) {
      const d0 = od * sd - pd;
      for (let oh = 0; oh < outH; oh++) {
        const h0 = oh * sh - ph;
        for (let ow = 0; ow < outW; ow++, o += c) {
          const w0 = ow * sw - pw;
          for (let ch = 0; ch < c; ch++) {
            search: for (let d = Math.max(d0, 0); d < Math.min(d0 + kd, inD); d++) {
              for (let h = Math.max(h0, 0); h < Math.min(h0 + kh, inH); h++) {
                for (let w = Math.max(w0, 0); w < Math.min(w0 + kw, inW); w++) {
                  const i = (((b * inD + d) * inH + h) * inW + w) * c + ch;
                  if (body(o + ch, i)) break search;
                }
              }
            }
          }
        }
      }
    }
  }
}

/**
 * `MaxPool3DGrad` as TF 1.15's CPU kernel computes it: each window's gradient goes to
 * every input position within 1e-5 of the window's maximum (tfjs's kernel picks one).
 */
function maxPool3dGradLoop(
  x: tfc.Tensor,
  y: tfc.Tensor,
  dy: tfc.Tensor,
  filterSize: readonly number[],
  strides: readonly number[],
  same: boolean,
): tfc.Tensor {
  const xs = x.dataSync();
  const ys = y.dataSync();
  const gs = dy.dataSync();
  const out = new Float32Array(xs.length);
  forEachWindow(x, y, filterSize, strides, same, (o, i) => {
    if (Math.abs((xs[i] as number) - (ys[o] as number)) < 1e-5) out[i] += gs[o] as number;
    return false;
  });
  return tfc.tensor(out, x.shape, "float32");
}

/**
 * `MaxPool3DGradGrad` as TF 1.15's CPU kernel computes it: each output position takes the
 * `grad` value at the first position of its window (planes, rows, cols order) where the
 * input equals the pooled maximum. A loop over the data: tfjs has no such kernel.
 */
function maxPool3dGradGrad(
  x: tfc.Tensor,
  y: tfc.Tensor,
  g: tfc.Tensor,
  filterSize: readonly number[],
  strides: readonly number[],
  same: boolean,
): tfc.Tensor {
  const xs = x.dataSync();
  const ys = y.dataSync();
  const gs = g.dataSync();
  const out = new Float32Array(ys.length);
  forEachWindow(x, y, filterSize, strides, same, (o, i) => {
    if (xs[i] !== ys[o]) return false;
    out[o] = gs[i] as number;
    return true;
  });
  return tfc.tensor(out, y.shape, "float32");
}

registerOp({
  type: "MaxPool3DGradGrad",
  opDef: OP_DEFS.MaxPool3DGradGrad,
  kernel: ([x, y, dy], op) => {
    checkPoolAttrs(op, "MaxPooling3dGradGradOp");
    const [input, output, grad] = maxPoolGradInputs(op, [x, y, dy]);
    const g = geometry(op);
    return [maxPool3dGradGrad(input, output, grad, g.filterSize, g.strides, g.pad === "same")];
  },
});

/** The attrs of a 3-D pooling op, as its gradient function passes them on. */
export interface Pool3DAttrs {
  ksize: number[];
  strides: number[];
  padding: string;
  data_format: string;
}

function poolAttrs(a: Pool3DAttrs): Record<string, unknown> {
  return {
    ksize: a.ksize.slice(),
    strides: a.strides.slice(),
    padding: a.padding,
    data_format: a.data_format,
  };
}

/** `gen_nn_ops.max_pool3d_grad(orig_input, orig_output, grad, …)`. */
export function maxPool3dGrad(x: Tensor, y: Tensor, dy: Tensor, attrs: Pool3DAttrs): Tensor {
  const type = "MaxPool3DGrad";
  return inOpScope(undefined, type, [x, y, dy], (scope, graph) => {
    const si = new ShapeInference(opNameOf(scope), type, [x.shape, y.shape, dy.shape]);
    const dims = si.withRank(x.shape, 5);
    return makeOp(
      graph,
      type,
      scope,
      [x, y, dy],
      [{ dtype: dy.dtype, shape: new TensorShape(dims) }],
      { ...poolAttrs(attrs), T: dy.dtype, TInput: x.dtype },
    );
  }).outputs[0] as Tensor;
}

/** `gen_nn_ops.max_pool3d_grad_grad(orig_input, orig_output, grad, …)`. */
export function maxPool3dGradGradOp(x: Tensor, y: Tensor, dy: Tensor, attrs: Pool3DAttrs): Tensor {
  const type = "MaxPool3DGradGrad";
  return inOpScope(undefined, type, [x, y, dy], (scope, graph) => {
    const si = new ShapeInference(opNameOf(scope), type, [x.shape, y.shape, dy.shape]);
    const dims = si.withRank(x.shape, 5);
    const out = pool3dShape(si, dims, attrs.ksize, attrs.strides, attrs.padding, attrs.data_format);
    const merged = si.mergeShape(new TensorShape(out), y.shape);
    return makeOp(graph, type, scope, [x, y, dy], [{ dtype: dy.dtype, shape: merged }], {
      ...poolAttrs(attrs),
      T: dy.dtype,
    });
  }).outputs[0] as Tensor;
}

/** `gen_nn_ops.avg_pool3d(input, ksize, strides, padding, data_format)` (for gradients). */
export function avgPool3dOp(x: Tensor, attrs: Pool3DAttrs): Tensor {
  const type = "AvgPool3D";
  return inOpScope(undefined, type, [x], (scope, graph) =>
    makeOp(
      graph,
      type,
      scope,
      [x],
      [{ dtype: x.dtype, shape: poolShape(opNameOf(scope), type, x, attrs) }],
      { ...poolAttrs(attrs), T: x.dtype },
    ),
  ).outputs[0] as Tensor;
}

/** `MakeShapeFromShapeTensor(0)` of rank 5. */
function avgGradShape(si: ShapeInference, sizes: Tensor): TensorShape {
  si.withRank(sizes.shape, 1);
  const shape = staticShapeOf(sizes);
  if (shape.dims === null) return TensorShape.unknownOfRank(5);
  return new TensorShape(si.withRank(shape, 5));
}

/** `gen_nn_ops.avg_pool3d_grad(orig_input_shape, grad, …)`. */
export function avgPool3dGrad(sizes: Tensor, dy: Tensor, attrs: Pool3DAttrs): Tensor {
  const type = "AvgPool3DGrad";
  return inOpScope(undefined, type, [sizes, dy], (scope, graph) => {
    const si = new ShapeInference(opNameOf(scope), type, [sizes.shape, dy.shape]);
    const shape = staticShapeOf(sizes);
    return makeOp(
      graph,
      type,
      scope,
      [sizes, dy],
      [{ dtype: dy.dtype, shape: avgGradShape(si, sizes) }],
      {
        ...poolAttrs(attrs),
        T: dy.dtype,
        _sizes: shape.isFullyDefined() ? shape.asList() : null,
      },
    );
  }).outputs[0] as Tensor;
}

/** The static shape of a pooling op's output. */
function poolShape(name: string, type: string, x: Tensor, attrs: Pool3DAttrs): TensorShape {
  const si = new ShapeInference(name, type, [x.shape]);
  const dims = si.withRank(x.shape, 5);
  return new TensorShape(
    pool3dShape(si, dims, attrs.ksize, attrs.strides, attrs.padding, attrs.data_format),
  );
}

registerShapeFunction(
  (op) => [poolShape(op.name, op.type, op.inputs[0] as Tensor, op.attrs as unknown as Pool3DAttrs)],
  "MaxPool3D",
  "AvgPool3D",
);
registerShapeFunction((op) => {
  const si = new ShapeInference(
    op.name,
    op.type,
    op.inputs.map((t) => t.shape),
  );
  return [new TensorShape(si.withRank((op.inputs[0] as Tensor).shape, 5))];
}, "MaxPool3DGrad");
registerShapeFunction((op) => {
  const si = new ShapeInference(
    op.name,
    op.type,
    op.inputs.map((t) => t.shape),
  );
  return [avgGradShape(si, op.inputs[0] as Tensor)];
}, "AvgPool3DGrad");
registerShapeFunction((op) => {
  const si = new ShapeInference(
    op.name,
    op.type,
    op.inputs.map((t) => t.shape),
  );
  const a = op.attrs as unknown as Pool3DAttrs;
  const dims = si.withRank((op.inputs[0] as Tensor).shape, 5);
  const out = pool3dShape(si, dims, a.ksize, a.strides, a.padding, a.data_format ?? "NDHWC");
  return [si.mergeShape(new TensorShape(out), (op.inputs[1] as Tensor).shape)];
}, "MaxPool3DGradGrad");

/**
 * TF 1.15's `nn.max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None)`
 * (and `avg_pool3d`'s): `ksize` and `strides` are an int or 1, 3 or 5 ints.
 */
const POOL3D_PARAMS = [
  req("input", tensorKind),
  req("ksize", intsKind),
  req("strides", intsKind),
  req("padding", stringKind),
  opt("dataFormat", stringKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link maxPool3d} and {@link avgPool3d}. */
export type Pool3DOptions = OptionsOf<typeof POOL3D_PARAMS>;

function pool3d(type: "MaxPool3D" | "AvgPool3D", a: ArgsOf<typeof POOL3D_PARAMS>): Tensor {
  return inOpScope(a.name, type, [a.input], (scope, graph) => {
    const format = dataFormat3dOf(a.dataFormat, type);
    const ksize = getSequence3d(a.ksize, format, "ksize");
    const strides = getSequence3d(a.strides, format, "strides");
    const padding = checkStringAttr(a.padding, "padding", type, ["SAME", "VALID"]);
    const x = convertToTensor(a.input, { name: "input" });
    const attrs = { ksize, strides, padding, data_format: format };
    return makeOp(
      graph,
      type,
      scope,
      [x],
      [{ dtype: x.dtype, shape: poolShape(opNameOf(scope), type, x, attrs) }],
      { ...attrs, T: x.dtype },
    ).outputs[0] as Tensor;
  });
}

/**
 * 3-D max pooling (`tf.nn.max_pool3d`, op `MaxPool3D`): `input` is `[batch, depth, height,
 * width, channels]` (NDHWC).
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 8, 16, 16, 4]);
 * const p = tf.nn.maxPool3d(x, 2, 2, "VALID");
 * p.name; // ==> MaxPool3D:0
 * p.shape.toString(); // ==> (?, 4, 8, 8, 4)
 * ```
 */
export const maxPool3d = tfFunction("nn.max_pool3d", POOL3D_PARAMS, (a) => pool3d("MaxPool3D", a));

/**
 * 3-D average pooling (`tf.nn.avg_pool3d`, op `AvgPool3D`); with `"SAME"` padding a window
 * averages only the values inside the input.
 *
 * @example
 * ```ts
 * const x = tf.reshape(tf.range(8, null, 1, { dtype: tf.float32 }), [1, 2, 2, 2, 1]);
 * using sess = new tf.Session();
 * sess.run(tf.reshape(tf.nn.avgPool3d(x, 2, 2, "VALID"), [-1])); // ==> [3.5]
 * ```
 */
export const avgPool3d = tfFunction("nn.avg_pool3d", POOL3D_PARAMS, (a) => pool3d("AvgPool3D", a));
