import * as tfc from "@tensorflow/tfjs-core";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp, type KernelRuntime } from "../registry.js";
import type { OpDefSpec } from "../op_def.js";
import { ShapeInference } from "../shape_utils.js";
import { variableOpOf } from "./variable_ops.js";
import { float32Pass, type Float32Body } from "../tfjs_internals.js";
import { ElementwiseKernels, type Expr, type KernelBuilder } from "../wasm_kernels.js";

const fround = Math.fround;

/*
 * The optimizers' fused update kernels (`training_ops`): each updates a variable and its
 * slots in one step, reading and writing session state directly, as TensorFlow's C++
 * kernels do, instead of a chain of small graph ops.
 */

/** Reads the variables behind the ref inputs at `positions`. */
export function readRefs(
  op: Operation,
  runtime: KernelRuntime,
  positions: readonly number[],
): [Operation[], tfc.Tensor[]] {
  const vars = positions.map((i) => variableOpOf(op.inputs[i] as Tensor));
  return [vars, vars.map((v) => runtime.readVariable(v, op))];
}

/** A non-ref input of an `Apply*` op: a rank-0 hyper-parameter, or the gradient. */
export type ApplyArg = "scalar" | "grad";

interface ApplySpec {
  type: string;
  opDef: OpDefSpec;
  /** How many leading inputs are variables (the var, then its slots). */
  refs: number;
  /**
   * The inputs after the refs, in TF's order: the gradient is not always last
   * (`ApplyMomentum` takes `lr, grad, momentum`), so the shape check needs each role.
   */
  args: readonly ApplyArg[];
  /** Computes the new values of the ref inputs from their values and the other inputs. */
  update: (vars: tfc.Tensor[], args: readonly tfc.Tensor[], op: Operation) => tfc.Tensor[];
  /**
   * `update` as one JS pass over float32 values, for variables of at most `maxElements`
   * (where it measured faster than `update`'s kernel calls on wasm). Its arithmetic is
   * `update`'s, operation for operation, each result rounded to float32 (`Math.fround`,
   * exact for one +, -, ×, ÷ or √ of float32 values), so the new values are bit-identical.
   * Gets the refs' values, then the other inputs (hyper-parameters as one-element arrays).
   */
  small?: { maxElements: number; body: Float32Body };
  /**
   * The name of the compiled kernel (see {@link KERNELS}) computing `update` for this op's
   * attrs: one pass over memory at any size, bit-identical to `update`.
   */
  compiled?: (op: Operation) => string;
}

/**
 * The update kernels as compiled WebAssembly: arrays are the refs' values then the
 * gradient, scalars the hyper-parameters in TF's input order; each is `update`'s
 * arithmetic, operation for operation (measured on wasm for Adam over 3.2M parameters:
 * 2.3 ms against 32 ms for the kernel chain and 80 ms for one JS pass).
 */
