import { InvalidArgumentError, ValueError } from "../../errors.js";
import type { DType } from "../../graph/dtypes.js";
import type { Operation } from "../../graph/operation.js";
import { Tensor, type TensorLike } from "../../graph/tensor.js";
import {
  anyKind,
  dtypeKind,
  intKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tensorListKind,
  tfFunction,
} from "../../graph/call_args.js";
import { NDArray } from "../../ndarray/index.js";
import { convertToTensor } from "../convert.js";
import { abs, identity } from "../math/unary.js";
import {
  binaryOp,
  equal,
  greater,
  greaterEqual,
  less,
  lessEqual,
  notEqual,
} from "../math/binary.js";
import { pythonOperator } from "../math/operators.js";
import { reduceAll } from "../math/reduce.js";
import { inOpScope, opNameOf } from "../op_scope.js";
import { noOp } from "../control/group.js";
import { rank as rankOf, shape as shapeOf } from "../array/shape.js";
import { withNameScope } from "../../scope/name_scope.js";
import { constantInts, constantValue } from "../tensor_util.js";
import { assertOp } from "../control/case.js";

/*
 * TF 1.15's `tf.Assert` and the v1 asserts of `check_ops.py`: each builds, under its own
 * name scope, the comparison, `reduce_all` of it, and an `Assert` printing `data` (TF's
 * default data: the message, the condition's wording, and the tensors with their names).
 */

/** A `data` entry: a tensor, or a value TF converts (strings, numbers). */
type DataItem = TensorLike;

const dataKind = anyKind<readonly DataItem[]>("a list of tensors or strings", false);

/** TF 1.15's `Assert(condition, data, summarize=None, name=None)`. */
const ASSERT_PARAMS = [
  req("condition", tensorKind),
  req("data", dataKind),
  opt("summarize", intKind),
  opt("name", stringKind),
] as const;

/**
 * An op failing the run with `data` printed when `condition` is false (`tf.Assert`,
 * `tf.debugging.Assert`): an `Assert` op in an `Assert` name scope, guarded by a `cond`
 * named `AssertGuard` unless every entry of `data` is a string or int32 tensor, as TF
 * builds it. Run it, or make other ops depend on it (`tf.controlDependencies`).
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, []);
 * const check = tf.Assert(tf.greater(x, 0), ["x must be positive, got", x]);
 * using sess = new tf.Session();
 * sess.run(check, new Map([[x, -1]])); // throws InvalidArgumentError: assertion failed: [x must be positive, got] [-1]
 * ```
 */
export const Assert = tfFunction("Assert", ASSERT_PARAMS, (a): Operation => {
  const condition = convertToTensor(a.condition, { name: "Condition", dtype: "bool" });
  return assertOp(condition, a.data, a.summarize ?? 3, a.name);
});

/** `_maybe_constant_value_string` joined as `_assert_static` raises it. */
function staticText(item: DataItem): string {
  if (!(item instanceof Tensor)) return String(item);
  const v = constantValue(item);
  if (v === null) return item.toString();
  return new NDArray(v.values as never, v.shape, v.dtype).toString();
}

/** `Assert(condition, data, summarize)` with TF's string entries as given. */
function assertData(condition: Tensor, data: readonly DataItem[], summarize?: number): Operation {
  return assertOp(condition, data, summarize ?? 3);
}

/** TF 1.15's v1 `assert_*(x, y, data=None, summarize=None, message=None, name=None)`. */
const BINARY_PARAMS = [
  req("x", tensorKind),
  req("y", tensorKind),
  opt("data", tensorListKind),
  opt("summarize", intKind),
  opt("message", stringKind),
  opt("name", stringKind),
] as const;

type Compare = (x: Tensor, y: Tensor) => Tensor;

/**
 * One of TF 1.15's binary asserts: `wording` is TF's text (which, for some, runs straight
 * into `'x (...) = '`, TF's missing comma kept), `staticCheck` the build-time check only
 * `assert_equal` makes.
 */
