import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, NotFoundError } from "../../errors.js";
import type { DType } from "../../graph/dtypes.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import type { OpDefSpec } from "../op_def.js";
import { registerOp, type KernelRuntime } from "../registry.js";
import { checkLeadingInputs, checkOpInputs } from "../input_types.js";
import { mergeErrorDetail, shapeError, ShapeInference } from "../shape_utils.js";
import { readInts } from "../tensor_util.js";
import { shareTensor } from "../tfjs_internals.js";
import { applyRule, denseApplyTypes } from "./training_ops.js";
import { sparseApplyRule, sparseApplyTypes } from "./sparse_training_ops.js";
import { scatteredValue, type ScatterMode } from "./scatter_kernel.js";

/*
 * Resource variables (TF 1.15's `resource_variable_ops`): a `VarHandleOp` outputs a handle
 * naming the variable by container and shared name; `ReadVariableOp`, `AssignVariableOp`
 * and the others reach its value in the session through that handle. Kernels see a handle
 * as an int32 scalar the session's `resourceVariables` store gave out, so a handle that
 * flows through `Identity`, `Switch` or `Enter` still names its variable.
 */

/** The handle number a kernel's resource input holds. */
function handleOf(t: tfc.Tensor | undefined): number {
  return (t as tfc.Tensor).dataSync()[0] as number;
}

/**
 * Op types that pass a resource handle through unchanged, so that a read's static shape
 * can be found from the `VarHandleOp` behind it (TF's handle shapes-and-types).
 */
const HANDLE_FORWARDING = new Set(["Identity", "Switch", "Enter", "RefEnter", "Merge"]);

/** The `VarHandleOp` behind a resource tensor, or `null` when it cannot be told statically. */
export function varHandleOpOf(handle: Tensor): Operation | null {
  let t: Tensor | undefined = handle;
  for (let depth = 0; t !== undefined && depth < 64; depth++) {
    if (t.op.type === "VarHandleOp") return t.op;
    if (!HANDLE_FORWARDING.has(t.op.type)) return null;
    t = t.op.inputs[0];
  }
  return null;
}

/** The static shape of the variable a handle names (unknown when it cannot be told). */
function handleShape(handle: Tensor | undefined): TensorShape {
  const op = handle === undefined ? null : varHandleOpOf(handle);
  return op === null ? TensorShape.unknown() : (op.attrs.shape as TensorShape);
}

registerOp({
  type: "VarHandleOp",
  opDef: {
    outputs: ["resource: resource"],
    attrs: ["container: string = ''", "shared_name: string = ''", "dtype: type", "shape: shape"],
    stateful: true,
  },
  stateful: true,
  kernel: (_inputs, op, runtime) => [
    tfc.scalar(
      runtime.resourceVariables.handleOf(
        op.attrs.container as string,
        op.attrs.shared_name as string,
      ),
      "int32",
    ),
  ],
  inferShapes: () => [TensorShape.scalar()],
});

registerOp({
  type: "ReadVariableOp",
  opDef: {
    inputs: ["resource: resource"],
    outputs: ["value: dtype"],
    attrs: ["dtype: type"],
    stateful: true,
  },
  stateful: true,
  kernel: ([handle], op, runtime) => [
    shareTensor(runtime.resourceVariables.read(handleOf(handle), op)),
  ],
  inferShapes: (op) => [handleShape(op.inputs[0])],
});

registerOp({
  type: "VariableShape",
  opDef: {
    inputs: ["input: resource"],
    outputs: ["output: out_type"],
    attrs: ["out_type: {int32, int64} = DT_INT32"],
    stateful: true,
  },
  stateful: true,
  kernel: ([handle], op, runtime) => [
    tfc.tensor1d(runtime.resourceVariables.read(handleOf(handle), op).shape, "int32"),
  ],
  inferShapes: (op) => [new TensorShape([handleShape(op.inputs[0]).rank ?? null])],
});

