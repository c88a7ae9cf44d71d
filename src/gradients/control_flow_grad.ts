import { UnimplementedError } from "../errors.js";
import type { ControlFlowContext } from "../graph/control_flow.js";
import { isFloating } from "../graph/dtypes.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { zerosLike } from "../ops/array/like.js";
import { loopSpecOf, scanLoop } from "../ops/control/while_loop.js";
import { reshape } from "../ops/array/reshape.js";
import { addN } from "../ops/math/add_n.js";
import { add } from "../ops/math/binary.js";
import { matmul } from "../ops/math/matmul.js";
import { noGradient, notDifferentiable, registerGradient } from "../ops/registry.js";
import { biasAddGrad } from "../ops/nn/bias_add.js";
import { gradients } from "./gradients.js";

/**
 * The gradient of a loop: a loop that runs the body's gradient from the last iteration
 * to the first. It carries the gradients of the loop variables (starting from those of
 * the final values) and a running sum for each outer tensor the body reads (weights
 * shared by every iteration get the sum of their per-iteration gradients); it reads the
 * gradient of each stacked output at its time index and stacks the gradient of each
 * sliced input. The body's gradient ops read the forward body's values at the same
 * iteration, which the forward loop keeps for it.
 */
function whileGrad(op: Operation, grads: (Tensor | null)[]): (Tensor | null)[] {
  const spec = loopSpecOf(op);
  if (spec.forward !== null) {
    throw new UnimplementedError(
      `Second-order gradients through a while loop are not supported (op ${op.name}).`,
    );
  }
  const nc = spec.carriedIn.length;
  const nsl = spec.slicedIn.length;
  const floatIndices = (ts: readonly Tensor[]): number[] =>
    ts.flatMap((t, i) => (isFloating(t.dtype) ? [i] : []));
  const carried = floatIndices(spec.carriedIn);
  const stacked = floatIndices(spec.stackedOut);
  const sliced = floatIndices(spec.slicedIn);
  const captureStart = nc + nsl + (spec.hasBound ? 1 : 0);
  const captureSources = op.inputs.slice(captureStart);
  const captures = floatIndices(captureSources);

  const outputGrad = (index: number): Tensor =>
    grads[index] ?? zerosLike(op.outputs[index] as Tensor);
  const graph = op.graph;
  // The body's gradient ops are named as in TensorFlow, from the gradients' root scope:
  // `gradients/rnn/while/basic_lstm_cell/MatMul_grad/MatMul`.
  const stack = graph.nameStack;
  const suffix = `/${op.name}_grad`;
  const root = stack.endsWith(suffix) ? stack.slice(0, -suffix.length) : stack;

  let stackedFor: number[] = [];
  // Per capture: the hoisted terms of its gradient (summed after the loop), or null.
  let hoisted: (Term[] | null)[] = [];
  const extraStacked: Tensor[] = [];
  const loop = scanLoop({
    name: "while",
    carried: [
      ...carried.map((i) => outputGrad(i)),
      ...captures.map((k) => zerosLike(captureSources[k] as Tensor)),
    ],
    sliced: stacked.map((j) => outputGrad(nc + j)),
    forward: op,
    body: ({ carried: args, sliced: stackedGrads }) => {
      const carriedGrads = args.slice(0, carried.length);
      const sums = args.slice(carried.length);
      const xs = [
        ...carried.map((i) => spec.carriedIn[i] as Tensor),
        ...captures.map((k) => spec.captureEntries[k] as Tensor),
        ...sliced.map((s) => spec.slicedIn[s] as Tensor),
      ];
      const gs = gradients(
        [
          ...carried.map((i) => spec.carriedOut[i] as Tensor),
          ...stacked.map((j) => spec.stackedOut[j] as Tensor),
        ],
        xs,
        [...carriedGrads, ...stackedGrads],
        { name: root === "" ? "" : `${root}/` },
      );
      const nextCarried = carried.map((_, a) => gs[a] ?? zerosLike(carriedGrads[a] as Tensor));
      const ctx = (carriedGrads[0] ?? stackedGrads[0])?.op.controlFlowContext ?? null;
      hoisted = captures.map((_, b) => {
        const g = gs[carried.length + b] ?? null;
        return g === null || ctx === null ? null : hoistableTerms(g, ctx);
      });
      const nextSums = captures.map((_, b) => {
        const g = gs[carried.length + b] ?? null;
        if (g === null || hoisted[b] !== null) return sums[b] as Tensor;
        return add(sums[b] as Tensor, g);
      });
      const slicedGrads = gs.slice(carried.length + captures.length);
      stackedFor = sliced.filter((_, c) => slicedGrads[c] !== null);
      for (const terms of hoisted) {
        for (const t of terms ?? []) {
          for (const v of t.kind === "matmul" ? [t.a, t.b] : [t.x]) {
            if (!extraStacked.includes(v)) extraStacked.push(v);
          }
        }
      }
      return {
        carried: [...nextCarried, ...nextSums],
        stacked: [...slicedGrads.filter((g): g is Tensor => g !== null), ...extraStacked],
      };
    },
  });

  const result: (Tensor | null)[] = op.inputs.map(() => null);
  carried.forEach((i, a) => {
    result[i] = loop.carried[a] as Tensor;
  });
  const stackedOf = (v: Tensor): Tensor =>
    loop.stacked[stackedFor.length + extraStacked.indexOf(v)] as Tensor;
  captures.forEach((k, b) => {
    const terms = hoisted[b] ?? null;
    if (terms === null) {
      result[captureStart + k] = loop.carried[carried.length + b] as Tensor;
      return;
    }
    const sums = terms.map((t) => {
      if (t.kind === "biasAdd") return biasAddGrad(stackedOf(t.x), "NHWC");
      const [k2, n2] = [lastDim(t.a), lastDim(t.b)];
      const a = reshape(stackedOf(t.a), [-1, k2]);
      const bm = reshape(stackedOf(t.b), [-1, n2]);
      return matmul(a, bm, { transposeA: true });
    });
    result[captureStart + k] = sums.length === 1 ? (sums[0] as Tensor) : addN(sums);
  });
  stackedFor.forEach((s, c) => {
    result[nc + s] = loop.stacked[c] as Tensor;
  });
  return result;
}