const KERNELS = new ElementwiseKernels([
  {
    name: "ApplyGradientDescent",
    arrays: 2,
    scalars: 1,
    body: (k) => {
      const [v, delta] = k.arrays as [Expr, Expr];
      return [k.sub(v, k.mul(k.scalars[0] as Expr, delta))];
    },
  },
  { name: "ApplyMomentum", arrays: 3, scalars: 2, body: (k) => momentumBody(k, false) },
  { name: "ApplyMomentumNesterov", arrays: 3, scalars: 2, body: (k) => momentumBody(k, true) },
  {
    name: "ApplyAdam",
    arrays: 4,
    scalars: 6,
    body: (k) => {
      const [v, m, s, g] = k.arrays as [Expr, Expr, Expr, Expr];
      const [b1p, b2p, lr, b1, b2, eps] = k.scalars as [Expr, Expr, Expr, Expr, Expr, Expr];
      const one = k.constant(1);
      const alpha = k.div(k.mul(lr, k.sqrt(k.sub(one, b2p))), k.sub(one, b1p));
      const m2 = k.add(m, k.mul(k.sub(g, m), k.sub(one, b1)));
      const s2 = k.add(s, k.mul(k.sub(k.mul(g, g), s), k.sub(one, b2)));
      return [k.sub(v, k.div(k.mul(m2, alpha), k.add(k.sqrt(s2), eps))), m2, s2];
    },
  },
  {
    name: "ApplyRMSProp",
    arrays: 4,
    scalars: 4,
    body: (k) => {
      const [v, ms, mom, g] = k.arrays as [Expr, Expr, Expr, Expr];
      const [lr, rho, momentum, eps] = k.scalars as [Expr, Expr, Expr, Expr];
      const ms2 = k.add(ms, k.mul(k.sub(k.mul(g, g), ms), k.sub(k.constant(1), rho)));
      const mom2 = k.add(k.mul(mom, momentum), k.div(k.mul(lr, g), k.sqrt(k.add(ms2, eps))));
      return [k.sub(v, mom2), ms2, mom2];
    },
  },
  {
    name: "ApplyCenteredRMSProp",
    arrays: 5,
    scalars: 4,
    body: (k) => {
      const [v, mg, ms, mom, g] = k.arrays as [Expr, Expr, Expr, Expr, Expr];
      const [lr, rho, momentum, eps] = k.scalars as [Expr, Expr, Expr, Expr];
      const oneMinusRho = k.sub(k.constant(1), rho);
      const ms2 = k.add(ms, k.mul(k.sub(k.mul(g, g), ms), oneMinusRho));
      const mg2 = k.add(mg, k.mul(k.sub(g, mg), oneMinusRho));
      const denom = k.sqrt(k.add(k.sub(ms2, k.mul(mg2, mg2)), eps));
      const mom2 = k.add(k.mul(mom, momentum), k.div(k.mul(lr, g), denom));
      return [k.sub(v, mom2), mg2, ms2, mom2];
    },
  },
  {
    name: "ApplyAdagrad",
    arrays: 3,
    scalars: 1,
    body: (k) => {
      const [v, accum, g] = k.arrays as [Expr, Expr, Expr];
      const a2 = k.add(accum, k.mul(g, g));
      return [k.sub(v, k.div(k.mul(k.scalars[0] as Expr, g), k.sqrt(a2))), a2];
    },
  },
  {
    name: "ApplyAdagradNoSlotUpdate",
    arrays: 3,
    scalars: 1,
    body: (k) => {
      const [v, accum, g] = k.arrays as [Expr, Expr, Expr];
      return [k.sub(v, k.div(k.mul(k.scalars[0] as Expr, g), k.sqrt(accum))), accum];
    },
  },
]);

function momentumBody(k: KernelBuilder, nesterov: boolean): Expr[] {
  const [v, accum, g] = k.arrays as [Expr, Expr, Expr];
  const [lr, momentum] = k.scalars as [Expr, Expr];
  const a = k.add(k.mul(accum, momentum), g);
  const step = nesterov ? k.mul(k.add(g, k.mul(a, momentum)), lr) : k.mul(a, lr);
  return [k.sub(v, step), a];
}

/** Whether the inputs have the sizes `update` expects without broadcasting. */
function elementwise(
  spec: ApplySpec,
  values: readonly tfc.Tensor[],
  inputs: readonly tfc.Tensor[],
): boolean {
  const v = values[0] as tfc.Tensor;
  if (values.some((t) => t.size !== v.size)) return false;
  for (let i = 0; i < spec.args.length; i++) {
    const size = (inputs[i] as tfc.Tensor).size;
    if (size !== (spec.args[i] === "grad" ? v.size : 1)) return false;
  }
  return true;
}

/** `update` by the compiled kernel, or `null` where it cannot run. */
function compiledUpdate(
  spec: ApplySpec,
  values: readonly tfc.Tensor[],
  inputs: readonly tfc.Tensor[],
  op: Operation,
): tfc.Tensor[] | null {
  if (spec.compiled === undefined || !elementwise(spec, values, inputs)) return null;
  const grad = inputs[spec.args.indexOf("grad")] as tfc.Tensor;
  const scalars = inputs.filter((_, i) => spec.args[i] === "scalar");
  return KERNELS.run(spec.compiled(op), [...values, grad], scalars, values.length);
}

/** The `small` path's conditions: float32 everywhere, slots and gradient the variable's size. */
function smallUpdate(
  spec: ApplySpec,
  values: readonly tfc.Tensor[],
  inputs: readonly tfc.Tensor[],
): tfc.Tensor[] | null {
  const small = spec.small;
  const v = values[0] as tfc.Tensor;
  if (small === undefined || v.size > small.maxElements) return null;
  if (!elementwise(spec, values, inputs)) return null;
  return float32Pass([...values, ...inputs], values.length, v.shape, small.body);
}