function binaryAssert(
  fn: string,
  defaultName: string,
  compare: Compare,
  wording: string,
  joined: boolean,
  staticCheck?: (a: number, b: number) => boolean,
) {
  return tfFunction(fn, BINARY_PARAMS, (a): Operation => {
    const message = a.message ?? "";
    return inOpScope(a.name, defaultName, [a.x, a.y], () => {
      const x = convertToTensor(a.x, { name: "x" });
      // A JS number takes x's dtype, as Python's int literal is already an int32 there.
      const y = convertToTensor(a.y, { name: "y", preferredDtype: x.dtype });
      let data: DataItem[];
      if (a.data === undefined) {
        const xText = `x (${x.name}) = `;
        data = joined
          ? [message, wording + xText, x, `y (${y.name}) = `, y]
          : [message, wording, xText, x, `y (${y.name}) = `, y];
      } else data = [...a.data];
      const condition = reduceAll(compare(x, y));
      if (staticCheck !== undefined) assertStatic(x, y, staticCheck, data);
      return assertData(condition, data, a.summarize);
    });
  });
}

/** `assert_equal`'s build-time check of constant `x` and `y` (`_assert_static`). */
function assertStatic(
  x: Tensor,
  y: Tensor,
  holds: (a: number, b: number) => boolean,
  data: readonly DataItem[],
): void {
  const xs = constantValue(x);
  const ys = constantValue(y);
  if (xs === null || ys === null) return;
  const xv = Array.from(xs.values as ArrayLike<number | bigint | string>, (v) => Number(v));
  const yv = Array.from(ys.values as ArrayLike<number | bigint | string>, (v) => Number(v));
  const n = Math.max(xv.length, yv.length);
  if (xv.length === 0 || yv.length === 0) return;
  for (let i = 0; i < n; i++) {
    if (!holds(xv[i % xv.length] as number, yv[i % yv.length] as number)) {
      throw new InvalidArgumentError(data.map(staticText).join("\n"));
    }
  }
}

/**
 * Asserts `x == y` element-wise (`tf.assert_equal`, v1): `Equal`, `All` and an `Assert`
 * under `assert_equal`; constant operands are compared when building.
 *
 * @example
 * ```ts
 * const a = tf.constant([1, 2], tf.int32);
 * tf.assertEqual(a, tf.constant([1, 2], tf.int32)).name; // ==> assert_equal/Assert/Assert
 * tf.assertEqual(a, tf.constant([1, 3], tf.int32)); // throws InvalidArgumentError
 * ```
 */
export const assertEqual = binaryAssert(
  "assertEqual",
  "assert_equal",
  equal,
  "Condition x == y did not hold element-wise:",
  false,
  (p, q) => p === q,
);

/**
 * Asserts `x != y` for every element (`tf.assert_none_equal`, v1).
 *
 * @example
 * ```ts
 * tf.assertNoneEqual(tf.constant([1, 2]), tf.constant([3, 4])).name; // ==> assert_none_equal/Assert/AssertGuard/Merge
 * ```
 */
export const assertNoneEqual = binaryAssert(
  "assertNoneEqual",
  "assert_none_equal",
  notEqual,
  "Condition x != y did not hold for every single element:",
  false,
);

/**
 * Asserts `x < y` element-wise (`tf.assert_less`, v1).
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [2]);
 * const check = tf.assertLess(x, tf.constant([1, 1]));
 * using sess = new tf.Session();
 * sess.run(check, new Map([[x, [0, 2]]])); // throws InvalidArgumentError: assertion failed: [] [Condition x < y did not hold element-wise:] [x (Placeholder:0) = ] [0 2]
 * ```
 */
export const assertLess = binaryAssert(
  "assertLess",
  "assert_less",
  less,
  "Condition x < y did not hold element-wise:",
  false,
);

/**
 * Asserts `x <= y` element-wise (`tf.assert_less_equal`, v1).
 *
 * @example
 * ```ts
 * tf.assertLessEqual(tf.constant(1, tf.int32), tf.constant(1, tf.int32)).type; // ==> Assert
 * ```
 */
