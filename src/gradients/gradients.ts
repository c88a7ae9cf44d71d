import { ValueError } from "../errors.js";
import { isFloating } from "../graph/dtypes.js";
import { withDefaultGraph, type Graph } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import { isTensorConvertible, Tensor, type TensorLike } from "../graph/tensor.js";
import { graphFromValues, withNameScope } from "../scope/name_scope.js";
import { zerosLike } from "../ops/array/like.js";
import { constant } from "../ops/array/constant.js";
import { fill, zeros } from "../ops/array/fill.js";
import { shape } from "../ops/array/shape.js";
import { markOrderOnlyGate } from "../ops/control/group.js";
import { gatedTuple } from "../ops/control/tuple.js";
import { convertToTensor } from "../ops/convert.js";
import { addN } from "../ops/math/add_n.js";
import { cast } from "../ops/array/cast.js";
import { concat } from "../ops/array/concat.js";
import { sliceHelper } from "../ops/array/strided_slice.js";
import { range } from "../ops/math/range.js";
import { denseOf, IndexedSlices } from "../ops/indexed_slices.js";
import { identity } from "../ops/math/unary.js";
import { gradientEntryOf, type GradientFunction } from "../ops/registry.js";
import { outputContext, whileContextOf, type ControlFlowContext } from "../graph/control_flow.js";
import { WhileContext } from "../ops/control/while_v1.js";
import { handleDType, variableShape, varHandleOpOf } from "../ops/state/resource_variable_ops.js";
import {
  booleanKind,
  intKind,
  kind,
  oneOfKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
  type ArgsOf,
  type OptionsOf,
} from "../graph/call_args.js";

/** Tensors, given as one or as a list (TF's `_AsList`); `null` entries only in `gradYs`. */
const tensorsKind = kind<TensorLike | readonly (TensorLike | null)[]>(
  "a Tensor or a list of Tensors",
  tensorKind.check,
);

/**
 * TF 1.15's `gradients(ys, xs, grad_ys=None, name="gradients",
 * colocate_gradients_with_ops=False, gate_gradients=False, aggregation_method=None,
 * stop_gradients=None, unconnected_gradients=UnconnectedGradients.NONE)`.
 */
const GRADIENTS_PARAMS = [
  req("ys", tensorsKind),
  req("xs", tensorsKind),
  opt("gradYs", tensorsKind),
  opt("name", stringKind),
  opt("colocateGradientsWithOps", booleanKind),
  opt("gateGradients", booleanKind),
  opt("aggregationMethod", intKind),
  opt("stopGradients", tensorsKind),
  opt("unconnectedGradients", oneOfKind("none", "zero")),
] as const;

/** The options object of {@link gradients}. */
export type GradientsOptions = OptionsOf<typeof GRADIENTS_PARAMS>;

/** `tf.AggregationMethod`: `ADD_N` (= `DEFAULT`) and TF's two experimental methods. */
const ADD_N = 0;
const EXPERIMENTAL_METHODS = [1, 2];

/** A gradient: dense, or the rows of one (`IndexedSlices`, from `tf.gather`'s params). */
export type Gradient = Tensor | IndexedSlices;

/** Gradients received so far on each output of each op. */
type GradTable = Map<Operation, (Gradient | Gradient[] | null)[]>;

/**
 * Op types whose gradient function takes an `IndexedSlices` as it is (TF's `_IdGrad`
 * returns it); any other gradient function gets the dense form, as TensorFlow's
 * conversion gives it where the function uses the gradient in an op.
 */
const SPARSE_PASS_THROUGH = new Set(["Identity"]);

/**
 * A `tf.whileLoop` seen from outside: one node of the backward traversal, from the tensors
 * entering it (loop variables, then outer tensors its body reads) to its exits. Its
 * gradient is a gradient loop (`control_flow_v1_grad.ts`).
 */
class LoopNode {
  readonly inputs: Tensor[];
  readonly exits: Operation[];
  /** The body's `Enter`s of outer tensors (loop invariants), in the order of `inputs`. */
  readonly captured: Tensor[];
  constructor(readonly ctx: WhileContext) {
    this.captured = [...ctx.external.values()].filter(
      (t) => t.op.type === "Enter" && t.op.controlFlowContext === ctx,
    );
    this.inputs = [...ctx.enters, ...this.captured].map((e) => e.op.inputs[0] as Tensor);
    this.exits = ctx.exits.map((e) => e.op);
  }
}

