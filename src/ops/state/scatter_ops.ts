import * as tfc from "@tensorflow/tfjs-core";
import type { Operation } from "../../graph/operation.js";
import { isTensorConvertible, type Tensor, type TensorLike } from "../../graph/tensor.js";
import type { DType } from "../../graph/dtypes.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import {
  booleanKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type OptionsOf,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { noGradient, notDifferentiable, registerOp, type KernelRuntime } from "../registry.js";
import type { OpDefSpec } from "../op_def.js";
import { checkLeadingInputs, checkOpInputs, convertBound } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { refOf, variableOpOf } from "./variable_ops.js";
import { scatteredValue, type ScatterMode } from "./scatter_kernel.js";
import {
  readVariableOp,
  resourceScatterOp,
  type ResourceScatterType,
} from "./resource_variable_ops.js";
import { controlDependencies } from "../control/group.js";

/*
 * `ScatterAdd`, `ScatterSub`, `ScatterUpdate` (`state_ops`): row updates of a variable,
 * how TF 1.15's optimizers apply a sparse gradient.
 */

function scatterKernel(mode: ScatterMode) {
  return (inputs: readonly tfc.Tensor[], op: Operation, runtime: KernelRuntime): tfc.Tensor[] => {
    const [indices, updates] = inputs as [tfc.Tensor, tfc.Tensor];
    const variable = variableOpOf(op.inputs[0] as Tensor);
    const current = runtime.readVariable(variable, op);
    runtime.writeVariable(variable, scatteredValue(mode, current, indices, updates, op));
    return [];
  };
}

/** TensorFlow's signatures of the op types the loop below registers. */
const OP_DEFS: Readonly<Record<string, OpDefSpec>> = {
  ScatterAdd: {
    inputs: ["ref: Ref(T)", "indices: Tindices", "updates: T"],
    outputs: ["output_ref: Ref(T)"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "Tindices: {int32, int64}",
      "use_locking: bool = false",
    ],
  },
  ScatterSub: {
    inputs: ["ref: Ref(T)", "indices: Tindices", "updates: T"],
    outputs: ["output_ref: Ref(T)"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "Tindices: {int32, int64}",
      "use_locking: bool = false",
    ],
  },
  ScatterUpdate: {
    inputs: ["ref: Ref(T)", "indices: Tindices", "updates: T"],
    outputs: ["output_ref: Ref(T)"],
    attrs: ["T: type", "Tindices: {int32, int64}", "use_locking: bool = true"],
  },
};

for (const [type, mode] of [
  ["ScatterAdd", "add"],
  ["ScatterSub", "sub"],
  ["ScatterUpdate", "update"],
] as const) {
  registerOp({
    type,
    opDef: OP_DEFS[type],
    stateful: true,
    refInputs: [0],
    refOutput: (op) => variableOpOf(op.inputs[0] as Tensor),
    kernel: scatterKernel(mode),
  });
}

// TF 1.15's state_grad.py; `ScatterUpdate` has no gradient there.
notDifferentiable("ScatterAdd", "ScatterSub");
noGradient(false, "ScatterUpdate");

/**
 * Builds a scatter op on `ref` with TF's shape function (`ScatterUpdateShape`):
 * `updates.shape` is `indices.shape + ref.shape[1:]`.
 */
export function scatterOp(
  type: "ScatterAdd" | "ScatterSub" | "ScatterUpdate",
  ref: TensorLike,
  indices: TensorLike,
  updates: TensorLike,
  useLocking: boolean,
  name?: string,
): Tensor {
  return inOpScope(name, type, [ref, indices, updates], (scope, graph) => {
    const r = refOf(ref, type);
    const i = convertToTensor(indices, { name: "indices", preferredDtype: "int32" });
    checkLeadingInputs(type, [r, i]);
    const u = convertBound(updates, r.dtype, "updates", type);
    checkOpInputs(type, [r, i, u], {});
    const si = new ShapeInference(opNameOf(scope), type, [r.shape, i.shape, u.shape]);
    const rDims = si.withRankAtLeast(r.shape, 1);
    if (rDims !== null && i.shape.dims !== null) {
      si.mergeShape(u.shape, new TensorShape([...i.shape.dims, ...rDims.slice(1)]));
    }
    return makeOp(
      graph,
      type,
      scope,
      [r, i, u],
      [{ dtype: r.dtype, shape: r.shape, isRef: true }],
      {
        T: r.dtype,
        Tindices: i.dtype,
        use_locking: useLocking,
      },
    ).outputs[0] as Tensor;
  });
}

