/**
 * `StringJoin` (TF's core/ops/string_ops.cc) and `tf.strings.join`: joins strings element
 * by element, scalars broadcast. A sharded save builds its temporary prefix with it.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import { opt, req, stringKind, tensorListKind, tfFunction } from "../../graph/call_args.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { stringTensorBytes } from "../tfjs_internals.js";

/**
 * TF's `StringJoin` shape function: a scalar when every input is one; otherwise the merge
 * of the inputs of known non-zero rank (an unknown-rank input may be a scalar).
 */
export function stringJoinShape(opName: string, inputShapes: readonly TensorShape[]): TensorShape {
  if (inputShapes.every((s) => s.dims !== null && s.dims.length === 0)) return TensorShape.scalar();
  const c = new ShapeInference(opName, "StringJoin", inputShapes);
  let out = TensorShape.unknown();
  for (const s of inputShapes) {
    if (s.dims !== null && s.dims.length !== 0) out = c.mergeShape(out, s);
  }
  return out;
}

const debugShape = (shape: readonly number[]): string => `[${shape.join(",")}]`;

registerOp({
  type: "StringJoin",
  inferShapes: (op) => [
    stringJoinShape(
      op.name,
      op.inputs.map((t) => t.shape),
    ),
  ],
  opDef: {
    inputs: ["inputs: N * string"],
    outputs: ["output: string"],
    attrs: ["N: int >= 1", "separator: string = ''"],
  },
  kernel: (inputs, op) => {
    let shape: number[] = [];
    for (const t of inputs) {
      if (t.rank === 0) continue;
      if (shape.length === 0) shape = t.shape.slice();
      else if (debugShape(shape) !== debugShape(t.shape)) {
        throw new InvalidArgumentError(
          `Input shapes do not match: ${debugShape(shape)} vs. ${debugShape(t.shape)}\n\t [[{{node ${op.name}}}]]`,
          op.name,
        );
      }
    }
    const separator = new TextEncoder().encode(String(op.attrs.separator ?? ""));
    const parts = inputs.map((t) => ({ scalar: t.rank === 0, bytes: stringTensorBytes(t) }));
    const size = shape.reduce((a, b) => a * b, 1);
    const out: Uint8Array[] = [];
    for (let i = 0; i < size; i++) {
      const pieces = parts.map((p) => p.bytes[p.scalar ? 0 : i] as Uint8Array);
      const length =
        pieces.reduce((n, b) => n + b.length, 0) + separator.length * (pieces.length - 1);
      const joined = new Uint8Array(length);
      let at = 0;
      pieces.forEach((b, j) => {
        if (j > 0) {
          joined.set(separator, at);
          at += separator.length;
        }
        joined.set(b, at);
        at += b.length;
      });
      out.push(joined);
    }
    return [tfc.tensor(out as unknown as string[], shape, "string")];
  },
});

/** TF 1.15's `strings.join(inputs, separator="", name=None)`. */
const JOIN_PARAMS = [
  req("inputs", tensorListKind),
  opt("separator", stringKind),
  opt("name", stringKind),
] as const;

/**
 * Joins lists of strings element-wise with `separator` (`tf.strings.join`, also TF 1.x's
 * `tf.string_join`; op `StringJoin`); scalar inputs are repeated against the others.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.strings.join([tf.constant(["a", "b"]), "x"], "-")).toArray(); // ==> a-x,b-x
 * ```
 */
export const join = tfFunction("strings.join", JOIN_PARAMS, (a) =>
  inOpScope(a.name, "StringJoin", a.inputs, (scope, graph) => {
    if (a.inputs.length < 1) {
      throw new ValueError(
        `List argument 'inputs' to 'StringJoin' Op with length 0 shorter than minimum length 1.`,
      );
    }
    const inputs = a.inputs.map((x, i) =>
      // op_def_library names a list input's constants `inputs_0`, `inputs_1`, …
      convertToTensor(x, { name: `inputs_${i}`, dtype: "string" }),
    );
    const shape = stringJoinShape(
      opNameOf(scope),
      inputs.map((t) => t.shape),
    );
    return makeOp(graph, "StringJoin", scope, inputs, [{ dtype: "string", shape }], {
      N: inputs.length,
      separator: a.separator ?? "",
    }).outputs[0] as Tensor;
  }),
);