/** An op, or a whole loop nested in the context the gradient is taken in. */
type GradNode = Operation | LoopNode;

/**
 * Builds the gradient of a loop (`LoopNode`): the gradients of the tensors entering it,
 * given those of its exits (registered by `control_flow_v1_grad.ts`).
 */
export type LoopGradientFunction = (
  ctx: WhileContext,
  exitGrads: (Tensor | null)[],
  captured: readonly Tensor[],
) => (Tensor | null)[];

let loopGradient: LoopGradientFunction | null = null;

/** Installs the gradient of loops (once, by `control_flow_v1_grad.ts`). */
export function registerLoopGradient(fn: LoopGradientFunction): void {
  loopGradient = fn;
}

/** Maps ops to the nodes of the traversal: ops of loops nested in `base` become their loop. */
function nodeMapper(base: ControlFlowContext | null): (op: Operation) => GradNode {
  const nodes = new Map<WhileContext, LoopNode>();
  return (op) => {
    const w = whileContextOf(op.controlFlowContext);
    if (w === null || w === base || !(w instanceof WhileContext)) return op;
    let loop: ControlFlowContext = w;
    for (;;) {
      const up = whileContextOf(loop.outer);
      if (up === base) break;
      if (up === null) return op;
      loop = up;
    }
    if (!(loop instanceof WhileContext)) return op;
    let node = nodes.get(loop);
    if (node === undefined) {
      node = new LoopNode(loop);
      nodes.set(loop, node);
    }
    return node;
  };
}

function inputsOf(node: GradNode): readonly Tensor[] {
  return node instanceof LoopNode ? node.inputs : node.inputs;
}

/**
 * The inputs the backward traversal follows: all but a loop's back edges (a `Merge`'s
 * `NextIteration` input), so that differentiating a loop body stops at its start.
 */
function followedInputs(node: GradNode): readonly Tensor[] {
  if (node instanceof LoopNode || (node.type !== "Merge" && node.type !== "RefMerge")) {
    return inputsOf(node);
  }
  return node.inputs.filter(
    (t) => t.op.type !== "NextIteration" && t.op.type !== "RefNextIteration",
  );
}

function outputsOf(node: GradNode): readonly Tensor[] {
  return node instanceof LoopNode ? node.exits.map((e) => e.outputs[0] as Tensor) : node.outputs;
}

/**
 * Adds the backward pass to the graph (`tf.gradients`): for each `x`, the symbolic
 * derivative of `sum(ys)` with respect to it, built from each op type's registered gradient
 * function as ordinary ops named as TensorFlow names them (`gradients/MatMul_grad/MatMul_1`).
 * A tensor used in several places gets the sum of its gradients (`gradients/AddN`). `null`
 * where `x` does not affect `ys`. The gradient of a `tf.gather` (or `tf.nn.embeddingLookup`)
 * params tensor is an {@link IndexedSlices} (several of them are concatenated, as TF's
 * `_AggregateIndexedSlicesGradients`; a sum with a dense gradient is dense), which passes
 * through `Identity` ops (a variable's `read`) and is made dense anywhere else. With
 * `colocateGradientsWithOps`, each op's gradient ops record that op's device
 * (`tf.device`); every op still runs on the tfjs backend.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(3) });
 * const loss = tf.square(w);
 * const [dw] = tf.gradients(loss, [w]);
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * sess.run(dw); // ==> 6.0
 * ```
 */
export const gradients = tfFunction("gradients", GRADIENTS_PARAMS, (a) => gradientsImpl(a));

/**
 * The gradient of a loop body inside its gradient loop (TF's `_GradientsHelper` reaching
 * the body from the loop's `Switch`es): `grads` flow from `ys` to `xs` (where the traversal
 * stops) in the current name scope, without `tf.gradients`' own scope or `grad_ys` identities.
 */
export function bodyGradients(
  ys: readonly Tensor[],
  xs: readonly Tensor[],
  grads: readonly Tensor[],
): (Gradient | null)[] {
  const graph = (ys[0] as Tensor).graph;
  return buildGradients(graph, [...ys], [...xs], [...grads], {
    stopGradients: xs,
    gateGradients: false,
    unconnectedGradients: "none",
    colocateGradientsWithOps: false,
    gradYsIdentities: false,
  });
}

