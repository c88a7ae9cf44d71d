/**
 * Small op builders for the training helpers (learning-rate schedules, moving averages):
 * each builds the ops TF's Python builds for the same expression, with the same names, so
 * that graphs match TF 1.15's op for op.
 */
import type { DType } from "../graph/dtypes.js";
import type { Graph } from "../graph/graph.js";
import { Tensor, type TensorLike } from "../graph/tensor.js";
import { castIn } from "../ops/array/cast.js";
import { convertToTensor } from "../ops/convert.js";
import { binaryOpIn } from "../ops/math/binary.js";
import { makeOp } from "../ops/op_scope.js";
import { withNameScope } from "../scope/name_scope.js";

/**
 * What `math_ops.cast(value, dtype, name)` builds: a name scope (`Cast`), the value as a
 * constant `x` when it is not a tensor, and a `Cast` op named by the scope when the dtypes
 * differ. JS numbers cannot tell `100` from `100.0`; `literal` says which Python literal the
 * parameter holds in TF code (`decay_steps` is an int, so an integer is an int32 constant
 * then cast, as in TF's graphs; rates are floats).
 */
export function castAs(
  graph: Graph,
  value: TensorLike,
  dtype: DType,
  literal: "int" | "float",
  name = "Cast",
): Tensor {
  // TF returns a Tensor of the right dtype untouched, before opening the scope.
  if (value instanceof Tensor && value.dtype === dtype) return value;
  return withNameScope(graph, name, (scope) => {
    const x = convertToTensor(value, { name: "x", preferredDtype: literalDType(value, literal) });
    return x.dtype === dtype ? x : castIn(graph, scope, x, dtype);
  });
}

/** The dtype TF gives a Python literal of this kind (int → int32, float → float32). */
export function literalDType(value: unknown, literal: "int" | "float"): DType | null {
  if (typeof value !== "number") return null;
  return literal === "int" && Number.isInteger(value) ? "int32" : "float32";
}

/** A generated unary op (`gen_math_ops.floor(x)`): type and default name `type`. */
export function unary(graph: Graph, type: string, x: Tensor): Tensor {
  return withNameScope(
    graph,
    type,
    (scope) =>
      makeOp(graph, type, scope, [x], [{ dtype: x.dtype, shape: x.shape }], { T: x.dtype })
        .outputs[0] as Tensor,
  );
}

/**
 * A generated binary op (`gen_math_ops.minimum(x, y, name)`): `name` is made unique, or used
 * exactly when it is a scope string (`"ExponentialDecay/"`, TF's `name=name`). A JS `y` is
 * converted to `x`'s dtype as the constant `y`.
 */
export function binary(
  graph: Graph,
  type: string,
  name: string,
  x: Tensor,
  y: Tensor | number,
): Tensor {
  return withNameScope(graph, name, (scope) => {
    const ty = y instanceof Tensor ? y : convertToTensor(y, { name: "y", dtype: x.dtype });
    return binaryOpIn(scope, graph, type, x, ty);
  });
}