const APPLY_SPECS = new Map<string, ApplySpec>();

function registerApply(spec: ApplySpec): void {
  APPLY_SPECS.set(spec.type, spec);
  const positions = Array.from({ length: spec.refs }, (_, i) => i);
  registerOp({
    type: spec.type,
    opDef: spec.opDef,
    stateful: true,
    refInputs: positions,
    refOutput: (op) => variableOpOf(op.inputs[0] as Tensor),
    kernel: (inputs, op, runtime) => {
      const [vars, values] = readRefs(op, runtime, positions);
      const updated = computeUpdate(spec, values, inputs, op);
      updated.forEach((u, i) => runtime.writeVariable(vars[i] as Operation, u));
      return [];
    },
  });
}

function computeUpdate(
  spec: ApplySpec,
  values: tfc.Tensor[],
  inputs: readonly tfc.Tensor[],
  op: Operation,
): tfc.Tensor[] {
  return (
    compiledUpdate(spec, values, inputs, op) ??
    smallUpdate(spec, values, inputs) ??
    tfc.tidy(() => spec.update(values, inputs, op))
  );
}

/** The dense `Apply*` op types, whose `ResourceApply*` twins update resource variables. */
export function denseApplyTypes(): string[] {
  return [...APPLY_SPECS.keys()];
}

/**
 * What an `Apply*` op of `type` computes, for its `ResourceApply*` twin (same inputs, the
 * variables taken by handle): its OpDef declaration, how many leading inputs are
 * variables, and the new values of the variables from their values and the other inputs.
 */
export function applyRule(type: string): {
  opDef: OpDefSpec;
  refs: number;
  /** The roles of the inputs after the variables, in TF's order. */
  args: readonly ApplyArg[];
  update: (values: tfc.Tensor[], inputs: readonly tfc.Tensor[], op: Operation) => tfc.Tensor[];
} {
  const spec = APPLY_SPECS.get(type);
  if (spec === undefined) throw new Error(`No training op registered for type ${type}.`);
  return {
    opDef: spec.opDef,
    refs: spec.refs,
    args: spec.args,
    update: (values, inputs, op) => computeUpdate(spec, values, inputs, op),
  };
}

registerApply({
  type: "ApplyGradientDescent",
  opDef: {
    inputs: ["var: Ref(T)", "alpha: T", "delta: T"],
    outputs: ["out: Ref(T)"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "use_locking: bool = false",
    ],
  },
  refs: 1,
  args: ["scalar", "grad"],
  compiled: () => "ApplyGradientDescent",
  update: ([v], [alpha, delta]) => [
    tfc.sub(v as tfc.Tensor, tfc.mul(alpha as tfc.Tensor, delta as tfc.Tensor)),
  ],
  small: {
    maxElements: 2048,
    body: ([v, alpha, delta], [out]) => {
      const x = v as Float32Array;
      const d = delta as Float32Array;
      const o = out as Float32Array;
      const a = (alpha as Float32Array)[0] as number;
      for (let i = 0; i < x.length; i++) o[i] = (x[i] as number) - fround(a * (d[i] as number));
    },
  },
});

registerApply({
  type: "ApplyMomentum",
  opDef: {
    inputs: ["var: Ref(T)", "accum: Ref(T)", "lr: T", "grad: T", "momentum: T"],
    outputs: ["out: Ref(T)"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "use_locking: bool = false",
      "use_nesterov: bool = false",
    ],
  },
  refs: 2,
  args: ["scalar", "grad", "scalar"],
  compiled: (op) => (op.attrs.use_nesterov ? "ApplyMomentumNesterov" : "ApplyMomentum"),
  update: ([v, accum], [lr, grad, momentum], op) => {
    const a = tfc.add(tfc.mul(accum as tfc.Tensor, momentum as tfc.Tensor), grad as tfc.Tensor);
    const step = op.attrs.use_nesterov
      ? tfc.mul(tfc.add(grad as tfc.Tensor, tfc.mul(a, momentum as tfc.Tensor)), lr as tfc.Tensor)
      : tfc.mul(a, lr as tfc.Tensor);
    return [tfc.sub(v as tfc.Tensor, step), a];
  },
});