/** What {@link buildGradients} needs of the parsed arguments. */
interface BuildOptions {
  stopGradients: readonly TensorLike[];
  gateGradients: boolean;
  unconnectedGradients: "none" | "zero";
  colocateGradientsWithOps: boolean;
  /** Whether given `grad_ys` get their `grad_ys_i` identity (not inside a gradient loop). */
  gradYsIdentities?: boolean;
}

function asList<T>(value: T | readonly T[]): T[] {
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

function gradientsImpl(a: ArgsOf<typeof GRADIENTS_PARAMS>): (Gradient | null)[] {
  const method = a.aggregationMethod ?? ADD_N;
  if (EXPERIMENTAL_METHODS.includes(method)) {
    throw new ValueError(
      `gradients(): aggregation_method=${method} (an experimental tf.AggregationMethod) is not supported by scopeflow; use ADD_N (0, the default).`,
    );
  }
  if (method !== ADD_N) throw new ValueError(`Invalid aggregation_method specified ${method}.`);
  const ysList = asList(a.ys) as TensorLike[];
  const xsList = asList(a.xs) as TensorLike[];
  const gradYsList = a.gradYs === undefined ? ysList.map(() => null) : asList(a.gradYs);
  if (gradYsList.length !== ysList.length) {
    throw new ValueError(`Passed ${gradYsList.length} grad_ys for ${ysList.length} ys`);
  }
  const options: BuildOptions = {
    stopGradients: a.stopGradients === undefined ? [] : (asList(a.stopGradients) as TensorLike[]),
    gateGradients: a.gateGradients ?? false,
    unconnectedGradients: a.unconnectedGradients ?? "none",
    colocateGradientsWithOps: a.colocateGradientsWithOps ?? false,
  };
  const graph = graphFromValues([...ysList, ...xsList]);
  return withDefaultGraph(graph, () =>
    graph.atomically(() =>
      withNameScope(graph, a.name ?? "gradients", () =>
        buildGradients(graph, ysList, xsList, gradYsList, options),
      ),
    ),
  );
}

function buildGradients(
  graph: Graph,
  ysIn: TensorLike[],
  xsIn: TensorLike[],
  gradYsIn: (TensorLike | null)[],
  options: BuildOptions,
): (Gradient | null)[] {
  const ys = ysIn.map((y) => convertToTensor(y, { name: "y" }));
  const xs = xsIn.map((x) => convertToTensor(x, { name: "x", asRef: true }));
  const stopOpsGiven = options.stopGradients.map((t) => convertToTensor(t).op);
  // `_maybe_colocate_with`: with `colocateGradientsWithOps`, the ops computing an op's
  // gradient are colocated with it (its `_class` groups, its device and no other).
  const colocated = <T>(op: Operation, body: () => T): T =>
    options.colocateGradientsWithOps ? graph.colocateWith(op, body) : body();
  const gradYs = ys.map((y, i) =>
    colocated(y.op, () =>
      defaultGradY(y, gradYsIn[i] ?? null, i, options.gradYsIdentities !== false),
    ),
  );

  const base = ys.length > 0 ? whileContextOf(outputContext((ys[0] as Tensor).op)) : null;
  const nodeOf = nodeMapper(base);
  const fromNodes = xs.map((x) => nodeOf(x.op));
  const { betweenOps, pending } = pendingCounts(
    ys.map((y) => nodeOf(y.op)),
    fromNodes,
    nodeOf,
  );
  const grads: GradTable = new Map();
  ys.forEach((y, i) => setGrad(grads, y, gradYs[i] as Tensor));

  const queue: GradNode[] = [];
  const queued = new Set<GradNode>();
  for (const y of ys) {
    const n = nodeOf(y.op);
    if ((pending.get(n) ?? 0) === 0 && betweenOps.has(n) && !queued.has(n)) {
      queued.add(n);
      queue.push(n);
    }
  }
  const stopOps = new Set<GradNode>(stopOpsGiven);
  for (const n of fromNodes) {
    if (inputsOf(n).every((t) => (pending.get(nodeOf(t.op)) ?? 0) <= 0)) stopOps.add(n);
  }

  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as GradNode;
    let inGrads: (Gradient | null)[];
    if (node instanceof LoopNode) {
      const exitGrads = node.exits.map((e) => {
        const g = aggregatedGrads(grads, e)[0] ?? null;
        return g instanceof IndexedSlices ? denseOf(g) : g;
      });
      if (stopOps.has(node) || exitGrads.every((g) => g === null) || loopGradient === null) {
        inGrads = node.inputs.map(() => null);
      } else {
        inGrads = loopGradient(node.ctx, exitGrads, node.captured);
      }
    } else {
      inGrads = opGradients(graph, node, grads, stopOps, options, colocated);
    }
    inputsOf(node).forEach((input, i) => {
      const g = inGrads[i] ?? null;
      if (g === null) return;
      // As TensorFlow, only a dense gradient's shape is checked against the input's, and
      // not a resource handle's (a scalar standing for the variable's value).
      if (g instanceof IndexedSlices || input.dtype === "resource") {
        setGrad(grads, input, g);
        return;
      }
      if (!g.shape.isCompatibleWith(input.shape)) {
        const name = node instanceof LoopNode ? (node.exits[0]?.name ?? "") : node.name;
        throw new ValueError(
          `Incompatible shapes between op input and calculated input gradient.  Forward operation: ${name}.  Input index: ${i}. Original input shape: ${input.shape.toString()}.  Calculated input gradient shape: ${g.shape.toString()}`,
        );
      }
      g.setShape(input.shape);
      setGrad(grads, input, g);
    });
    for (const input of followedInputs(node)) {
      const n = nodeOf(input.op);
      const count = (pending.get(n) ?? 0) - 1;
      pending.set(n, count);
      if (count === 0 && !queued.has(n)) {
        queued.add(n);
        queue.push(n);
      }
    }
  }
  return xs.map((x) => {
    const g = grads.get(x.op)?.[x.valueIndex] ?? null;
    if (g === null) return options.unconnectedGradients === "zero" ? zerosLike(x) : null;
    if (Array.isArray(g)) return aggregate(g);
    return g;
  });
}