export const assertLessEqual = binaryAssert(
  "assertLessEqual",
  "assert_less_equal",
  lessEqual,
  "Condition x <= y did not hold element-wise:",
  true,
);

/**
 * Asserts `x > y` element-wise (`tf.assert_greater`, v1).
 *
 * @example
 * ```ts
 * tf.assertGreater(tf.constant(2, tf.int32), tf.constant(1, tf.int32)).type; // ==> Assert
 * ```
 */
export const assertGreater = binaryAssert(
  "assertGreater",
  "assert_greater",
  greater,
  "Condition x > y did not hold element-wise:",
  true,
);

/**
 * Asserts `x >= y` element-wise (`tf.assert_greater_equal`, v1).
 *
 * @example
 * ```ts
 * tf.assertGreaterEqual(tf.constant(2, tf.int32), tf.constant(2, tf.int32)).type; // ==> Assert
 * ```
 */
export const assertGreaterEqual = binaryAssert(
  "assertGreaterEqual",
  "assert_greater_equal",
  greaterEqual,
  "Condition x >= y did not hold element-wise:",
  true,
);

/** TF 1.15's v1 `assert_positive(x, data=None, summarize=None, message=None, name=None)`. */
const UNARY_PARAMS = [
  req("x", tensorKind),
  opt("data", tensorListKind),
  opt("summarize", intKind),
  opt("message", stringKind),
  opt("name", stringKind),
] as const;

/**
 * One of TF 1.15's sign asserts: a `Const` zero of `x`'s dtype and the binary assert
 * (`assert_less` or `assert_less_equal`) with `x` on the side `xFirst` says.
 */
function signAssert(
  fn: string,
  defaultName: string,
  wording: string,
  joined: boolean,
  inner: () => ReturnType<typeof binaryAssert>,
  xFirst: boolean,
) {
  return tfFunction(fn, UNARY_PARAMS, (a): Operation => {
    const message = a.message ?? "";
    return inOpScope(a.name, defaultName, [a.x], () => {
      const x = convertToTensor(a.x, { name: "x" });
      const xText = `x (${x.name}) = `;
      const data: DataItem[] =
        a.data !== undefined
          ? [...a.data]
          : joined
            ? [message, wording + xText, x]
            : [message, wording, xText, x];
      const zero = convertToTensor(0, { dtype: x.dtype as DType });
      const [p, q] = xFirst ? [x, zero] : [zero, x];
      return inner()(p, q, { data: data as TensorLike[], summarize: a.summarize });
    });
  });
}

/**
 * Asserts `x > 0` element-wise (`tf.assert_positive`, v1): `assert_less(0, x)` under
 * `assert_positive`.
 *
 * @example
 * ```ts
 * tf.assertPositive(tf.constant([1, 2], tf.int32)).name; // ==> assert_positive/assert_less/Assert/Assert
 * ```
 */
export const assertPositive = signAssert(
  "assertPositive",
  "assert_positive",
  "Condition x > 0 did not hold element-wise:",
  false,
  () => assertLess,
  false,
);

/**
 * Asserts `x < 0` element-wise (`tf.assert_negative`, v1): `assert_less(x, 0)`.
 *
 * @example
 * ```ts
 * tf.assertNegative(tf.constant([-1, -2], tf.int32)).type; // ==> Assert
 * ```
 */
export const assertNegative = signAssert(
  "assertNegative",
  "assert_negative",
  "Condition x < 0 did not hold element-wise:",
  false,
  () => assertLess,
  true,
);

/**
 * Asserts `x >= 0` element-wise (`tf.assert_non_negative`, v1): `assert_less_equal(0, x)`.
 *
 * @example
 * ```ts
 * tf.assertNonNegative(tf.constant([0, 2], tf.int32)).type; // ==> Assert
 * ```
 */
export const assertNonNegative = signAssert(
  "assertNonNegative",
  "assert_non_negative",
  "Condition x >= 0 did not hold element-wise:",
  false,
  () => assertLessEqual,
  false,
);