registerApply({
  type: "ApplyAdam",
  opDef: {
    inputs: [
      "var: Ref(T)",
      "m: Ref(T)",
      "v: Ref(T)",
      "beta1_power: T",
      "beta2_power: T",
      "lr: T",
      "beta1: T",
      "beta2: T",
      "epsilon: T",
      "grad: T",
    ],
    outputs: ["out: Ref(T)"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "use_locking: bool = false",
      "use_nesterov: bool = false",
    ],
  },
  refs: 3,
  args: ["scalar", "scalar", "scalar", "scalar", "scalar", "scalar", "grad"],
  compiled: () => "ApplyAdam",
  update: ([v, m, s], [beta1Power, beta2Power, lr, beta1, beta2, epsilon, grad]) => {
    const g = grad as tfc.Tensor;
    const b1 = beta1 as tfc.Tensor;
    const b2 = beta2 as tfc.Tensor;
    const alpha = tfc.div(
      tfc.mul(lr as tfc.Tensor, tfc.sqrt(tfc.sub(1, beta2Power as tfc.Tensor))),
      tfc.sub(1, beta1Power as tfc.Tensor),
    );
    const m2 = tfc.add(m as tfc.Tensor, tfc.mul(tfc.sub(g, m as tfc.Tensor), tfc.sub(1, b1)));
    const s2 = tfc.add(
      s as tfc.Tensor,
      tfc.mul(tfc.sub(tfc.square(g), s as tfc.Tensor), tfc.sub(1, b2)),
    );
    const v2 = tfc.sub(
      v as tfc.Tensor,
      tfc.div(tfc.mul(m2, alpha), tfc.add(tfc.sqrt(s2), epsilon as tfc.Tensor)),
    );
    return [v2, m2, s2];
  },
  small: {
    maxElements: 8192,
    body: (ins, [outV, outM, outS]) => {
      const [v, m, s, b1p, b2p, lr, beta1, beta2, eps, grad] = ins as Float32Array[] as [
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
        Float32Array,
      ];
      const ov = outV as Float32Array;
      const om = outM as Float32Array;
      const os = outS as Float32Array;
      const first = (a: Float32Array): number => a[0] as number;
      const alpha = fround(
        fround(first(lr) * fround(Math.sqrt(fround(1 - first(b2p))))) / fround(1 - first(b1p)),
      );
      const oneMinusB1 = fround(1 - first(beta1));
      const oneMinusB2 = fround(1 - first(beta2));
      const e = first(eps);
      for (let i = 0; i < v.length; i++) {
        const g = grad[i] as number;
        const mi = m[i] as number;
        const si = s[i] as number;
        const m2 = fround(mi + fround(fround(g - mi) * oneMinusB1));
        const s2 = fround(si + fround(fround(fround(g * g) - si) * oneMinusB2));
        om[i] = m2;
        os[i] = s2;
        ov[i] = (v[i] as number) - fround(fround(m2 * alpha) / fround(fround(Math.sqrt(s2)) + e));
      }
    },
  },
});

registerApply({
  type: "ApplyRMSProp",
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
    ],
    outputs: ["out: Ref(T)"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "use_locking: bool = false",
    ],
  },
  refs: 3,
  args: ["scalar", "scalar", "scalar", "scalar", "grad"],
  compiled: () => "ApplyRMSProp",
  update: ([v, ms, mom], [lr, rho, momentum, epsilon, grad]) => {
    const g = grad as tfc.Tensor;
    const ms2 = tfc.add(
      ms as tfc.Tensor,
      tfc.mul(tfc.sub(tfc.square(g), ms as tfc.Tensor), tfc.sub(1, rho as tfc.Tensor)),
    );
    const mom2 = tfc.add(
      tfc.mul(mom as tfc.Tensor, momentum as tfc.Tensor),
      tfc.div(tfc.mul(lr as tfc.Tensor, g), tfc.sqrt(tfc.add(ms2, epsilon as tfc.Tensor))),
    );
    return [tfc.sub(v as tfc.Tensor, mom2), ms2, mom2];
  },
});

