import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { Tensor } from "../../graph/tensor.js";
import { opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";

registerOp({
  type: "DiagPart",
  opDef: {
    inputs: ["input: T"],
    outputs: ["diagonal: T"],
    attrs: ["T: {bfloat16, half, float, double, int32, int64, complex64, complex128}"],
  },
  kernel: ([x], op) => {
    const input = x as tfc.Tensor;
    const k = input.rank / 2;
    const dims = input.shape.slice(0, k);
    if (input.rank % 2 !== 0 || input.rank === 0 || dims.some((d, i) => d !== input.shape[i + k])) {
      throw new InvalidArgumentError(
        `Invalid shape [${input.shape.join(",")}]: dimensions must be equal and the rank even and positive\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    const n = dims.reduce((a, b) => a * b, 1);
    // The diagonal of the [n, n] matrix the input flattens to.
    return [
      tfc.tidy(() =>
        tfc.reshape(
          tfc.gather(tfc.reshape(input, [-1]), tfc.range(0, n * n, n + 1, "int32")),
          dims,
        ),
      ),
    ];
  },
  inferShapes: (op) => {
    const x = (op.inputs[0] as Tensor).shape;
    return [diagPartShape(new ShapeInference(op.name, op.type, [x]), x)];
  },
});

/** TF 1.15's `diag_part(input, name=None)`. */
const DIAG_PART_PARAMS = [req("input", tensorKind), opt("name", stringKind)] as const;

/**
 * The diagonal of a tensor (`tf.diag_part`, op `DiagPart`): for an input of shape
 * `[D1, …, Dk, D1, …, Dk]`, the `[D1, …, Dk]` elements `input[i1, …, ik, i1, …, ik]`.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.diagPart(tf.constant([[1, 2], [3, 4]]))); // ==> [1. 4.]
 * ```
 */
export const diagPart = tfFunction("diagPart", DIAG_PART_PARAMS, (a) =>
  inOpScope(a.name, "DiagPart", [a.input], (scope, graph) => {
    const x = convertToTensor(a.input, { name: "input" });
    checkOpInputs("DiagPart", [x], {});
    const si = new ShapeInference(opNameOf(scope), "DiagPart", [x.shape]);
    return makeOp(
      graph,
      "DiagPart",
      scope,
      [x],
      [{ dtype: x.dtype, shape: diagPartShape(si, x.shape) }],
      {
        T: x.dtype,
      },
    ).outputs[0] as Tensor;
  }),
);

/** `DiagPart`'s shape function: the first half of an even-rank shape, merged with the second. */
function diagPartShape(si: ShapeInference, x: TensorShape): TensorShape {
  if (x.dims === null) return TensorShape.unknown();
  const dims = x.dims;
  if (dims.length % 2 !== 0 || dims.length === 0) {
    si.fail(`Input must have even and non-zero rank, input rank is ${dims.length}`);
  }
  const k = dims.length / 2;
  const out: Dim[] = [];
  for (let i = 0; i < k; i++) out.push(si.mergeDim(dims[i] as Dim, dims[i + k] as Dim));
  return new TensorShape(out);
}
