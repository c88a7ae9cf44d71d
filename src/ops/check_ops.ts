import { ValueError } from "../errors.js";
import type { DType } from "../graph/dtypes.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import { assertOp } from "./control/case.js";
import { noOp } from "./control/group.js";
import { convertToTensor } from "./convert.js";
import { greaterEqual, less, lessEqual } from "./math/binary.js";
import { reduceAll } from "./math/reduce.js";
import { inOpScope } from "./op_scope.js";

/*
 * The few `check_ops` asserts `tf.metrics` and `confusion_matrix` build, as TensorFlow
 * 1.15 builds them in graph mode: `Assert(reduce_all(x OP y), data)` under the assert's
 * name scope, where `data` names both tensors.
 */

type Comparison = (x: Tensor, y: Tensor) => Tensor;

function binaryAssert(
  defaultName: string,
  symbol: string,
  compare: Comparison,
  x: TensorLike,
  y: TensorLike,
  message: string,
  dtypeOf?: () => DType,
): Operation {
  return inOpScope(null, defaultName, [x, y], () => {
    const xt = convertToTensor(x, { name: "x" });
    const yt = convertToTensor(y, { name: "y", dtype: dtypeOf?.() ?? xt.dtype });
    const data = [
      message,
      `Condition x ${symbol} y did not hold element-wise:`,
      `x (${xt.name}) = `,
      xt,
      `y (${yt.name}) = `,
      yt,
    ];
    return assertOp(reduceAll(compare(xt, yt)), data, 3);
  });
}

/** `check_ops.assert_greater_equal(x, y, message=message)`. */
export function assertGreaterEqual(x: TensorLike, y: TensorLike, message = ""): Operation {
  return binaryAssert("assert_greater_equal", ">=", (a, b) => greaterEqual(a, b), x, y, message);
}

/** `check_ops.assert_less_equal(x, y, message=message)`. */
export function assertLessEqual(x: TensorLike, y: TensorLike, message = ""): Operation {
  return binaryAssert("assert_less_equal", "<=", (a, b) => lessEqual(a, b), x, y, message);
}

/** `check_ops.assert_less(x, y, message=message)`. */
export function assertLess(x: TensorLike, y: TensorLike, message = ""): Operation {
  return binaryAssert("assert_less", "<", (a, b) => less(a, b), x, y, message);
}

/**
 * `check_ops.assert_non_negative(x, message=message)`: `assert_less_equal(0, x)` under
 * `assert_non_negative`, with its own message data.
 */
export function assertNonNegative(x: TensorLike, message = ""): Operation {
  return inOpScope(null, "assert_non_negative", [x], () => {
    const xt = convertToTensor(x, { name: "x" });
    const zero = convertToTensor(0, { dtype: xt.dtype });
    return inOpScope(null, "assert_less_equal", [zero, xt], () => {
      const data = [
        message,
        "Condition x >= 0 did not hold element-wise:",
        `x (${xt.name}) = `,
        xt,
      ];
      return assertOp(reduceAll(lessEqual(zero, xt)), data, 3);
    });
  });
}

/**
 * `check_ops.assert_type(tensor, tf_type)`: decided when building; a `NoOp` named
 * `statically_determined_correct_type`, or TensorFlow's `TypeError`.
 */
export function assertType(tensor: Tensor, dtype: DType): Operation {
  return inOpScope(null, "assert_type", [tensor], () => {
    if (tensor.dtype !== dtype) {
      throw new TypeError(`${tensor.name} must be of type ${dtype}; got ${tensor.dtype}`);
    }
    return noOp({ name: "statically_determined_correct_type" });
  });
}

/**
 * `check_ops.assert_rank_in(x, ranks)` when `x`'s rank is known when building, as it is
 * for every caller here: TensorFlow's `ValueError` for a rank outside `ranks`.
 */
export function staticRankIn(x: Tensor, ranks: readonly number[]): void {
  const r = x.shape.rank;
  if (r !== null && !ranks.includes(r)) {
    throw new ValueError(
      `.  Tensor ${x.name} must have rank in (${ranks.join(", ")}).  Received rank ${r}, shape ${x.shape.toString()}`,
    );
  }
}
