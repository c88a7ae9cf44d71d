import { UnimplementedError } from "../errors.js";
import "./control_flow_v1_grad.js";
import { isFloating } from "../graph/dtypes.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import { zerosLike } from "../ops/array/like.js";
import { loopSpecOf, scanLoop } from "../ops/control/while_loop.js";
import { add } from "../ops/math/binary.js";
import { noGradient, notDifferentiable, registerGradient } from "../ops/registry.js";
import { gradients } from "./gradients.js";
import { denseOf } from "../ops/indexed_slices.js";

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
        // The loop carries dense tensors: a gathered weight's rows are summed into one.
      ).map((g) => (g === null ? null : denseOf(g)));
      const nextCarried = carried.map((_, a) => gs[a] ?? zerosLike(carriedGrads[a] as Tensor));
      // A shared weight's gradient: the sum of its per-iteration gradients (the session
      // may compute it after the loop instead: see `session/loop_passes.ts`).
      const nextSums = captures.map((_, b) => {
        const g = gs[carried.length + b] ?? null;
        return g === null ? (sums[b] as Tensor) : add(sums[b] as Tensor, g);
      });
      const slicedGrads = gs.slice(carried.length + captures.length);
      stackedFor = sliced.filter((_, c) => slicedGrads[c] !== null);
      return {
        carried: [...nextCarried, ...nextSums],
        stacked: slicedGrads.filter((g): g is Tensor => g !== null),
      };
    },
  });

  const result: (Tensor | null)[] = op.inputs.map(() => null);
  carried.forEach((i, a) => {
    result[i] = loop.carried[a] as Tensor;
  });
  captures.forEach((k, b) => {
    result[captureStart + k] = loop.carried[carried.length + b] as Tensor;
  });
  stackedFor.forEach((s, c) => {
    result[nc + s] = loop.stacked[c] as Tensor;
  });
  return result;
}

registerGradient("While", whileGrad);
// The loop's own ops, fed by the `While` kernel: the `While` gradient carries their gradients.
notDifferentiable("LoopArg", "LoopValue");
// TensorFlow registers no gradient for `NoOp` (a `tf.group`).
noGradient(false, "NoOp");
