import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import type { Graph } from "../../graph/graph.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor, shapeArgKind, type Packable } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { constantInts, constantValueAsShape, readInts } from "../tensor_util.js";

registerOp({
  type: "Reshape",
  opDef: {
    inputs: ["tensor: T", "shape: Tshape"],
    outputs: ["output: T"],
    attrs: ["T: type", "Tshape: {int32, int64} = int32"],
  },
  kernel: ([x, shape], op) => {
    const input = x as tfc.Tensor;
    const dims = (op.buildData._shape as number[] | null) ?? readInts(shape as tfc.Tensor);
    checkReshape(input, dims, op.name);
    return [tfc.reshape(input, dims)];
  },
});

/** The run-time check, with TensorFlow's wording rather than tfjs's. */
function checkReshape(x: tfc.Tensor, dims: readonly number[], opName: string): void {
  let known = 1;
  let unknown = -1;
  for (let i = 0; i < dims.length; i++) {
    const d = dims[i] as number;
    if (d === -1) {
      if (unknown >= 0) {
        throw new InvalidArgumentError(
          `Only one input size may be -1, not both ${unknown} and ${i}`,
          opName,
        );
      }
      unknown = i;
    } else if (d < 0) {
      throw new InvalidArgumentError(`Size ${i} must be non-negative, not ${d}`, opName);
    } else {
      known *= d;
    }
  }
  const ok = unknown >= 0 ? known > 0 && x.size % known === 0 : known === x.size;
  if (!ok) {
    throw new InvalidArgumentError(
      `Input to reshape is a tensor with ${x.size} values, but the requested shape ${unknown >= 0 ? "requires a multiple of" : "has"} ${known}`,
      opName,
    );
  }
}

/** TensorFlow's `SetOutputShapeForReshape`: infers one `-1` dim and checks element counts. */
export function reshapeShape(
  si: ShapeInference,
  input: TensorShape,
  requested: TensorShape,
): TensorShape {
  if (requested.dims === null || input.dims === null) return requested;
  const out = requested.dims.slice();
  const product = (dims: readonly Dim[]): [number, number, boolean] => {
    let known = 1;
    let unknownIdx = -1;
    let tooMany = false;
    dims.forEach((d, i) => {
      if (d === null) {
        if (unknownIdx >= 0) tooMany = true;
        unknownIdx = i;
      } else known *= d;
    });
    return [known, unknownIdx, tooMany];
  };
  const [knownOut, outUnknown, tooManyOut] = product(out);
  const [knownIn, inUnknown, tooManyIn] = product(input.dims);
  if (tooManyOut || tooManyIn) return new TensorShape(out);
  if (inUnknown < 0 && outUnknown < 0) {
    if (knownIn !== knownOut) {
      si.fail(
        `Cannot reshape a tensor with ${knownIn} elements to shape ${requested.toRuntimeString()} (${knownOut} elements)`,
      );
    }
  } else if (inUnknown < 0 && outUnknown >= 0 && knownOut > 0) {
    out[outUnknown] = si.divide(knownIn, knownOut, true);
  } else if (inUnknown >= 0 && outUnknown < 0 && knownIn !== 0) {
    si.divide(knownOut, knownIn, true);
  } else if (inUnknown >= 0 && outUnknown >= 0 && knownIn === knownOut) {
    out[outUnknown] = input.dims[inUnknown] as Dim;
  }
  return new TensorShape(out);
}

/** Builds a `Reshape` op named exactly by `scope` on converted inputs. */
export function reshapeIn(graph: Graph, scope: string, tensor: Tensor, shape: Tensor): Tensor {
  checkOpInputs("Reshape", [tensor, shape], {});
  const values = constantInts(shape);
  const requested = constantValueAsShape(shape);
  const si = new ShapeInference(opNameOf(scope), "Reshape", [tensor.shape, shape.shape], {
    partialShapes: requested.dims === null ? [] : [[1, requested]],
  });
  si.withRankAtMost(shape.shape, 1);
  if (values !== null) {
    const bad = values.find((d) => d < -1);
    if (bad !== undefined) si.fail(`Invalid value in tensor used for shape: ${bad}`);
  }
  const out = reshapeShape(si, tensor.shape, requested);
  return makeOp(graph, "Reshape", scope, [tensor, shape], [{ dtype: tensor.dtype, shape: out }], {
    T: tensor.dtype,
    Tshape: shape.dtype,
    _shape: values,
  }).outputs[0] as Tensor;
}

/** TF 1.15's `reshape(tensor, shape, name=None)`. */
const RESHAPE_PARAMS = [
  req("tensor", tensorKind),
  req("shape", shapeArgKind),
  opt("name", stringKind),
] as const;

/**
 * Reshapes `tensor` to `shape` (`tf.reshape(tensor, shape, name)`, op `Reshape` with its shape as the const
 * `Reshape/shape`). One dim may be `-1`: it is inferred, at build time when possible. The
 * shape may also be a tensor, or an array holding tensors (packed, as TensorFlow does).
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 28, 28]);
 * tf.reshape(x, [-1, 784]).shape.toString(); // ==> (?, 784)
 * const n = tf.placeholder(tf.int32, []);
 * tf.reshape(x, [n, -1]).shape.toString(); // ==> (?, ?)
 * ```
 */
export const reshape = tfFunction("reshape", RESHAPE_PARAMS, (a) =>
  inOpScope(a.name, "Reshape", [a.tensor, a.shape], (scope, graph) => {
    const t = convertToTensor(a.tensor, { name: "tensor" });
    const shape = a.shape as Packable | TensorShape;
    const s = convertToTensor(shapeArg(shape), { name: "shape", preferredDtype: "int32" });
    return reshapeIn(graph, scope, t, s);
  }),
);

/** A `TensorShape` converts to its dims (it must be fully defined, as in TensorFlow). */
function shapeArg(shape: Packable | TensorShape): Packable {
  if (!(shape instanceof TensorShape)) return shape;
  if (!shape.isFullyDefined()) {
    throw new ValueError(
      `Cannot convert a partially known TensorShape to a Tensor: ${shape.toString()}`,
    );
  }
  return shape.asList() as number[];
}
