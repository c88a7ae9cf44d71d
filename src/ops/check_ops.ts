import { ValueError } from "../errors.js";
import type { DType } from "../graph/dtypes.js";
import type { Operation } from "../graph/operation.js";
import { Tensor, type TensorLike } from "../graph/tensor.js";
import { rank, shape } from "./array/shape.js";
import { constantInts } from "./tensor_util.js";
import { assertOp } from "./control/case.js";
import { noOp } from "./control/group.js";
import { convertToTensor } from "./convert.js";
import { binaryOp, equal, greaterEqual, less, lessEqual } from "./math/binary.js";
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
 * `check_ops.assert_rank_in(x, ranks)`: under `assert_rank_in`, the `rank` constants and
 * the message's `Shape`; then, when the ranks are known when building, nothing more (a
 * `NoOp` after the scope, as TensorFlow returns) or TensorFlow's `ValueError`; otherwise an
 * `Assert` that the rank is one of `ranks`.
 */
export function assertRankIn(x: Tensor, ranks: readonly TensorLike[], message = ""): Operation {
  const built = inOpScope(null, "assert_rank_in", [x, ...ranks], () => {
    const rankTensors = ranks.map((r) =>
      r instanceof Tensor ? r : convertToTensor(r, { name: "rank", preferredDtype: "int32" }),
    );
    const data = [
      message,
      `Tensor ${x.name} must have rank in`,
      ...rankTensors,
      "Received shape: ",
      shape(x),
    ];
    const staticRanks = rankTensors.map((t) => constantInts(t)?.[0] ?? null);
    const xRank = x.shape.rank;
    if (xRank !== null && staticRanks.every((r) => r !== null)) {
      const known = staticRanks as number[];
      if (!known.includes(xRank)) {
        throw new ValueError(
          `${message}.  Tensor ${x.name} must have rank in (${known.join(", ")}).  Received rank ${xRank}, shape ${x.shape.toString()}`,
        );
      }
      return null;
    }
    const actual = rank(x);
    let condition = equal(rankTensors[0] as Tensor, actual);
    for (const r of rankTensors.slice(1)) condition = logicalOr(condition, equal(r, actual));
    return assertOp(condition, data, 3);
  });
  return built ?? noOp();
}

function logicalOr(x: Tensor, y: Tensor): Tensor {
  return binaryOp("LogicalOr", "LogicalOr", x, y);
}