registerOp({
  type: "AssignVariableOp",
  opDef: {
    inputs: ["resource: resource", "value: dtype"],
    attrs: ["dtype: type"],
    stateful: true,
  },
  stateful: true,
  kernel: ([handle, value], _op, runtime) => {
    runtime.resourceVariables.write(handleOf(handle), shareTensor(value as tfc.Tensor));
    return [];
  },
});

/** `AssignAddVariableOp`/`AssignSubVariableOp`: the value must have the variable's shape. */
function updateKernel(update: (a: tfc.Tensor, b: tfc.Tensor) => tfc.Tensor) {
  return (inputs: readonly tfc.Tensor[], op: Operation, runtime: KernelRuntime): tfc.Tensor[] => {
    const store = runtime.resourceVariables;
    const handle = handleOf(inputs[0]);
    const current = store.read(handle, op);
    const value = inputs[1] as tfc.Tensor;
    if (!tfc.util.arraysEqual(current.shape, value.shape)) {
      throw new InvalidArgumentError(
        `Cannot update variable with shape [${current.shape.join(",")}] using a Tensor with shape [${value.shape.join(",")}], shapes must be equal.`,
        op.name,
      );
    }
    store.write(handle, update(current, value));
    return [];
  };
}

for (const [type, update] of [
  ["AssignAddVariableOp", tfc.add],
  ["AssignSubVariableOp", tfc.sub],
] as const) {
  registerOp({
    type,
    opDef: {
      inputs: ["resource: resource", "value: dtype"],
      attrs: ["dtype: type"],
      stateful: true,
    },
    stateful: true,
    kernel: updateKernel(update),
  });
}

registerOp({
  type: "VarIsInitializedOp",
  opDef: {
    inputs: ["resource: resource"],
    outputs: ["is_initialized: bool"],
    stateful: true,
  },
  stateful: true,
  kernel: ([handle], _op, runtime) => [
    tfc.scalar(runtime.resourceVariables.isInitialized(handleOf(handle)), "bool"),
  ],
  inferShapes: () => [TensorShape.scalar()],
});

registerOp({
  type: "DestroyResourceOp",
  opDef: {
    inputs: ["resource: resource"],
    attrs: ["ignore_lookup_error: bool = true"],
    stateful: true,
  },
  stateful: true,
  kernel: ([handle], op, runtime) => {
    const store = runtime.resourceVariables;
    const h = handleOf(handle);
    if (!store.destroy(h) && op.attrs.ignore_lookup_error === false) {
      const { container, name } = store.describe(h);
      throw new NotFoundError(
        `Resource ${container}/${name}/N10tensorflow3VarE does not exist.`,
        op.name,
      );
    }
    return [];
  },
});

registerOp({
  type: "ResourceGather",
  opDef: {
    inputs: ["resource: resource", "indices: Tindices"],
    outputs: ["output: dtype"],
    // `batch_dims` came with TF 1.14; TF 1.15's graphs carry it.
    attrs: [
      "batch_dims: int = 0",
      "validate_indices: bool = true",
      "dtype: type",
      "Tindices: {int32, int64}",
    ],
    stateful: true,
  },
  stateful: true,
  kernel: ([handle, indices], op, runtime) => {
    const params = runtime.resourceVariables.read(handleOf(handle), op);
    if ((op.attrs.batch_dims ?? 0) !== 0) {
      throw new InvalidArgumentError(
        "ResourceGather: batch_dims other than 0 is not supported",
        op.name,
      );
    }
    const rows = params.shape[0] ?? 0;
    const idx = readInts(indices as tfc.Tensor);
    idx.forEach((i, at) => {
      if (i < 0 || i >= rows) {
        throw new InvalidArgumentError(`indices[${at}] = ${i} is not in [0, ${rows})`, op.name);
      }
    });
    const at = tfc.tensor(idx, (indices as tfc.Tensor).shape, "int32");
    const rowsRead = tfc.gather(params, at, 0);
    at.dispose();
    return [rowsRead];
  },
  inferShapes: (op) => {
    const params = handleShape(op.inputs[0]);
    const indices = (op.inputs[1] as Tensor).shape;
    if (params.dims === null || indices.dims === null) return [TensorShape.unknown()];
    return [new TensorShape([...indices.dims, ...params.dims.slice(1)])];
  },
});

