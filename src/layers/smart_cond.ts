import { ValueError } from "../errors.js";
import { Tensor, type TensorLike } from "../graph/tensor.js";
import { where } from "../ops/array/where.js";
import { convertToTensor } from "../ops/convert.js";
import { constantScalar } from "../ops/tensor_util.js";

/*
 * The `training` switch of dropout and batch normalization (`tf_utils.smart_cond` and
 * `constant_value`): a JS boolean or a constant bool tensor picks one branch when the
 * graph is built; a tensor known only at run time (a placeholder) builds both branches
 * and a `Select` between them, because scopeflow has no `tf.cond` yet.
 */

/** A JS boolean, a constant bool tensor's value, or `null` when only known at run time. */
export function constantBool(pred: boolean | TensorLike): boolean | null {
  if (typeof pred === "boolean") return pred;
  if (pred === 0 || pred === 1) return pred === 1;
  if (!(pred instanceof Tensor) && !(typeof pred === "object" && pred !== null)) {
    throw new TypeError(
      `\`pred\` must be a Tensor, or a Python bool, or 1 or 0. Found instead: ${String(pred)}`,
    );
  }
  const t = convertToTensor(pred);
  if (t.dtype !== "bool") {
    throw new ValueError(`training must be a bool tensor, got ${t.dtype}`);
  }
  const value = constantScalar(t);
  return value === null ? null : value !== 0;
}

/**
 * `smart_cond(pred, trueFn, falseFn)`: one branch when `pred` is known now; otherwise both,
 * joined by `tf.where(pred, …)` (each output of the branches in turn).
 */
export function smartCond<T extends Tensor | Tensor[]>(
  pred: boolean | TensorLike,
  trueFn: () => T,
  falseFn: () => T,
): T {
  const known = constantBool(pred);
  if (known !== null) return known ? trueFn() : falseFn();
  const p = convertToTensor(pred);
  const a = trueFn();
  const b = falseFn();
  if (Array.isArray(a)) {
    return a.map((t, i) => where(p, t, (b as Tensor[])[i] as Tensor)) as T;
  }
  return where(p, a, b as Tensor) as T;
}