/**
 * Asserts `x <= 0` element-wise (`tf.assert_non_positive`, v1): `assert_less_equal(x, 0)`.
 *
 * @example
 * ```ts
 * tf.assertNonPositive(tf.constant([0, -2], tf.int32)).type; // ==> Assert
 * ```
 */
export const assertNonPositive = signAssert(
  "assertNonPositive",
  "assert_non_positive",
  "Condition x <= 0 did not hold element-wise:",
  true,
  () => assertLessEqual,
  true,
);

/** TF 1.15's v1 `assert_near(x, y, rtol=None, atol=None, data=None, summarize=None, message=None, name=None)`. */
const NEAR_PARAMS = [
  req("x", tensorKind),
  req("y", tensorKind),
  opt("rtol", tensorKind),
  opt("atol", tensorKind),
  opt("data", tensorListKind),
  opt("summarize", intKind),
  opt("message", stringKind),
  opt("name", stringKind),
] as const;

/** float32's machine epsilon (`np.finfo(np.float32).eps`). */
const FLOAT32_EPS = 1.1920928955078125e-7;

/**
 * Asserts `|x - y| < atol + rtol * |y|` element-wise (`tf.assert_near`, v1), the
 * tolerances `10 * eps` by default.
 *
 * @example
 * ```ts
 * tf.assertNear(tf.constant([1, 2]), tf.constant([1, 2.0000001])).type; // ==> Merge
 * ```
 */
export const assertNear = tfFunction("assertNear", NEAR_PARAMS, (a): Operation => {
  const message = a.message ?? "";
  return inOpScope(a.name, "assert_near", [a.x, a.y, a.rtol, a.atol], () => {
    const x = convertToTensor(a.x, { name: "x" });
    const y = convertToTensor(a.y, { name: "y", dtype: x.dtype });
    const rtol = convertToTensor(a.rtol ?? 10 * FLOAT32_EPS, { name: "rtol", dtype: x.dtype });
    const atol = convertToTensor(a.atol ?? 10 * FLOAT32_EPS, { name: "atol", dtype: x.dtype });
    const data: DataItem[] =
      a.data !== undefined
        ? [...a.data]
        : [
            message,
            `x and y not equal to tolerance rtol = ${rtol.toString()}, atol = ${atol.toString()}`,
            `x (${x.name}) = `,
            x,
            `y (${y.name}) = `,
            y,
          ];
    const tol = pythonOperator("add", atol, pythonOperator("mul", rtol, abs(y)));
    const diff = abs(pythonOperator("sub", x, y));
    const condition = reduceAll(less(diff, tol));
    return assertData(condition, data, a.summarize);
  });
});

/** Python's `str(dtype)`: `<dtype: 'int32'>`. */
function dtypeText(dtype: DType): string {
  return `<dtype: '${dtype}'>`;
}

/** TF 1.15's v1 `assert_type(tensor, tf_type, message=None, name=None)`. */
const ASSERT_TYPE_PARAMS = [
  req("tensor", tensorKind),
  req("tfType", dtypeKind),
  opt("message", stringKind),
  opt("name", stringKind),
] as const;

/**
 * Checks `tensor`'s dtype when building (`tf.assert_type`, v1): a `TypeError` with TF's
 * wording if it differs, else a `NoOp` named `statically_determined_correct_type`.
 *
 * @example
 * ```ts
 * tf.assertType(tf.constant([1], tf.int32), tf.int32).name; // ==> assert_type/statically_determined_correct_type
 * ```
 */
export const assertType = tfFunction("assertType", ASSERT_TYPE_PARAMS, (a): Operation => {
  const message = a.message ?? "";
  return inOpScope(a.name, "assert_type", [a.tensor], () => {
    const tensor = convertToTensor(a.tensor, { name: "tensor" });
    if (tensor.dtype !== a.tfType) {
      throw new TypeError(`${message}  ${tensor.name} must be of type ${dtypeText(a.tfType)}`);
    }
    return noOp("statically_determined_correct_type");
  });
});