/** The gradients of `op`'s inputs, from its registered gradient function. */
function opGradients(
  graph: Graph,
  op: Operation,
  grads: GradTable,
  stopOps: ReadonlySet<GradNode>,
  options: BuildOptions,
  colocated: <T>(op: Operation, body: () => T) => T,
): (Gradient | null)[] {
  const outGrads = colocated(op, () => aggregatedGrads(grads, op));
  const hasOutGrads = outGrads.some((g) => g !== null);
  let gradFn: GradientFunction | null = null;
  if (hasOutGrads && !stopOps.has(op)) {
    const entry = gradientEntryOf(op);
    if (entry === undefined || entry.kind === "none") {
      const lacking =
        entry?.implementedByTensorFlow === true
          ? " (TensorFlow 1.15 defines this gradient; scopeflow does not implement it)"
          : "";
      throw new Error(
        `No gradient defined for operation '${op.name}' (op type: ${op.type})${lacking}`,
      );
    }
    gradFn = entry.kind === "function" ? entry.fn : null;
  }
  if (gradFn === null || !hasOutGrads) return op.inputs.map(() => null);
  const fn = gradFn;
  return colocated(op, () => {
    for (let i = 0; i < outGrads.length; i++) {
      if (outGrads[i] === null && hasDefaultGradient(op.outputs[i] as Tensor)) {
        outGrads[i] = zerosForOutput(op, i);
      }
    }
    return withNameScope(graph, `${op.name}_grad`, () => {
      const passSparse = SPARSE_PASS_THROUGH.has(op.type);
      const given = outGrads.map((g) =>
        g instanceof IndexedSlices && !passSparse ? denseOf(g) : g,
      );
      let result = fn(op, given as (Tensor | null)[]);
      if (result.length !== op.inputs.length) {
        throw new ValueError(
          `Num gradients ${result.length} generated for op ${op.name} do not match num inputs ${op.inputs.length}`,
        );
      }
      if (options.gateGradients && result.filter((g) => g !== null).length > 1)
        result = gateTuple(result, op);
      return result;
    });
  });
}

/**
 * The zero gradient of an output nothing differentiates (`ZerosLikeOutsideLoop` and
 * `ZerosLike` of the loop state): for a branch's `Switch`, zeros alive exactly when the
 * branch is not taken (a `Switch` of its input), so that the gradient `Merge` sees one live
 * input (registered by `control_flow_v1_grad.ts`).
 */
let switchZeros: ((op: Operation, index: number) => Tensor | null) | null = null;

