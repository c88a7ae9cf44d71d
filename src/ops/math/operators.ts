import { isInteger } from "../../graph/dtypes.js";
import { Tensor, type PythonOperatorName, type TensorLike } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { inOpScope } from "../op_scope.js";
import { binaryOpIn } from "./binary.js";
import { matmulIn } from "./matmul.js";
import { unaryOp } from "./unary.js";

/** Op types Python's operators build on float tensors (`x + y` is `AddV2` named `add`). */
const OPERATOR_TYPES: Record<PythonOperatorName, string> = {
  add: "AddV2",
  sub: "Sub",
  mul: "Mul",
  truediv: "RealDiv",
  pow: "Pow",
  mod: "FloorMod",
  matmul: "MatMul",
};

/**
 * What Python's binary operators build (`binary_op_wrapper`), and so `x.add(y)` and its
 * siblings: a name scope named after the operator, `y` converted to `x`'s dtype as `y`,
 * then the op. Not the public functions: `x + y` is an `AddV2` named `add`, `tf.add(x, y)`
 * an `Add` named `Add`.
 *
 * @example
 * ```ts
 * const x = tf.constant(1);
 * pythonOperator("add", x, 1).op.name; // ==> add
 * ```
 */
export function pythonOperator(
  operator: PythonOperatorName,
  x: TensorLike,
  y: TensorLike,
  name?: string,
): Tensor {
  return inOpScope(name, operator, [x, y], (scope, graph) => {
    // `2 * t` is `t.__rmul__(2)`: the Python value takes the tensor's dtype.
    const tx =
      !(x instanceof Tensor) && y instanceof Tensor
        ? convertToTensor(x, { name: "x", dtype: y.dtype })
        : convertToTensor(x, { name: "x" });
    const ty = convertToTensor(y, { name: "y", dtype: tx.dtype });
    if (operator === "matmul") return matmulIn(graph, scope, tx, ty, false, false);
    const type = operator === "add" && tx.dtype === "string" ? "Add" : OPERATOR_TYPES[operator];
    if (operator === "truediv" && isInteger(tx.dtype)) {
      throw new TypeError(
        `x / y on ${tx.dtype} tensors: cast both to float32 first (TensorFlow casts them to float64).`,
      );
    }
    return binaryOpIn(scope, graph, type, tx, ty);
  });
}

/**
 * `-x` (`Tensor.__neg__`): a `Neg` op.
 *
 * @example
 * ```ts
 * neg(tf.constant(1)).op.name; // ==> Neg
 * ```
 */
export function neg(x: TensorLike, name?: string): Tensor {
  return unaryOp("Neg", "Neg", x, { name });
}