/**
 * A gradient term whose sum over iterations is one op on the stacked per-iteration values:
 * `Σt MatMul(a_t, b_t, transpose_a)` is `MatMul(A, B, transpose_a)` with the time steps
 * concatenated along the batch, and `Σt BiasAddGrad(x_t)` is `BiasAddGrad(X)`. Computing
 * a shared weight's gradient this way after the loop (one large matmul instead of one
 * small matmul and one weight-sized add per step) is what seeing the whole graph buys.
 */
type Term = { kind: "matmul"; a: Tensor; b: Tensor } | { kind: "biasAdd"; x: Tensor };

/** `g` (a body tensor) as a sum of hoistable terms, or null if some part is not. */
function hoistableTerms(g: Tensor, ctx: ControlFlowContext): Term[] | null {
  const op = g.op;
  if (op.controlFlowContext !== ctx) return null;
  if (op.type === "MatMul") {
    const [a, b] = op.inputs as [Tensor, Tensor];
    const plain = op.attrs.transpose_a === true && op.attrs.transpose_b !== true;
    if (!plain || a.shape.rank !== 2 || b.shape.rank !== 2) return null;
    if (lastDimOrNull(a) === null || lastDimOrNull(b) === null) return null;
    return [{ kind: "matmul", a, b }];
  }
  if (op.type === "BiasAddGrad") {
    if ((op.attrs.data_format ?? "NHWC") !== "NHWC") return null;
    return [{ kind: "biasAdd", x: op.inputs[0] as Tensor }];
  }
  if (op.type === "AddN") {
    const terms: Term[] = [];
    for (const input of op.inputs) {
      const part = hoistableTerms(input, ctx);
      if (part === null) return null;
      terms.push(...part);
    }
    return terms;
  }
  return null;
}

function lastDimOrNull(t: Tensor): number | null {
  const dims = t.shape.dims;
  return dims === null || dims.length === 0 ? null : (dims[dims.length - 1] ?? null);
}

function lastDim(t: Tensor): number {
  return lastDimOrNull(t) as number;
}

registerGradient("While", whileGrad);
// The loop's own ops, fed by the `While` kernel: the `While` gradient carries their gradients.
notDifferentiable("LoopArg", "Enter", "LoopValue");
// TensorFlow registers no gradient for `NoOp` (a `tf.group`).
noGradient(false, "NoOp");
