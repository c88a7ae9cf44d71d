import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import type { ConstValue } from "../const_value.js";
import { convertToTensor, packableKind } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { opt, req, stringKind, tensorKind, tfFunction } from "../../graph/call_args.js";
import { registerOp } from "../registry.js";
import { checkOpInputs } from "../input_types.js";
import { ShapeInference } from "../shape_utils.js";
import { constantInts, constantValue, constantValueAsShape, readInts } from "../tensor_util.js";
import { heapSlices } from "../tfjs_internals.js";

registerOp({
  type: "Slice",
  opDef: {
    inputs: ["input: T", "begin: Index", "size: Index"],
    outputs: ["output: T"],
    attrs: ["T: type", "Index: {int32, int64}"],
  },
  kernel: ([x, begin, size], op) => {
    const input = x as tfc.Tensor;
    const b = (op.buildData._begin as number[] | null) ?? readInts(begin as tfc.Tensor);
    const s = (op.buildData._size as number[] | null) ?? readInts(size as tfc.Tensor);
    checkSlice(input.shape, b, s, op.name);
    const extent = s.map((d, i) => (d === -1 ? (input.shape[i] as number) - (b[i] as number) : d));
    return heapSlices(input, [{ begin: b, size: extent }]) ?? [tfc.slice(input, b, s)];
  },
});

/** The run-time bounds check, worded as TensorFlow's `Slice` kernel. */
function checkSlice(shape: readonly number[], begin: number[], size: number[], opName: string) {
  if (begin.length !== shape.length || size.length !== shape.length) {
    throw new InvalidArgumentError(
      `Expected begin and size arguments to be 1-D tensors of size ${shape.length}, but got shapes [${begin.length}] and [${size.length}] instead.`,
      opName,
    );
  }
  for (let i = 0; i < shape.length; i++) {
    const dim = shape[i] as number;
    const b = begin[i] as number;
    let s = size[i] as number;
    if (s === -1) s = dim - b;
    if (b < 0 || b > dim) {
      throw new InvalidArgumentError(`Expected begin[${i}] in [0, ${dim}], but got ${b}`, opName);
    }
    if (s < 0 || b + s > dim) {
      throw new InvalidArgumentError(
        `Expected size[${i}] in [0, ${dim - b}], but got ${size[i] as number}`,
        opName,
      );
    }
  }
}

/** TF 1.15's `slice(input_, begin, size, name=None)` (`input_` is `input` here). */
const SLICE_PARAMS = [
  req("input", tensorKind),
  req("begin", packableKind),
  req("size", packableKind),
  opt("name", stringKind),
] as const;

/**
 * Extracts a slice of `size` starting at `begin` (`tf.slice(input_, begin, size, name)`, op `Slice` with the consts
 * `Slice/begin` and `Slice/size`). A size of `-1` takes the rest of that dimension.
 *
 * @example
 * ```ts
 * const t = tf.constant([[1, 1, 1], [2, 2, 2], [3, 3, 3]]);
 * using sess = new tf.Session();
 * sess.run(tf.slice(t, [1, 0], [1, -1])); // ==> [[2. 2. 2.]]
 * ```
 */
export const slice = tfFunction("slice", SLICE_PARAMS, ({ input, begin, size, ...options }) =>
  inOpScope(options.name, "Slice", [input, begin, size], (scope, graph) => {
    const x = convertToTensor(input, { name: "input" });
    const b = convertToTensor(begin, { name: "begin", preferredDtype: "int32" });
    const s = convertToTensor(size, { name: "size", preferredDtype: b.dtype });
    checkOpInputs("Slice", [x, b, s], {});
    const beginValue = constantValueAsShape(b);
    const sizeValue = constantValue(s);
    const tensors: [number, ConstValue][] = sizeValue === null ? [] : [[2, sizeValue]];
    const si = new ShapeInference(opNameOf(scope), "Slice", [x.shape, b.shape, s.shape], {
      tensors,
      partialShapes: beginValue.dims === null ? [] : [[1, beginValue]],
    });
    const beginDims = si.withRank(b.shape, 1);
    const sizeDims = si.withRank(s.shape, 1);
    const ndims = si.mergeDim(beginDims[0] as Dim, sizeDims[0] as Dim);
    let out = TensorShape.unknown();
    if (ndims !== null) {
      const inDims = si.withRank(x.shape, ndims);
      const sizes = constantInts(s);
      if (sizes === null) {
        out = TensorShape.unknownOfRank(ndims);
      } else {
        const beginList = beginValue.dims ?? new Array<Dim>(ndims).fill(null);
        out = new TensorShape(
          sizes.map((sz, i) => {
            if (sz === -1) {
              const d = inDims[i] as Dim;
              const bi = beginList[i] as Dim;
              return si.subtract(d, bi);
            }
            if (sz < 0) {
              si.fail(
                `Out of bounds slicing on dimension ${i} of length ${String(inDims[i] ?? -1)}: sizes vector cannot be < -1, but was ${sz}`,
              );
            }
            return sz;
          }),
        );
      }
    } else if (x.shape.rank !== null) {
      out = TensorShape.unknownOfRank(x.shape.rank);
    }
    return makeOp(graph, "Slice", scope, [x, b, s], [{ dtype: x.dtype, shape: out }], {
      T: x.dtype,
      Index: b.dtype,
      _begin: constantInts(b),
      _size: constantInts(s),
    }).outputs[0] as Tensor;
  }),
);
