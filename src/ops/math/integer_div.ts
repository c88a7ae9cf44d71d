import * as tfc from "@tensorflow/tfjs-core";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { InvalidArgumentError } from "../../errors.js";
import { opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { inOpScope } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { binaryOpIn, checkIntegerDivisor, convertOperands, truncateDivInt } from "./binary.js";

registerOp({
  type: "TruncateDiv",
  opDef: {
    inputs: ["x: T", "y: T"],
    outputs: ["z: T"],
    attrs: [
      "T: {bfloat16, half, float, double, uint8, int8, uint16, int16, int32, int64, complex64, complex128}",
    ],
  },
  kernel: ([a, b], op) => {
    const x = a as tfc.Tensor;
    const y = b as tfc.Tensor;
    // TF registers TruncateDiv's CPU kernel for integer types only.
    if (x.dtype !== "int32") {
      throw new InvalidArgumentError(
        `No OpKernel was registered to support Op 'TruncateDiv' used by {{node ${op.name}}}with these attrs: [T=${op.attrs.T === "float32" ? "DT_FLOAT" : String(op.attrs.T)}]\nRegistered kernels:\n  device='CPU'; T in [DT_INT64]\n  device='CPU'; T in [DT_INT32]\n  device='CPU'; T in [DT_INT16]\n  device='CPU'; T in [DT_UINT16]\n  device='CPU'; T in [DT_UINT8]`,
        op.name,
      );
    }
    checkIntegerDivisor(y, op.name);
    return [truncateDivInt(x, y)];
  },
});

function divisionOp(
  type: string,
  x: TensorLike,
  y: TensorLike,
  name: string | undefined,
  defaultName: string,
): Tensor {
  return inOpScope(name, defaultName, [x, y], (scope, graph) => {
    const [tx, ty] = convertOperands(x, y, type);
    return binaryOpIn(scope, graph, type, tx, ty);
  });
}

/** TF 1.15's `(x, y, name=None)`. */
const PARAMS = [req("x", tensorKind), req("y", tensorKind), opt("name", stringKind)] as const;

/**
 * `floor(x / y)` element-wise with broadcasting (`tf.floordiv`, op `FloorDiv` named
 * `floordiv`, Python's `//`): rounds toward negative infinity for ints and floats alike.
 * Not differentiable (its gradient is `None`). An integer zero divisor fails the run.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const x = tf.constant([7, -7, 7, -7], { dtype: "int32" });
 * sess.run(tf.floordiv(x, [2, 2, -2, -2])); // ==> [ 3 -4 -4  3]
 * sess.run(tf.floordiv(tf.constant([7.5, -7.5]), 2)); // ==> [ 3. -4.]
 * ```
 */
export const floordiv = tfFunction("floordiv", PARAMS, (a) =>
  divisionOp("FloorDiv", a.x, a.y, a.name, "floordiv"),
);

/**
 * Integer division rounding toward zero, as C does (`tf.truncatediv`, op `TruncateDiv`).
 * TF has CPU kernels for integer types only: a float `TruncateDiv` builds but fails to run.
 * Not differentiable (its gradient is `None`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const x = tf.constant([7, -7, 7, -7], { dtype: "int32" });
 * sess.run(tf.truncatediv(x, [2, 2, -2, -2])); // ==> [ 3 -3 -3  3]
 * ```
 */
export const truncatediv = tfFunction("truncatediv", PARAMS, (a) =>
  divisionOp("TruncateDiv", a.x, a.y, a.name, "TruncateDiv"),
);

/**
 * The remainder of `floordiv(x, y)`, with the divisor's sign (`tf.floormod`, op
 * `FloorMod`, Python's `%`): `x == floordiv(x, y) * y + floormod(x, y)`. Its gradient is
 * `grad` for `x` and `-floordiv(x, y) * grad` for `y`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const x = tf.constant([7, -7, 7, -7], { dtype: "int32" });
 * sess.run(tf.floormod(x, [3, 3, -3, -3])); // ==> [ 1  2 -2 -1]
 * sess.run(tf.floormod(tf.constant([5.5, -5.5]), 2)); // ==> [1.5 0.5]
 * ```
 */
export const floormod = tfFunction("floormod", PARAMS, (a) =>
  divisionOp("FloorMod", a.x, a.y, a.name, "FloorMod"),
);