registerApply({
  type: "ApplyCenteredRMSProp",
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
    ],
    outputs: ["out: Ref(T)"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "use_locking: bool = false",
    ],
  },
  refs: 4,
  args: ["scalar", "scalar", "scalar", "scalar", "grad"],
  compiled: () => "ApplyCenteredRMSProp",
  update: ([v, mg, ms, mom], [lr, rho, momentum, epsilon, grad]) => {
    const g = grad as tfc.Tensor;
    const oneMinusRho = tfc.sub(1, rho as tfc.Tensor);
    const ms2 = tfc.add(
      ms as tfc.Tensor,
      tfc.mul(tfc.sub(tfc.square(g), ms as tfc.Tensor), oneMinusRho),
    );
    const mg2 = tfc.add(mg as tfc.Tensor, tfc.mul(tfc.sub(g, mg as tfc.Tensor), oneMinusRho));
    const denom = tfc.sqrt(tfc.add(tfc.sub(ms2, tfc.square(mg2)), epsilon as tfc.Tensor));
    const mom2 = tfc.add(
      tfc.mul(mom as tfc.Tensor, momentum as tfc.Tensor),
      tfc.div(tfc.mul(lr as tfc.Tensor, g), denom),
    );
    return [tfc.sub(v as tfc.Tensor, mom2), mg2, ms2, mom2];
  },
});

registerApply({
  type: "ApplyAdagrad",
  opDef: {
    inputs: ["var: Ref(T)", "accum: Ref(T)", "lr: T", "grad: T"],
    outputs: ["out: Ref(T)"],
    attrs: [
      "T: {float, double, int32, uint8, int16, int8, complex64, int64, qint8, quint8, qint32, bfloat16, uint16, complex128, half, uint32, uint64}",
      "use_locking: bool = false",
      "update_slots: bool = true",
    ],
  },
  refs: 2,
  args: ["scalar", "grad"],
  compiled: (op) => (op.attrs.update_slots === false ? "ApplyAdagradNoSlotUpdate" : "ApplyAdagrad"),
  update: ([v, accum], [lr, grad], op) => {
    const g = grad as tfc.Tensor;
    // update_slots=false (TF's default is true) divides by the accumulator as it stands.
    const a2 =
      op.attrs.update_slots === false
        ? tfc.clone(accum as tfc.Tensor)
        : tfc.add(accum as tfc.Tensor, tfc.square(g));
    return [tfc.sub(v as tfc.Tensor, tfc.div(tfc.mul(lr as tfc.Tensor, g), tfc.sqrt(a2))), a2];
  },
});

/**
 * Builds one of the `Apply*` ops: `refs` are the variable and its slots (taken by
 * reference), `args` the hyper-parameters and the gradient in TF's input order. The output
 * is the updated variable. Shapes are checked as TF's shape functions do: slots and the
 * gradient merge with the variable's shape, hyper-parameters must be scalars.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [], { initializer: tf.onesInitializer() });
 * const update = applyOp("ApplyGradientDescent", [w], [0.1, 2], {}, "ApplyGradientDescent");
 * using sess = new tf.Session();
 * sess.run(w.initializer);
 * sess.run(update.op);
 * sess.run(w); // ==> 0.8
 * ```
 */
export function applyOp(
  type: string,
  refs: readonly TensorLike[],
  args: readonly TensorLike[],
  attrs: Record<string, unknown>,
  name?: string,
): Tensor {
  const spec = APPLY_SPECS.get(type);
  if (spec === undefined) throw new Error(`No training op registered for type ${type}.`);
  if (refs.length !== spec.refs || args.length !== spec.args.length) {
    throw new Error(
      `${type} takes ${spec.refs} variable inputs and ${spec.args.length} other inputs, got ${refs.length} and ${args.length}.`,
    );
  }
  return inOpScope(name, type, [...refs, ...args], (scope, graph) => {
    const refTensors = refs.map((r) => convertToTensor(r, { asRef: true }));
    const first = refTensors[0] as Tensor;
    const argTensors = args.map((a) => convertToTensor(a, { dtype: first.dtype }));
    const inputs = [...refTensors, ...argTensors];
    const c = new ShapeInference(
      opNameOf(scope),
      type,
      inputs.map((t) => t.shape),
    );
    let s = first.shape;
    for (const r of refTensors.slice(1)) s = c.mergeShape(s, r.shape);
    argTensors.forEach((t, i) => {
      if (spec.args[i] === "scalar") c.withRank(t.shape, 0);
      else s = c.mergeShape(s, t.shape);
    });
    return makeOp(graph, type, scope, inputs, [{ dtype: first.dtype, shape: s, isRef: true }], {
      T: first.dtype,
      use_locking: false,
      ...attrs,
    }).outputs[0] as Tensor;
  });
}