/** `Ref(T)` inputs become handles; the output (the updated ref) goes, as in TF. */
function resourceOpDef(spec: OpDefSpec): OpDefSpec {
  return {
    ...spec,
    inputs: spec.inputs?.map((arg) => arg.replace(/: Ref\(T\)$/, ": resource")),
    outputs: [],
    stateful: true,
  };
}

for (const dense of denseApplyTypes()) {
  const rule = applyRule(dense);
  registerOp({
    type: `Resource${dense}`,
    opDef: resourceOpDef(rule.opDef),
    stateful: true,
    kernel: (inputs, op, runtime) => {
      const store = runtime.resourceVariables;
      const handles = inputs.slice(0, rule.refs).map(handleOf);
      const values = handles.map((h) => store.read(h, op));
      const updated = rule.update(values, inputs.slice(rule.refs), op);
      updated.forEach((u, i) => store.write(handles[i] as number, u));
      return [];
    },
  });
}

for (const sparse of sparseApplyTypes()) {
  const rule = sparseApplyRule(sparse);
  registerOp({
    type: `Resource${sparse}`,
    opDef: resourceOpDef(rule.opDef),
    stateful: true,
    kernel: (inputs, op, runtime) => {
      const store = runtime.resourceVariables;
      const handles = inputs.slice(0, rule.refs).map(handleOf);
      const values = handles.map((h) => store.read(h, op));
      const updated = rule.update(values, inputs.slice(rule.refs), op);
      updated.forEach((u, i) => store.write(handles[i] as number, u));
      return [];
    },
  });
}

/** The op types of `ResourceScatterAdd`, `ResourceScatterSub` and `ResourceScatterUpdate`. */
export type ResourceScatterType =
  "ResourceScatterAdd" | "ResourceScatterSub" | "ResourceScatterUpdate";

const NUMBER_TYPES =
  "{float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}";

for (const [type, mode] of [
  ["ResourceScatterAdd", "add"],
  ["ResourceScatterSub", "sub"],
  ["ResourceScatterUpdate", "update"],
] as const satisfies readonly (readonly [ResourceScatterType, ScatterMode])[]) {
  registerOp({
    type,
    opDef: {
      inputs: ["resource: resource", "indices: Tindices", "updates: dtype"],
      attrs: [`dtype: ${mode === "update" ? "type" : NUMBER_TYPES}`, "Tindices: {int32, int64}"],
      stateful: true,
    },
    stateful: true,
    kernel: ([handle, indices, updates], op, runtime) => {
      const store = runtime.resourceVariables;
      const h = handleOf(handle);
      const current = store.read(h, op);
      store.write(
        h,
        scatteredValue(mode, current, indices as tfc.Tensor, updates as tfc.Tensor, op),
      );
      return [];
    },
  });
}

/** The variable dtype a handle's `VarHandleOp` declares (`null` when unknown). */
export function handleDType(handle: Tensor): DType | null {
  const op = varHandleOpOf(handle);
  return op === null ? null : (op.attrs.dtype as DType);
}

function checkHandle(handle: Tensor, opType: string): void {
  if (handle.dtype !== "resource") {
    throw new TypeError(
      `Input 'resource' of '${opType}' Op has type ${handle.dtype} that does not match expected type of resource.`,
    );
  }
}

/** TF 1.15's `gen_resource_variable_ops.read_variable_op(resource, dtype, name=None)`. */
export function readVariableOp(handle: Tensor, dtype: DType, name?: string): Tensor {
  checkHandle(handle, "ReadVariableOp");
  return inOpScope(name, "ReadVariableOp", [handle], (scope, graph) =>
    makeOp(graph, "ReadVariableOp", scope, [handle], [{ dtype, shape: handleShape(handle) }], {
      dtype,
    }),
  ).outputs[0] as Tensor;
}

