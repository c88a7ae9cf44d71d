import * as tfc from "@tensorflow/tfjs-core";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { noGradient, registerOp } from "../registry.js";
import type { OpDefSpec } from "../op_def.js";
import { checkLeadingInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { readInts } from "../tensor_util.js";
import { readRefs } from "./training_ops.js";
import { variableOpOf } from "./variable_ops.js";
import { InvalidArgumentError } from "../../errors.js";

/*
 * The optimizers' sparse update kernels (`training_ops`' `SparseApply*`): the variable
 * and its slots change only in the rows `indices` names, each row updated from its row of
 * `grad` as the dense op updates every element.
 */

/** Updates one element: the current var and slot values, the hyper-parameters, the gradient. */
type ElementUpdate = (
  state: number[],
  hyper: readonly number[],
  g: number,
  attrs: Operation["attrs"],
) => void;

interface SparseSpec {
  type: string;
  /** Variable and slots, taken by reference. */
  refs: number;
  /** The scalar hyper-parameters between the refs and the gradient (`lr`, …). */
  scalarsBefore: number;
  /** The scalars after `grad, indices` (`SparseApplyMomentum`'s momentum). */
  scalarsAfter: number;
  update: ElementUpdate;
  opDef: OpDefSpec;
}

const SPECS = new Map<string, SparseSpec>();

function registerSparse(spec: SparseSpec): void {
  SPECS.set(spec.type, spec);
  const positions = Array.from({ length: spec.refs }, (_, i) => i);
  registerOp({
    type: spec.type,
    opDef: spec.opDef,
    stateful: true,
    refInputs: positions,
    refOutput: (op) => variableOpOf(op.inputs[0] as Tensor),
    kernel: (inputs, op, runtime) => {
      const [vars, current] = readRefs(op, runtime, positions);
      const updated = sparseUpdate(spec, current, inputs, op);
      vars.forEach((v, s) => runtime.writeVariable(v, updated[s] as tfc.Tensor));
      return [];
    },
  });
}

/**
 * The new values of the variable and its slots: `current` their values, `inputs` the
 * op's inputs after them (scalars, `grad`, `indices`, scalars).
 */
function sparseUpdate(
  spec: SparseSpec,
  current: readonly tfc.Tensor[],
  inputs: readonly tfc.Tensor[],
  op: Operation,
): tfc.Tensor[] {
  const before = inputs.slice(0, spec.scalarsBefore).map((t) => t.dataSync()[0] as number);
  const grad = inputs[spec.scalarsBefore] as tfc.Tensor;
  const indices = readInts(inputs[spec.scalarsBefore + 1] as tfc.Tensor);
  const after = inputs.slice(spec.scalarsBefore + 2).map((t) => t.dataSync()[0] as number);
  const hyper = [...before, ...after];
  const first = current[0] as tfc.Tensor;
  const rows = first.shape[0] as number;
  const width = first.size / Math.max(rows, 1);
  const data = current.map((t) => Float32Array.from(t.dataSync() as Float32Array));
  const g = grad.dataSync() as Float32Array;
  const state = new Array<number>(spec.refs);
  indices.forEach((row, i) => {
    if (row < 0 || row >= rows) {
      throw new InvalidArgumentError(
        `Index ${row} at offset ${i} in indices is out of range`,
        op.name,
      );
    }
    for (let k = 0; k < width; k++) {
      const at = row * width + k;
      for (let s = 0; s < spec.refs; s++) state[s] = (data[s] as Float32Array)[at] as number;
      spec.update(state, hyper, g[i * width + k] as number, op.attrs);
      for (let s = 0; s < spec.refs; s++) (data[s] as Float32Array)[at] = state[s] as number;
    }
  });
  return data.map((d) => tfc.tensor(d, first.shape, "float32"));
}

/** The `SparseApply*` op types, whose `ResourceSparseApply*` twins update resource variables. */
export function sparseApplyTypes(): string[] {
  return [...SPECS.keys()];
}

/**
 * What a `SparseApply*` op of `type` computes, for its `ResourceSparseApply*` twin (same
 * inputs, the variables taken by handle): its OpDef declaration, how many leading inputs
 * are variables, and the new values of the variables from their values and the other inputs.
 */
export function sparseApplyRule(type: string): {
  opDef: OpDefSpec;
  refs: number;
  /** How many scalar hyper-parameters come before `grad, indices`, and after them. */
  scalarsBefore: number;
  scalarsAfter: number;
  update: (values: tfc.Tensor[], inputs: readonly tfc.Tensor[], op: Operation) => tfc.Tensor[];
} {
  const spec = SPECS.get(type);
  if (spec === undefined) throw new Error(`No sparse training op registered for type ${type}.`);
  return {
    opDef: spec.opDef,
    refs: spec.refs,
    scalarsBefore: spec.scalarsBefore,
    scalarsAfter: spec.scalarsAfter,
    update: (values, inputs, op) => sparseUpdate(spec, values, inputs, op),
  };
}

registerSparse({
  type: "SparseApplyMomentum",
  opDef: {
    inputs: [
      "var: Ref(T)",
      "accum: Ref(T)",
      "lr: T",
      "grad: T",
      "indices: Tindices",
      "momentum: T",
    ],
    outputs: ["out: Ref(T)"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "Tindices: {int32, int64}",
      "use_locking: bool = false",
      "use_nesterov: bool = false",
    ],
  },
  refs: 2,
  scalarsBefore: 1,
  scalarsAfter: 1,
  update: (s, [lr, momentum], g, attrs) => {
    const accum = Math.fround((s[1] as number) * (momentum as number) + g);
    s[1] = accum;
    const step = attrs.use_nesterov
      ? g * (lr as number) + accum * (momentum as number) * (lr as number)
      : accum * (lr as number);
    s[0] = (s[0] as number) - step;
  },
});

registerSparse({
  type: "SparseApplyAdagrad",
  opDef: {
    inputs: ["var: Ref(T)", "accum: Ref(T)", "lr: T", "grad: T", "indices: Tindices"],
    outputs: ["out: Ref(T)"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "Tindices: {int32, int64}",
      "use_locking: bool = false",
      "update_slots: bool = true",
    ],
  },
  refs: 2,
  scalarsBefore: 1,
  scalarsAfter: 0,
  update: (s, [lr], g, attrs) => {
    if (attrs.update_slots !== false) s[1] = Math.fround((s[1] as number) + g * g);
    s[0] = (s[0] as number) - ((lr as number) * g) / Math.sqrt(s[1] as number);
  },
});

registerSparse({
  type: "SparseApplyRMSProp",
  opDef: {
    inputs: [
      "var: Ref(T)",
      "ms: Ref(T)",
      "mom: Ref(T)",
      "lr: T",
      "rho: T",
      "momentum: T",
      "epsilon: T",
      "grad: T",
      "indices: Tindices",
    ],
    outputs: ["out: Ref(T)"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "Tindices: {int32, int64}",
      "use_locking: bool = false",
    ],
  },
  refs: 3,
  scalarsBefore: 4,
  scalarsAfter: 0,
  update: (s, [lr, rho, momentum, epsilon], g) => {
    const ms = Math.fround((s[1] as number) + (g * g - (s[1] as number)) * (1 - (rho as number)));
    const mom = Math.fround(
      (s[2] as number) * (momentum as number) +
        ((lr as number) * g) / Math.sqrt(ms + (epsilon as number)),
    );
    s[1] = ms;
    s[2] = mom;
    s[0] = (s[0] as number) - mom;
  },
});

registerSparse({
  type: "SparseApplyCenteredRMSProp",
  opDef: {
    inputs: [
      "var: Ref(T)",
      "mg: Ref(T)",
      "ms: Ref(T)",
      "mom: Ref(T)",
      "lr: T",
      "rho: T",
      "momentum: T",
      "epsilon: T",
      "grad: T",
      "indices: Tindices",
    ],
    outputs: ["out: Ref(T)"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "Tindices: {int32, int64}",
      "use_locking: bool = false",
    ],
  },
  refs: 4,
  scalarsBefore: 4,
  scalarsAfter: 0,
  update: (s, [lr, rho, momentum, epsilon], g) => {
    const oneMinusRho = 1 - (rho as number);
    const ms = Math.fround((s[2] as number) + (g * g - (s[2] as number)) * oneMinusRho);
    const mg = Math.fround((s[1] as number) + (g - (s[1] as number)) * oneMinusRho);
    const denom = ms - mg * mg + (epsilon as number);
    const mom = Math.fround(
      (s[3] as number) * (momentum as number) + ((lr as number) * g) / Math.sqrt(denom),
    );
    s[1] = mg;
    s[2] = ms;
    s[3] = mom;
    s[0] = (s[0] as number) - mom;
  },
});

// As the dense `Apply*` ops: no gradient in TF 1.15.
noGradient(
  false,
  "SparseApplyMomentum",
  "SparseApplyAdagrad",
  "SparseApplyRMSProp",
  "SparseApplyCenteredRMSProp",
);

/**
 * Builds a `SparseApply*` op: `refs` (the variable, then its slots), the scalar
 * hyper-parameters before the gradient, `grad` and `indices`, and the scalars after
 * them, with TF's shape function (`HandleGradAndIndicesInputs`): `indices` is a vector as
 * long as `grad`, whose other dims are the variable's.
 */
export function sparseApplyOp(
  type: string,
  refs: readonly TensorLike[],
  scalarsBefore: readonly TensorLike[],
  grad: TensorLike,
  indices: TensorLike,
  scalarsAfter: readonly TensorLike[],
  attrs: Record<string, boolean>,
): Tensor {
  const spec = SPECS.get(type);
  if (spec === undefined) throw new Error(`No sparse training op registered for type ${type}.`);
  const all = [...refs, ...scalarsBefore, grad, indices, ...scalarsAfter];
  return inOpScope(undefined, type, all, (scope, graph) => {
    const r = refs.map((x) => convertToTensor(x, { asRef: true }));
    const first = r[0] as Tensor;
    const before = scalarsBefore.map((x) => convertToTensor(x, { dtype: first.dtype }));
    const g = convertToTensor(grad, { dtype: first.dtype });
    const i = convertToTensor(indices, { preferredDtype: "int32" });
    checkLeadingInputs(type, [...r, ...before, g, i]);
    const after = scalarsAfter.map((x) => convertToTensor(x, { dtype: first.dtype }));
    const inputs = [...r, ...before, g, i, ...after];
    const si = new ShapeInference(
      opNameOf(scope),
      type,
      inputs.map((t) => t.shape),
    );
    let s = first.shape;
    for (const x of r.slice(1)) s = si.mergeShape(s, x.shape);
    for (const x of [...before, ...after]) si.withRank(x.shape, 0);
    const [n] = si.withRank(i.shape, 1);
    const gDims = si.withRankAtLeast(g.shape, 1);
    if (gDims !== null) {
      si.mergeDim(n ?? null, gDims[0] ?? null);
      s = si.mergeShape(s, new TensorShape([null, ...gDims.slice(1)]));
    }
    return makeOp(graph, type, scope, inputs, [{ dtype: first.dtype, shape: s, isRef: true }], {
      T: first.dtype,
      Tindices: i.dtype,
      use_locking: false,
      ...attrs,
    }).outputs[0] as Tensor;
  });
}