/** TF 1.15's v1 `assert_integer(x, message=None, name=None)`. */
const ASSERT_INTEGER_PARAMS = [
  req("x", tensorKind),
  opt("message", stringKind),
  opt("name", stringKind),
] as const;

/**
 * Checks that `x` has an integer dtype when building (`tf.assert_integer`, v1).
 *
 * @example
 * ```ts
 * tf.assertInteger(tf.constant([1], tf.int32)).type; // ==> NoOp
 * ```
 */
export const assertInteger = tfFunction("assertInteger", ASSERT_INTEGER_PARAMS, (a): Operation => {
  const message = a.message ?? "";
  return inOpScope(a.name, "assert_integer", [a.x], () => {
    const x = convertToTensor(a.x, { name: "x" });
    if (x.dtype !== "int32" && x.dtype !== "int64") {
      throw new TypeError(
        `${message}  Expected "x" to be integer type.  Found: ${x.name} of dtype ${dtypeText(x.dtype)}`,
      );
    }
    return noOp("statically_determined_was_integer");
  });
});

/** TF 1.15's v1 `assert_scalar(tensor, name=None, message=None)`. */
const ASSERT_SCALAR_PARAMS = [
  req("tensor", tensorKind),
  opt("name", stringKind),
  opt("message", stringKind),
] as const;

/**
 * `tensor` itself when its static shape is a scalar's, else a `ValueError`
 * (`tf.assert_scalar`, v1).
 *
 * @example
 * ```ts
 * tf.assertScalar(tf.constant(1)).shape.toString(); // ==> ()
 * ```
 */
export const assertScalar = tfFunction("assertScalar", ASSERT_SCALAR_PARAMS, (a): Tensor =>
  inOpScope(a.name, "assert_scalar", [a.tensor], (scope) => {
    const tensor = convertToTensor(a.tensor, { name: opNameOf(scope) });
    if (tensor.shape.rank !== 0) {
      throw new ValueError(
        `${a.message ?? ""}Expected scalar shape for ${tensor.name}, saw shape: ${tensor.shape.toString()}.`,
      );
    }
    return tensor;
  }),
);

/** TF 1.15's v1 `assert_rank(x, rank, data=None, summarize=None, message=None, name=None)`. */
const ASSERT_RANK_PARAMS = [
  req("x", tensorKind),
  req("rank", tensorKind),
  opt("data", tensorListKind),
  opt("summarize", intKind),
  opt("message", stringKind),
  opt("name", stringKind),
] as const;

/**
 * `_assert_rank_condition`: a `NoOp` when both ranks are known and the condition holds (a
 * `ValueError` when it fails), else `Assert` of the condition on `Rank(x)`, preceded by a
 * check that `rank` is a scalar when its value is not known.
 */
function assertRankCondition(
  x: Tensor,
  rank: Tensor,
  staticCondition: (actual: number, given: number) => boolean,
  dynamicCondition: Compare,
  data: readonly DataItem[],
  summarize: number | undefined,
): Operation {
  assertType(rank, "int32");
  const value = constantValue(rank);
  if (value !== null) {
    if (value.shape.length !== 0) throw new ValueError("Rank must be a scalar.");
    const given = Number(value.values[0]);
    const actual = x.shape.rank;
    if (actual !== null) {
      if (!staticCondition(actual, given)) throw new StaticRankFailure(actual, given);
      return noOp("static_checks_determined_all_ok");
    }
  }
  let condition = dynamicCondition(rankOf(x), rank);
  if (value === null) {
    const rankCheck = assertRank(rank, 0, ["Rank must be a scalar. Received rank: ", rank]);
    condition = withDependencies(rankCheck, condition);
  }
  return assertData(condition, data, summarize);
}

/** `control_flow_ops.with_dependencies([dep], t)`: an Identity under `control_dependency`. */
function withDependencies(dep: Operation, t: Tensor): Tensor {
  const graph = t.graph;
  return withNameScope(graph, "control_dependency", (scope) =>
    graph.colocateWith(t.op, () =>
      graph.controlDependencies([dep], () => identity(t, { name: scope })),
    ),
  );
}