/** Installs the zeros of a branch's untaken side (once, by `control_flow_v1_grad.ts`). */
export function registerSwitchZeros(fn: (op: Operation, index: number) => Tensor | null): void {
  switchZeros = fn;
}

function zerosForOutput(op: Operation, index: number): Tensor {
  if (op.type === "Switch" && switchZeros !== null) {
    const z = switchZeros(op, index);
    if (z !== null) return z;
  }
  const out = op.outputs[index] as Tensor;
  // A variable's handle stands for its value: zeros of the variable's shape and dtype.
  if (out.dtype === "resource") {
    return zeros(variableShape(out), { dtype: handleDType(out) ?? "float32" });
  }
  return zerosLike(out, { optimize: false });
}

/**
 * Whether an output with no gradient gets zeros (TF's `supports_default_grad`): a float
 * tensor, or a resource variable's handle (whose variable's dtype and shape are known).
 */
function hasDefaultGradient(t: Tensor): boolean {
  return isFloating(t.dtype) || (t.dtype === "resource" && varHandleOpOf(t) !== null);
}

/**
 * `grad_ys` defaults to ones shaped like `y`, built as TF 1.15 builds it:
 * `fill(shape(y), constant(1, name="grad_ys_0"))` — `gradients/Shape` (a `Const` when the
 * shape is known), `gradients/grad_ys_0`, `gradients/Fill`.
 */
function defaultGradY(y: Tensor, given: TensorLike | null, i: number, wrap: boolean): Tensor {
  if (given !== null) {
    const g = convertToTensor(given, { name: `grad_ys_${i}`, dtype: y.dtype });
    if (!g.shape.isCompatibleWith(y.shape)) {
      throw new ValueError(
        `Incompatible shapes between grad_ys and ys: ${g.shape.toString()} and ${y.shape.toString()}`,
      );
    }
    // A given tensor gets an `Identity` in the gradients' name scope, as in TF: the
    // TensorArray gradients find their `tf.gradients` call from the names of the grads.
    const madeHere = !(given instanceof Tensor) && !isTensorConvertible(given);
    return madeHere || !wrap ? g : identity(g, { name: `grad_ys_${i}` });
  }
  if (!isFloating(y.dtype)) {
    throw new TypeError(`Gradients of complex tensors must set grad_ys (y.dtype = ${y.dtype})`);
  }
  const dims = shape(y);
  return fill(dims, constant(1, { dtype: y.dtype, name: `grad_ys_${i}` }));
}

/**
 * The nodes between `fromNodes` and `toNodes` (reachable forward from the xs through float
 * tensors and backward from the ys), and how many of their consumers are among them.
 */
function pendingCounts(
  toNodes: GradNode[],
  fromNodes: GradNode[],
  nodeOf: (op: Operation) => GradNode,
): { betweenOps: Set<GradNode>; pending: Map<GradNode, number> } {
  const reached = new Set<GradNode>();
  const stack = [...fromNodes];
  while (stack.length > 0) {
    const node = stack.pop() as GradNode;
    if (reached.has(node)) continue;
    reached.add(node);
    for (const out of outputsOf(node)) {
      // TF backpropagates into resource handles too: a resource variable's gradient is
      // its handle's, where the gradients of its reads meet. Only a variable's handle is
      // followed here, from its `VarHandleOp` or passed into a loop (TensorArray handles
      // carry no gradient of their own).
      if (!isFloating(out.dtype) && !(out.dtype === "resource" && varHandleOpOf(out) !== null))
        continue;
      for (const consumer of out.consumers) stack.push(nodeOf(consumer));
    }
  }
  const betweenOps = new Set<GradNode>();
  const betweenList: GradNode[] = [];
  const queue = [...toNodes];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as GradNode;
    if (!reached.has(node)) continue;
    reached.delete(node);
    betweenOps.add(node);
    betweenList.push(node);
    for (const input of followedInputs(node)) queue.push(nodeOf(input.op));
  }
  const pending = new Map<GradNode, number>();
  for (const node of betweenList) {
    for (const input of followedInputs(node)) {
      const n = nodeOf(input.op);
      if (betweenOps.has(n)) pending.set(n, (pending.get(n) ?? 0) + 1);
    }
  }
  return { betweenOps, pending };
}

