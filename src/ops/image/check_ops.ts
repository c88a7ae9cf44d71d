import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { assertOp } from "../control/case.js";
import { convertToTensor } from "../convert.js";
import { inOpScope } from "../op_scope.js";
import { equal, greaterEqual, less } from "../math/binary.js";
import { reduceAll } from "../math/reduce.js";

/*
 * The few of TF 1.15's check_ops.py the image functions build, under TF's names and with
 * TF's data lists: `assert_less` (and `assert_positive` on it), `assert_greater_equal`,
 * `assert_equal`. Each returns the `Assert` op a caller gates its result on.
 */

/** TF's default `data` of a comparison assert: the message, the condition, both operands. */
function comparisonData(message: string, condition: string, x: Tensor, y: Tensor) {
  return [
    message,
    `Condition x ${condition} y did not hold element-wise:`,
    `x (${x.name}) = `,
    x,
    `y (${y.name}) = `,
    y,
  ];
}

function comparisonAssert(
  scopeName: string,
  condition: string,
  compare: (x: Tensor, y: Tensor) => Tensor,
  x: TensorLike,
  y: TensorLike,
  data: readonly (Tensor | string)[] | null,
  message: string,
): Operation {
  return inOpScope(null, scopeName, [x, y], () => {
    const tx = convertToTensor(x, { name: "x" });
    const ty = convertToTensor(y, { name: "y", dtype: tx.dtype });
    const cond = reduceAll(compare(tx, ty));
    return assertOp(cond, data ?? comparisonData(message, condition, tx, ty), 3);
  });
}

/** `assert_less(x, y, data)`. */
export function assertLess(
  x: TensorLike,
  y: TensorLike,
  data: readonly (Tensor | string)[] | null = null,
  message = "",
): Operation {
  return comparisonAssert("assert_less", "<", (a, b) => less(a, b), x, y, data, message);
}

/** `assert_positive(x, data)`: `assert_less(0, x)` in the scope `assert_positive`. */
export function assertPositive(x: Tensor, data: readonly (Tensor | string)[]): Operation {
  return inOpScope(null, "assert_positive", [x], () => {
    const zero = convertToTensor(0, { dtype: x.dtype, name: "Const" });
    return assertLess(zero, x, data);
  });
}

/** `assert_greater_equal(x, y, message=message)`. */
export function assertGreaterEqual(x: TensorLike, y: TensorLike, message: string): Operation {
  return comparisonAssert(
    "assert_greater_equal",
    ">=",
    (a, b) => greaterEqual(a, b),
    x,
    y,
    null,
    message,
  );
}

/** `assert_equal(x, y, message=message)` (the values are not known when building). */
export function assertEqual(x: TensorLike, y: TensorLike, message: string): Operation {
  return comparisonAssert("assert_equal", "==", (a, b) => equal(a, b), x, y, null, message);
}