/**
 * TF 1.15's `assign_variable_op(resource, value, name=None)`, with the static check of its
 * shape function: the value's shape must be compatible with the variable's.
 */
export function assignVariableOp(handle: Tensor, value: TensorLike, name?: string): Operation {
  checkHandle(handle, "AssignVariableOp");
  return inOpScope(name, "AssignVariableOp", [handle, value], (scope, graph) => {
    const dtype = handleDType(handle);
    const v = convertToTensor(value, { name: "value", ...(dtype === null ? {} : { dtype }) });
    const shape = handleShape(handle);
    if (!shape.isCompatibleWith(v.shape)) {
      throw shapeError(mergeErrorDetail(shape, v.shape), opNameOf(scope), "AssignVariableOp", [
        TensorShape.scalar(),
        v.shape,
      ]);
    }
    return makeOp(graph, "AssignVariableOp", scope, [handle, v], [], { dtype: v.dtype });
  });
}

/** TF 1.15's `variable_shape(handle, out_type=int32)`: the `VariableShape` op. */
export function variableShape(handle: Tensor, name?: string): Tensor {
  checkHandle(handle, "VariableShape");
  return inOpScope(name, "VariableShape", [handle], (scope, graph) =>
    makeOp(
      graph,
      "VariableShape",
      scope,
      [handle],
      [{ dtype: "int32", shape: new TensorShape([handleShape(handle).rank ?? null]) }],
      { out_type: "int32" },
    ),
  ).outputs[0] as Tensor;
}

/**
 * TF 1.15's `resource_gather(resource, indices, dtype, batch_dims=0,
 * validate_indices=True, name=None)`: rows of the variable a handle names.
 */
export function resourceGather(
  handle: Tensor,
  indices: TensorLike,
  dtype: DType,
  name?: string,
): Tensor {
  checkHandle(handle, "ResourceGather");
  return inOpScope(name, "ResourceGather", [handle, indices], (scope, graph) => {
    const i = convertToTensor(indices, { name: "indices", preferredDtype: "int32" });
    checkOpInputs("ResourceGather", [handle, i], {});
    const params = handleShape(handle);
    const shape =
      params.dims === null || i.shape.dims === null
        ? TensorShape.unknown()
        : new TensorShape([...i.shape.dims, ...params.dims.slice(1)]);
    return makeOp(graph, "ResourceGather", scope, [handle, i], [{ dtype, shape }], {
      batch_dims: 0,
      validate_indices: true,
      dtype,
      Tindices: i.dtype,
    });
  }).outputs[0] as Tensor;
}

/**
 * TF 1.15's `resource_scatter_add(resource, indices, updates, name=None)` (and `_sub`,
 * `_update`), with the shape check of their shape function: `updates` has the shape
 * `indices.shape + var.shape[1:]`.
 */
export function resourceScatterOp(
  type: ResourceScatterType,
  handle: Tensor,
  indices: TensorLike,
  updates: TensorLike,
  name?: string,
): Operation {
  checkHandle(handle, type);
  return inOpScope(name, type, [handle, indices, updates], (scope, graph) => {
    const dtype = handleDType(handle);
    const i = convertToTensor(indices, { name: "indices", preferredDtype: "int32" });
    const u = convertToTensor(updates, { name: "updates", ...(dtype === null ? {} : { dtype }) });
    checkOpInputs(type, [handle, i, u], {});
    const varShape = handleShape(handle);
    const si = new ShapeInference(opNameOf(scope), type, [TensorShape.scalar(), i.shape, u.shape]);
    if (varShape.dims !== null && i.shape.dims !== null) {
      si.mergeShape(u.shape, new TensorShape([...i.shape.dims, ...varShape.dims.slice(1)]));
    }
    return makeOp(graph, type, scope, [handle, i, u], [], { dtype: u.dtype, Tindices: i.dtype });
  });
}

/**
 * A `ResourceApply*` op (TF 1.15's `training_ops.resource_apply_*`): `handles` are the
 * variable's and its slots', `args` the hyper-parameters and the gradient in TF's order,
 * converted to the variable's dtype inside the op's name scope (so a resource variable
 * among them is read there). Shapes are checked as the dense op's shape function does.
 */