function setGrad(grads: GradTable, t: Tensor, grad: Gradient): void {
  let list = grads.get(t.op);
  if (list === undefined) {
    list = t.op.outputs.map(() => null);
    grads.set(t.op, list);
  }
  const current = list[t.valueIndex] ?? null;
  if (current === null) list[t.valueIndex] = [grad];
  else if (Array.isArray(current)) current.push(grad);
  else list[t.valueIndex] = [current, grad];
}

/** Sums each output's gradients (`gradients/AddN`) and turns "none received" into null. */
function aggregatedGrads(grads: GradTable, op: Operation): (Gradient | null)[] {
  const list = grads.get(op);
  if (list === undefined) return op.outputs.map(() => null);
  for (let i = 0; i < list.length; i++) {
    const g = list[i] ?? null;
    // Stored back so that an x's gradient is summed once, however often it is read.
    if (Array.isArray(g)) list[i] = aggregate(g);
  }
  return list as (Gradient | null)[];
}

/**
 * `_MultiDeviceAddN`: the gradients on each device summed by an `AddN` colocated with the
 * first of them (replacing any colocation around), then those sums added.
 */
function multiDeviceAddN(list: Tensor[]): Tensor {
  const byDevice = new Map<string, Tensor[]>();
  for (const t of list) {
    const same = byDevice.get(t.op.device);
    if (same === undefined) byDevice.set(t.op.device, [t]);
    else same.push(t);
  }
  const devices = [...byDevice.keys()].sort();
  const summands = devices.map((d) => {
    const tensors = byDevice.get(d) as Tensor[];
    const first = tensors[0] as Tensor;
    return first.graph.colocateWith(first.op, () => addN(tensors), true);
  });
  return summands.length === 1 ? (summands[0] as Tensor) : addN(summands);
}

/**
 * `_AggregatedGrads`: dense gradients are summed by one `AddN`; if any is an
 * `IndexedSlices`, all are concatenated into one `IndexedSlices`
 * (`_AggregateIndexedSlicesGradients`) — a dense one first becomes slices of all its rows
 * (`_as_indexed_slices`), so that a tied embedding's update stays a sparse one, as in TF —
 * int32 indices cast to int64 when both kinds occur.
 */
function aggregate(list: Gradient[]): Gradient | null {
  if (list.length === 0) return null;
  if (list.length === 1) return list[0] as Gradient;
  if (list.every((g) => g instanceof Tensor)) return multiDeviceAddN(list as Tensor[]);
  let slices = list.map((g) => (g instanceof Tensor ? asIndexedSlices(g) : g));
  const int32 = slices.filter((x) => x.indices.dtype === "int32").length;
  if (int32 > 0 && int32 < slices.length) {
    slices = slices.map((x) =>
      x.indices.dtype === "int32"
        ? new IndexedSlices(x.values, cast(x.indices, "int64"), x.denseShape)
        : x,
    );
  }
  return new IndexedSlices(
    concat(
      slices.map((x) => x.values),
      0,
    ),
    concat(
      slices.map((x) => x.indices),
      0,
    ),
    (slices[0] as IndexedSlices).denseShape,
  );
}

/**
 * `math_ops._as_indexed_slices`: a dense tensor as slices of all its rows (`Shape`, its
 * first entry as `strided_slice`, a `range` of row indices).
 */
function asIndexedSlices(x: Tensor): IndexedSlices {
  const xShape = shape(x);
  return new IndexedSlices(x, range(0, sliceHelper(xShape, [0])), xShape);
}

/**
 * `tf.tuple`: each gradient waits until all of the op's input gradients are computed,
 * as optimizers' `GATE_OP` asks (`.../tuple/control_dependency_1`).
 */
function gateTuple(inGrads: (Gradient | null)[], forward: Operation): (Gradient | null)[] {
  const graph = graphOf(inGrads);
  return withNameScope(graph, "tuple", () =>
    gatedTuple(graph, inGrads, [], (gate) => {
      // The gate only orders computations whose inputs are immutable snapshots, unless the
      // forward op read a variable's storage directly (a ref input, read when it runs).
      if (!forward.inputs.some((t) => t.isRef)) markOrderOnlyGate(gate);
    }),
  ) as (Gradient | null)[];
}

function graphOf(ts: (Gradient | null)[]): Graph {
  const t = ts.find((x): x is Gradient => x !== null);
  if (t === undefined) throw new ValueError("Must have at least one Tensor");
  return t.graph;
}
