import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp, type ShapeInferenceOp } from "../registry.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { constantInts, readInts } from "../tensor_util.js";

/*
 * TF's `SpaceToBatchND` and `BatchToSpaceND` (what `atrous_conv2d` and dilated
 * convolutions build): the spatial dims padded (or cropped) and cut into blocks moved to
 * the batch dim. Kernels are tfjs's, after TF's checks.
 */

/** `[[start, end], …]` of a `[M, 2]` padding/crop list. */
function pairs(flat: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] as number, flat[i + 1] as number]);
  return out;
}

function shapeFn(
  si: ShapeInference,
  x: TensorShape,
  block: Tensor,
  amounts: Tensor,
  toBatch: boolean,
): TensorShape {
  const blockDims = si.withRank(block.shape, 1);
  const m = blockDims[0] ?? null;
  const amountDims = si.withRank(amounts.shape, 2);
  if (m !== null) si.mergeDim(amountDims[0] as Dim, m);
  si.withValue(amountDims[1] as Dim, 2);
  if (x.dims === null) return TensorShape.unknown();
  const blockValues = constantInts(block);
  const amountValues = constantInts(amounts);
  const rank = x.dims.length;
  const spatial = m ?? blockValues?.length ?? null;
  if (spatial !== null && rank < spatial + 1) {
    si.fail(`input rank should be >= ${spatial + 1} instead of ${rank}`);
  }
  if (blockValues === null || spatial === null) return TensorShape.unknownOfRank(rank);
  blockValues.forEach((b) => {
    if (b < 1) si.fail(`block_shape must be positive`);
  });
  const prod = blockValues.reduce((p, b) => p * b, 1);
  const out: Dim[] = x.dims.slice();
  const batch = x.dims[0] as Dim;
  if (toBatch) out[0] = batch === null ? null : batch * prod;
  else {
    if (batch !== null && batch % prod !== 0) {
      si.fail(
        `batch is not divisible by product of block sizes, batch = ${batch}, product of block sizes = ${prod}`,
      );
    }
    out[0] = batch === null ? null : batch / prod;
  }
  const amount = amountValues === null ? null : pairs(amountValues);
  for (let i = 0; i < spatial; i++) {
    const d = x.dims[i + 1] as Dim;
    const b = blockValues[i] as number;
    if (amount === null || d === null) {
      out[i + 1] = null;
      continue;
    }
    const [s, e] = amount[i] as [number, number];
    if (toBatch) {
      const padded = d + s + e;
      if (padded % b !== 0) {
        si.fail(`padded_shape[${i}]=${padded} is not divisible by block_shape[${i}]=${b}`);
      }
      out[i + 1] = padded / b;
    } else {
      const size = d * b - s - e;
      if (size < 0) si.fail(`cropped_shape[${i}]=${size} must be non-negative`);
      out[i + 1] = size;
    }
  }
  return new TensorShape(out);
}

for (const [type, amountName, toBatch] of [
  ["SpaceToBatchND", "paddings", true],
  ["BatchToSpaceND", "crops", false],
] as const) {
  const tAttr = toBatch ? "Tpaddings" : "Tcrops";
  registerOp({
    type,
    opDef: {
      inputs: ["input: T", "block_shape: Tblock_shape", `${amountName}: ${tAttr}`],
      outputs: ["output: T"],
      attrs: [
        "T: type",
        "Tblock_shape: {int32, int64} = int32",
        `${tAttr}: {int32, int64} = int32`,
      ],
    },
    kernel: ([x, b, p], op) => {
      const input = x as tfc.Tensor;
      const block = readInts(b as tfc.Tensor);
      const amount = pairs(readInts(p as tfc.Tensor));
      const at = `\n\t [[{{node ${op.name}}}]]`;
      const prod = block.reduce((q, v) => q * v, 1);
      for (let i = 0; i < block.length; i++) {
        const d = input.shape[i + 1] as number;
        const [s, e] = amount[i] as [number, number];
        if (toBatch && (d + s + e) % (block[i] as number) !== 0) {
          throw new InvalidArgumentError(
            `padded_shape[${i}]=${d + s + e} is not divisible by block_shape[${i}]=${block[i]}${at}`,
            op.name,
          );
        }
      }
      if (!toBatch && (input.shape[0] as number) % prod !== 0) {
        throw new InvalidArgumentError(
          `Input batch dimension (${input.shape[0]}) is not divisible by product of block sizes (${prod})${at}`,
          op.name,
        );
      }
      return [
        toBatch
          ? tfc.spaceToBatchND(input, block, amount)
          : tfc.batchToSpaceND(input, block, amount),
      ];
    },
    inferShapes: (op: ShapeInferenceOp) => {
      const [x, b, p] = op.inputs as [Tensor, Tensor, Tensor];
      const si = new ShapeInference(op.name, op.type, [x.shape, b.shape, p.shape]);
      return [shapeFn(si, x.shape, b, p, toBatch)];
    },
  });
}

