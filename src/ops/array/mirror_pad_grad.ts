import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor } from "../../graph/tensor.js";
import type { TensorShape } from "../../graph/tensor_shape.js";
import { buildOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { constantInts, readInts } from "../tensor_util.js";

/**
 * `MirrorPadGrad`: folds the gradient of the mirrored borders back onto the entries they
 * copy, dimension by dimension, then keeps the center.
 */
function mirrorPadGradKernel(grad: tfc.Tensor, pads: readonly number[], mode: string): tfc.Tensor {
  return tfc.tidy(() => {
    const offset = mode === "REFLECT" ? 1 : 0;
    let g = grad;
    for (let d = 0; d < g.rank; d++) {
      const before = pads[2 * d] as number;
      const after = pads[2 * d + 1] as number;
      if (before === 0 && after === 0) continue;
      const total = g.shape[d] as number;
      const n = total - before - after;
      const part = (start: number, len: number) => {
        const begin = g.shape.map(() => 0);
        const size = g.shape.slice();
        begin[d] = start;
        size[d] = len;
        return tfc.slice(g, begin, size);
      };
      /** `t` (length `len` along d) zero-padded to length n, starting at `at`. */
      const placed = (t: tfc.Tensor, at: number, len: number) =>
        tfc.pad(
          t,
          g.shape.map((_, i) =>
            i === d ? ([at, n - at - len] as [number, number]) : ([0, 0] as [number, number]),
          ),
        );
      let center = part(before, n);
      if (before > 0)
        center = tfc.add(center, placed(tfc.reverse(part(0, before), d), offset, before));
      if (after > 0)
        center = tfc.add(
          center,
          placed(tfc.reverse(part(before + n, after), d), n - offset - after, after),
        );
      g = center;
    }
    return g === grad ? tfc.clone(g) : g;
  });
}

registerOp({
  type: "MirrorPadGrad",
  opDef: {
    inputs: ["input: T", "paddings: Tpaddings"],
    outputs: ["output: T"],
    attrs: ["T: type", "Tpaddings: {int32, int64} = int32", "mode: {'REFLECT', 'SYMMETRIC'}"],
  },
  kernel: ([grad, paddings], op) => {
    const pads = (op.buildData._paddings as number[] | null) ?? readInts(paddings as tfc.Tensor);
    return [mirrorPadGradKernel(grad as tfc.Tensor, pads, op.attrs.mode as string)];
  },
});

/** `gen_array_ops.mirror_pad_grad(grad, paddings, mode)` (op `MirrorPadGrad`). */
export function mirrorPadGrad(
  grad: Tensor,
  paddings: Tensor,
  mode: string,
  shape: TensorShape,
): Tensor {
  return buildOp("MirrorPadGrad", [grad, paddings], [{ dtype: grad.dtype, shape }], {
    T: grad.dtype,
    Tpaddings: paddings.dtype,
    mode,
    _paddings: constantInts(paddings),
  }).outputs[0] as Tensor;
}
