import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import { Operation } from "../../graph/operation.js";
import { Tensor, type TensorLike } from "../../graph/tensor.js";
import {
  anyKind,
  booleanKind,
  opt,
  req,
  stringKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { constant } from "../array/constant.js";
import { cast } from "../array/cast.js";
import { stack } from "../array/stack.js";
import { convertToTensor } from "../convert.js";
import { lessEqual } from "../math/binary.js";
import { reduceSum } from "../math/reduce.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { buildCond, type BranchFn } from "./cond.js";
import { noOp } from "./group.js";
import { elementWriter, summarizeTensorV1 } from "../string/string_format.js";

/**
 * TF 1.15's `control_flow_ops.Assert(condition, data, summarize, name)`: an `Assert` op
 * failing the run with `data` printed when `condition` is false, in the name scope
 * `Assert`. As in TensorFlow, the strings of `data` become constants twice: once in the
 * scope (`Assert/Const`, `Assert/Const_1`, read by nothing) and once as the op's inputs
 * (`Assert/Assert/data_0`, …). When some of `data` is neither string nor int32, the op is
 * guarded by a `tf.cond` on `condition` (`Assert/AssertGuard`) and the op returned is the
 * guard's `Merge`.
 */
export function assertOp(
  condition: Tensor,
  data: readonly (Tensor | TensorLike)[],
  summarize: number,
  name?: string,
): Operation {
  // Strings are string constants; other values convert as TF's `convert_n_to_tensor` does.
  const convert = (d: Tensor | TensorLike, name?: string): Tensor =>
    d instanceof Tensor
      ? d
      : typeof d === "string"
        ? constant(d, { dtype: "string", name })
        : convertToTensor(d, { name });
  return inOpScope(name, "Assert", [condition], (_scope, graph) => {
    const xs = data.map((d) => convert(d));
    const build = (): Operation =>
      inOpScope("Assert", "Assert", [condition], (scope) => {
        const inputs = data.map((d, i) => convert(d, `data_${i}`));
        return makeOp(graph, "Assert", scope, [condition, ...inputs], [], {
          T: inputs.map((t) => t.dtype),
          summarize,
        });
      });
    if (xs.every((x) => x.dtype === "string" || x.dtype === "int32")) return build();
    const guarded = buildCond(condition, () => noOp(), build, false, "AssertGuard") as Tensor;
    return guarded.op;
  });
}

registerOp({
  type: "Assert",
  opDef: {
    inputs: ["condition: bool", "data: T"],
    attrs: ["T: list(type) >= 1", "summarize: int = 3"],
    stateful: true,
  },
  stateful: true,
  kernel: (inputs, op) => {
    const [condition, ...data] = inputs as tfc.Tensor[];
    if ((condition as tfc.Tensor).dataSync()[0]) return [];
    const summarize = Number(op.attrs.summarize ?? 3);
    // TF's `SummarizeValue` (v1): "1 2 3..." (no space before the ellipsis).
    const parts = data.map(
      (d) => `[${summarizeTensorV1(elementWriter(d, false), d.shape, summarize)}]`,
    );
    throw new InvalidArgumentError(`assertion failed: ${parts.join(" ")}`, op.name);
  },
});

/** `_assert_at_most_n_true`: a run fails when more than `n` of `predicates` are true. */
function assertAtMostNTrue(predicates: readonly Tensor[], n: number, msg: string): Operation {
  const predsC = stack(predicates as Tensor[], { name: "preds_c" });
  const numTrue = reduceSum(cast(predsC, "int32"), { name: "num_true_conds" });
  const condition = lessEqual(numTrue, constant(n, { dtype: "int32", name: "n_true_conds" }));
  const names = predicates.map((p) => p.name).join(", ");
  return assertOp(
    condition,
    [`${msg}: more than ${n} conditions (${names}) evaluated as True:`, predsC],
    predicates.length,
  );
}

/** A `[pred, fn]` pair of {@link tfCase}. */
export type PredFnPair = readonly [TensorLike, BranchFn];

/**
 * TF 1.15's `case(pred_fn_pairs, default=None, exclusive=False, strict=False,
 * name="case")`.
 */
const CASE_PARAMS = [
  req("predFnPairs", anyKind<readonly PredFnPair[]>("a list of (pred, fn) pairs", false)),
  opt("default", anyKind<BranchFn>("a callable", false)),
  opt("exclusive", booleanKind),
  opt("strict", booleanKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link tfCase}. */
export type CaseOptions = OptionsOf<typeof CASE_PARAMS>;

/**
 * The function of the first pair whose predicate is true (`tf.case`), as nested `tf.cond`s
 * in the name scope `case`: `cond(p0, f0, () => cond(p1, f1, default))`. Without
 * `default`, the last pair's function is the default and the run fails unless its
 * predicate holds when the others do not. With `exclusive`, the run fails when more than
 * one predicate is true.
 *
 * @example
 * ```ts
 * const x = tf.constant(3);
 * const r = tf.case(
 *   [
 *     [tf.less(x, 2), () => tf.constant(10)],
 *     [tf.less(x, 5), () => tf.constant(20)],
 *   ],
 *   { default: () => tf.constant(30) },
 * );
 * using sess = new tf.Session();
 * sess.run(r as tf.Tensor); // ==> 20.0
 * ```
 */
export const tfCase = tfFunction("case", CASE_PARAMS, (a) => {
  const pairs = a.predFnPairs as unknown;
  if (!Array.isArray(pairs)) throw new TypeError("fns must be a list, tuple, or dict");
  const predicates: Tensor[] = [];
  const actions: BranchFn[] = [];
  for (const pair of pairs as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new TypeError("Each entry in pred_fn_pairs must be a 2-tuple");
    }
    const [pred, fn] = pair as [unknown, unknown];
    if (!(pred instanceof Tensor))
      throw new TypeError(`pred must be a Tensor, got: ${String(pred)}`);
    if (pred.dtype !== "bool")
      throw new TypeError(`pred must be Tensor of type bool: ${pred.name}`);
    if (typeof fn !== "function") throw new TypeError(`fn for pred ${pred.name} must be callable.`);
    predicates.push(pred);
    actions.push(fn as BranchFn);
  }
  const strict = a.strict ?? false;
  return inOpScope(a.name, "case", predicates, () => {
    let fallback: BranchFn;
    let preds = predicates;
    let acts = actions;
    if (a.default === undefined || a.default === null) {
      const k = predicates.length - 1;
      const last = predicates[k];
      const action = actions[k];
      if (last === undefined || action === undefined) {
        throw new TypeError("case(): pred_fn_pairs must not be empty without a default");
      }
      preds = predicates.slice(0, k);
      acts = actions.slice(0, k);
      const others = preds;
      fallback = () => {
        const othersMsg = `Implementation error: selected default action #${k} was called, but some of other predicates are True: `;
        const guards = [
          assertAtMostNTrue(others, 0, othersMsg),
          assertOp(
            last,
            [
              "Input error: None of conditions evaluated as True:",
              stack(predicates, { name: "preds_c" }),
            ],
            3,
          ),
        ];
        return last.graph.controlDependencies(guards, () => action());
      };
    } else {
      if (typeof a.default !== "function") throw new TypeError("default must be callable.");
      fallback = a.default;
    }
    let fn: BranchFn = fallback;
    for (let i = preds.length - 1; i >= 0; i--) {
      const pred = preds[i] as Tensor;
      const action = acts[i] as BranchFn;
      const falseFn = fn;
      fn = () => buildCond(pred, action, falseFn, strict, undefined);
    }
    if (a.exclusive === true) {
      const guard = assertAtMostNTrue(predicates, 1, "Input error: exclusive=True");
      return convertToTensor(predicates[0] as Tensor).graph.controlDependencies([guard], () =>
        fn(),
      );
    }
    return fn();
  });
});