function build(type: "SpaceToBatchND" | "BatchToSpaceND", amountName: string, toBatch: boolean) {
  return (a: { input: unknown; blockShape: unknown; amounts: unknown; name?: string }) =>
    inOpScope(a.name, type, [a.input, a.blockShape, a.amounts], (scope, graph) => {
      const x = convertToTensor(a.input, { name: "input" });
      const block = convertToTensor(a.blockShape, { name: "block_shape", preferredDtype: "int32" });
      const amounts = convertToTensor(a.amounts, { name: amountName, preferredDtype: "int32" });
      checkOpInputs(type, [x, block, amounts], {});
      const si = new ShapeInference(opNameOf(scope), type, [x.shape, block.shape, amounts.shape]);
      const out = shapeFn(si, x.shape, block, amounts, toBatch);
      return makeOp(graph, type, scope, [x, block, amounts], [{ dtype: x.dtype, shape: out }], {
        T: x.dtype,
        Tblock_shape: block.dtype,
        [toBatch ? "Tpaddings" : "Tcrops"]: amounts.dtype,
      }).outputs[0] as Tensor;
    });
}

/** TF 1.15's `space_to_batch_nd(input, block_shape, paddings, name=None)`. */
const S2B_PARAMS = [
  req("input", tensorKind),
  req("blockShape", tensorKind),
  req("paddings", tensorKind),
  opt("name", stringKind),
] as const;

/**
 * Pads the spatial dims and moves `blockShape` blocks of them into the batch dim
 * (`tf.space_to_batch_nd`, op `SpaceToBatchND`).
 *
 * @example
 * ```ts
 * tf.spaceToBatchNd(tf.zeros([1, 4, 4, 3]), [2, 2], [[0, 0], [0, 0]]).shape.toString(); // ==> (4, 2, 2, 3)
 * ```
 */
export const spaceToBatchNd = tfFunction("spaceToBatchNd", S2B_PARAMS, (a) =>
  build("SpaceToBatchND", "paddings", true)({ ...a, amounts: a.paddings }),
);

/** TF 1.15's `batch_to_space_nd(input, block_shape, crops, name=None)`. */
const B2S_PARAMS = [
  req("input", tensorKind),
  req("blockShape", tensorKind),
  req("crops", tensorKind),
  opt("name", stringKind),
] as const;

/**
 * The inverse of {@link spaceToBatchNd}: batch blocks moved back to the spatial dims, then
 * cropped (`tf.batch_to_space_nd`, op `BatchToSpaceND`).
 *
 * @example
 * ```ts
 * tf.batchToSpaceNd(tf.zeros([4, 2, 2, 3]), [2, 2], [[0, 0], [0, 1]]).shape.toString(); // ==> (1, 4, 3, 3)
 * ```
 */
export const batchToSpaceNd = tfFunction("batchToSpaceNd", B2S_PARAMS, (a) =>
  build("BatchToSpaceND", "crops", false)({ ...a, amounts: a.crops }),
);