/**
 * `state_ops.scatter_*`: a reference variable's `Scatter*` op; on a resource variable, its
 * `ResourceScatter*` op (which has no `use_locking`) and a read that waits for it (TF's
 * `_lazy_read`), so that running the result gives the new value either way.
 */
function scatterOnVariable(
  type: "ScatterAdd" | "ScatterSub" | "ScatterUpdate",
  ref: TensorLike,
  indices: TensorLike,
  updates: TensorLike,
  useLocking: boolean,
  name: string | undefined,
): Tensor {
  // A resource variable's ref form is its handle; a plain tensor is never one.
  const handle = isTensorConvertible(ref) ? convertToTensor(ref, { asRef: true }) : null;
  if (handle !== null && handle.dtype === "resource") {
    const dtype = (handle.op.attrs.dtype as DType | undefined) ?? "float32";
    const op = resourceScatterOp(
      `Resource${type}` as ResourceScatterType,
      handle,
      indices,
      updates,
      name,
    );
    return controlDependencies([op], () => readVariableOp(handle, dtype));
  }
  return scatterOp(type, ref, indices, updates, useLocking, name);
}

/** TF 1.15's `scatter_add(ref, indices, updates, use_locking=False, name=None)` (and sub, update). */
const SCATTER_PARAMS = [
  req("ref", tensorKind),
  req("indices", tensorKind),
  req("updates", tensorKind),
  opt("useLocking", booleanKind),
  opt("name", stringKind),
] as const;

/** The options object of {@link scatterAdd}, {@link scatterSub} and {@link scatterUpdate}. */
export type ScatterOptions = OptionsOf<typeof SCATTER_PARAMS>;

/**
 * Adds `updates` to rows `indices` of a variable (`tf.scatter_add`, op `ScatterAdd`);
 * rows named twice get both. The result, when run, is the variable's new value.
 *
 * @example
 * ```ts
 * const v = tf.getVariable("v", [3], { initializer: tf.zerosInitializer() });
 * const add = tf.scatterAdd(v, [2, 0, 2], [1, 5, 1]);
 * using sess = new tf.Session();
 * sess.run(v.initializer);
 * sess.run(add); // ==> [5. 0. 2.]
 * ```
 */
export const scatterAdd = tfFunction("scatterAdd", SCATTER_PARAMS, (a) =>
  scatterOnVariable("ScatterAdd", a.ref, a.indices, a.updates, a.useLocking ?? false, a.name),
);

/**
 * Subtracts `updates` from rows `indices` of a variable (`tf.scatter_sub`, op `ScatterSub`):
 * how `GradientDescentOptimizer` applies an `IndexedSlices` gradient.
 *
 * @example
 * ```ts
 * const v = tf.getVariable("v", [2, 2], { initializer: tf.onesInitializer() });
 * const sub = tf.scatterSub(v, [1], [[1, 2]]);
 * using sess = new tf.Session();
 * sess.run(v.initializer);
 * sess.run(sub); // ==> [[ 1.  1.]
 *                //      [ 0. -1.]]
 * ```
 */
export const scatterSub = tfFunction("scatterSub", SCATTER_PARAMS, (a) =>
  scatterOnVariable("ScatterSub", a.ref, a.indices, a.updates, a.useLocking ?? false, a.name),
);

/**
 * Sets rows `indices` of a variable to `updates` (`tf.scatter_update`, op `ScatterUpdate`,
 * locking by default as in TF).
 *
 * @example
 * ```ts
 * const v = tf.getVariable("v", [3], { initializer: tf.zerosInitializer() });
 * const set = tf.scatterUpdate(v, [1], [7]);
 * using sess = new tf.Session();
 * sess.run(v.initializer);
 * sess.run(set); // ==> [0. 7. 0.]
 * ```
 */
export const scatterUpdate = tfFunction("scatterUpdate", SCATTER_PARAMS, (a) =>
  scatterOnVariable("ScatterUpdate", a.ref, a.indices, a.updates, a.useLocking ?? true, a.name),
);