export function resourceApplyOp(
  type: string,
  handles: readonly Tensor[],
  args: readonly TensorLike[],
  attrs: Record<string, boolean>,
  name?: string,
): Operation {
  const rule = applyRule(type.replace(/^Resource/, ""));
  if (handles.length !== rule.refs || args.length !== rule.args.length) {
    throw new Error(
      `${type} takes ${rule.refs} variable inputs and ${rule.args.length} other inputs, got ${handles.length} and ${args.length}.`,
    );
  }
  handles.forEach((h) => checkHandle(h, type));
  return inOpScope(name, type, [...handles, ...args], (scope, graph) => {
    const dtype = handleDType(handles[0] as Tensor) ?? "float32";
    const argTensors = args.map((a) => convertToTensor(a, { dtype }));
    const si = new ShapeInference(opNameOf(scope), type, [
      ...handles.map(() => TensorShape.scalar()),
      ...argTensors.map((t) => t.shape),
    ]);
    let s = handleShape(handles[0]);
    for (const h of handles.slice(1)) s = si.mergeShape(s, handleShape(h));
    argTensors.forEach((t, i) => {
      if (rule.args[i] === "scalar") si.withRank(t.shape, 0);
      else s = si.mergeShape(s, t.shape);
    });
    return makeOp(graph, type, scope, [...handles, ...argTensors], [], {
      T: dtype,
      use_locking: false,
      ...attrs,
    });
  });
}

/**
 * A `ResourceSparseApply*` op: `handles` (the variable's, then its slots'), the scalars
 * before the gradient, `grad` and `indices`, and the scalars after them, with the shape
 * check of the ref op's shape function (`indices` a vector as long as `grad`, whose other
 * dims are the variable's).
 */
export function resourceSparseApplyOp(
  type: string,
  handles: readonly Tensor[],
  scalarsBefore: readonly TensorLike[],
  grad: TensorLike,
  indices: TensorLike,
  scalarsAfter: readonly TensorLike[],
  attrs: Record<string, boolean>,
): Operation {
  const rule = sparseApplyRule(type.replace(/^Resource/, ""));
  handles.forEach((h) => checkHandle(h, type));
  const all = [...handles, ...scalarsBefore, grad, indices, ...scalarsAfter];
  return inOpScope(undefined, type, all, (scope, graph) => {
    const dtype = handleDType(handles[0] as Tensor) ?? "float32";
    const before = scalarsBefore.map((x) => convertToTensor(x, { dtype }));
    const g = convertToTensor(grad, { dtype });
    const i = convertToTensor(indices, { preferredDtype: "int32" });
    checkLeadingInputs(type, [...handles, ...before, g, i]);
    const after = scalarsAfter.map((x) => convertToTensor(x, { dtype }));
    if (before.length !== rule.scalarsBefore || after.length !== rule.scalarsAfter) {
      throw new Error(`${type} takes ${rule.scalarsBefore} and ${rule.scalarsAfter} scalars.`);
    }
    const inputs = [...before, g, i, ...after];
    const si = new ShapeInference(opNameOf(scope), type, [
      ...handles.map(() => TensorShape.scalar()),
      ...inputs.map((t) => t.shape),
    ]);
    let s = handleShape(handles[0]);
    for (const h of handles.slice(1)) s = si.mergeShape(s, handleShape(h));
    for (const x of [...before, ...after]) si.withRank(x.shape, 0);
    const [n] = si.withRank(i.shape, 1);
    const gDims = si.withRankAtLeast(g.shape, 1);
    if (gDims !== null) {
      si.mergeDim(n ?? null, gDims[0] ?? null);
      si.mergeShape(s, new TensorShape([null, ...gDims.slice(1)]));
    }
    return makeOp(graph, type, scope, [...handles, ...inputs], [], {
      T: dtype,
      Tindices: i.dtype,
      use_locking: false,
      ...attrs,
    });
  });
}