/** `ValueError('Static rank condition failed', actual, given)`, reworded by the caller. */
class StaticRankFailure extends Error {
  constructor(
    readonly actual: number,
    readonly given: number,
  ) {
    super("Static rank condition failed");
  }
}

function rankAssert(fn: string, defaultName: string, atLeast: boolean) {
  return tfFunction(fn, ASSERT_RANK_PARAMS, (a): Operation =>
    inOpScope(a.name, defaultName, [a.x, a.rank, ...(a.data ?? [])], () => {
      const x = convertToTensor(a.x, { name: "x" });
      const rank = convertToTensor(a.rank, { name: "rank", preferredDtype: "int32" });
      const message = a.message ?? "";
      const wording = atLeast ? "must have rank at least" : "must have rank";
      const data: DataItem[] =
        a.data !== undefined
          ? [...a.data]
          : [message, `Tensor ${x.name} ${wording}`, rank, "Received shape: ", shapeOf(x)];
      try {
        return assertRankCondition(
          x,
          rank,
          atLeast ? (p, q) => p >= q : (p, q) => p === q,
          atLeast ? greaterEqual : equal,
          data,
          a.summarize,
        );
      } catch (e) {
        if (!(e instanceof StaticRankFailure)) throw e;
        throw new ValueError(
          `${message}.  Tensor ${x.name} ${wording} ${e.given}.  Received rank ${e.actual}, shape ${x.shape.toString()}`,
        );
      }
    }),
  );
}

/**
 * Asserts `x` has rank `rank` (`tf.assert_rank`, v1): checked when building when both are
 * known (a `NoOp` named `static_checks_determined_all_ok`, or a `ValueError`), else an
 * `Assert` on `Rank(x)`.
 *
 * @example
 * ```ts
 * tf.assertRank(tf.zeros([2, 3]), 2).name; // ==> assert_rank/static_checks_determined_all_ok
 * tf.assertRank(tf.zeros([2, 3]), 1); // throws ValueError: .  Tensor zeros_1:0 must have rank 1.  Received rank 2, shape (2, 3)
 * ```
 */
export const assertRank = rankAssert("assertRank", "assert_rank", false);

/**
 * Asserts `x` has rank `rank` or more (`tf.assert_rank_at_least`, v1).
 *
 * @example
 * ```ts
 * tf.assertRankAtLeast(tf.zeros([2, 3]), 1).type; // ==> NoOp
 * ```
 */
export const assertRankAtLeast = rankAssert("assertRankAtLeast", "assert_rank_at_least", true);

/** TF 1.15's `is_numeric_tensor(tensor)`. */
const IS_NUMERIC_PARAMS = [req("tensor", anyKind<unknown>("a value", true))] as const;

/**
 * Whether `tensor` is a `Tensor` of a numeric dtype (`tf.is_numeric_tensor`,
 * `tf.debugging.is_numeric_tensor`); builds nothing.
 *
 * @example
 * ```ts
 * tf.isNumericTensor(tf.constant([1, 2])); // ==> true
 * tf.isNumericTensor(tf.constant(["a"])); // ==> false
 * tf.isNumericTensor([1, 2]); // ==> false
 * ```
 */
export const isNumericTensor = tfFunction(
  "isNumericTensor",
  IS_NUMERIC_PARAMS,
  (a): boolean =>
    a.tensor instanceof Tensor &&
    (a.tensor.dtype === "float32" || a.tensor.dtype === "int32" || a.tensor.dtype === "int64"),
);

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
      shapeOf(x),
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
    const actual = rankOf(x);
    let condition = equal(rankTensors[0] as Tensor, actual);
    for (const r of rankTensors.slice(1)) condition = logicalOr(condition, equal(r, actual));
    return assertOp(condition, data, 3);
  });
  return built ?? noOp();
}

function logicalOr(x: Tensor, y: Tensor): Tensor {
  return binaryOp("LogicalOr", "LogicalOr", x, y);
}
