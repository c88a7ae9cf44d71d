import { InvalidArgumentError, ValueError } from "../../errors.js";
import type { Operation } from "../../graph/operation.js";
import type { Dim } from "../../graph/tensor_shape.js";
import type { ShapeInference } from "../shape_utils.js";
import { windowedOutputSize } from "./conv_utils.js";

/*
 * What the 3-D convolution and pooling ops share (TF 1.15's `Conv3DShape` and
 * `Pool3DShape`, `_get_sequence` for three spatial dims, the checks of the CPU kernels).
 */

/** A 3-D data format: channels last (TensorFlow's default) or first. */
export type DataFormat3D = "NDHWC" | "NCDHW";

/** op_def_library's check of a string attr against its allowed values. */
export function checkStringAttr(
  value: unknown,
  attr: string,
  opType: string,
  allowed: readonly string[],
): string {
  if (typeof value !== "string") {
    throw new TypeError(`Expected string for argument '${attr}' not ${String(value)}.`);
  }
  if (!allowed.includes(value)) {
    throw new ValueError(
      `Attr '${attr}' of '${opType}' Op passed string '${value}' not in: ${allowed.map((a) => `"${a}"`).join(", ")}.`,
    );
  }
  return value;
}

/** A `data_format` of a 3-D op: `"NDHWC"` (also for `null`) or `"NCDHW"`. */
export function dataFormat3dOf(value: string | null | undefined, opType: string): DataFormat3D {
  return checkStringAttr(value ?? "NDHWC", "data_format", opType, [
    "NDHWC",
    "NCDHW",
  ]) as DataFormat3D;
}

/**
 * `nn_ops._get_sequence(value, 3, channel_index, name)`: an int or 1, 3 or 5 ints as the 5
 * values of a 3-D op's attr (1 for batch and channels).
 */
export function getSequence3d(
  value: number | readonly number[] | null | undefined,
  format: DataFormat3D,
  name: string,
): number[] {
  if (value === null || value === undefined) return [1, 1, 1, 1, 1];
  const list = typeof value === "number" ? [value] : value.slice();
  if (list.length === 5) return list;
  let spatial: number[];
  if (list.length === 1) spatial = [list[0], list[0], list[0]] as number[];
  else if (list.length === 3) spatial = list;
  else throw new ValueError(`${name} should be of length 1, 3 or 5 but was ${list.length}`);
  return format === "NCDHW" ? [1, 1, ...spatial] : [1, ...spatial, 1];
}

/**
 * A generated wrapper's check of a `list(int) >= 5` attr passed as is (`gen_nn_ops.conv3d`'s
 * `strides`): a list, of at least 5 ints.
 */
export function listAttr5(value: unknown, attr: string, opType: string, fn: string): number[] {
  if (!Array.isArray(value)) {
    throw new TypeError(
      `Expected list for '${attr}' argument to '${fn}' Op, not ${String(value)}.`,
    );
  }
  if (value.length < 5) {
    throw new ValueError(
      `Attr '${attr}' of '${opType}' Op passed list of length ${value.length} less than minimum 5.`,
    );
  }
  return (value as number[]).slice();
}

/** The indices of N, the three spatial dims and C in a 5-D shape of `format`. */
export function indices3d(format: string): {
  n: number;
  spatial: [number, number, number];
  c: number;
} {
  return format === "NCDHW"
    ? { n: 0, spatial: [2, 3, 4], c: 1 }
    : { n: 0, spatial: [1, 2, 3], c: 4 };
}

/** The (planes, rows, cols) entries of a 5-value attr in `format`. */
export function spatial3(values: readonly number[], format: string): [number, number, number] {
  const [a, b, c] = indices3d(format).spatial;
  return [values[a] as number, values[b] as number, values[c] as number];
}

/** Puts batch, the three spatial sizes and channels in `format`'s order. */
function inFormat(format: string, n: Dim, s: readonly Dim[], c: Dim): Dim[] {
  return format === "NCDHW" ? [n, c, s[0] ?? null, s[1] ?? null, s[2] ?? null] : [n, ...s, c];
}

/** TF 1.15's `Conv3DShape`: the output dims of `Conv3D` with these attrs. */
export function conv3dShape(
  si: ShapeInference,
  input: Dim[],
  filter: Dim[],
  strides: readonly number[],
  dilations: readonly number[],
  padding: string,
  format: string,
): Dim[] {
  if (dilations.length !== 5) {
    si.fail(
      `Conv3D requires the dilation attribute to contain 5 values, but got: ${dilations.length}`,
    );
  }
  if (strides.length !== 5) {
    si.fail(`Conv3D requires the stride attribute to contain 5 values, but got: ${strides.length}`);
  }
  const { n, spatial, c } = indices3d(format);
  const s = spatial3(strides, format);
  // TF 1.15's shape function reads the rows' dilation from the cols' entry and the cols'
  // from the rows' (the kernels read them right); the static shape follows TF's.
  const d = spatial3(dilations, format);
  const dilationOf = [d[0], d[2], d[1]];
  si.mergeDim(input[c] as Dim, filter[3] as Dim);
  const out = spatial.map((axis, i) =>
    windowedOutputSize(
      si,
      input[axis] as Dim,
      filter[i] as Dim,
      dilationOf[i] as number,
      s[i] as number,
      padding,
      0,
      0,
    ),
  );
  return inFormat(format, input[n] as Dim, out, filter[4] as Dim);
}

/** TF 1.15's `Pool3DShape`: the output dims of `MaxPool3D`/`AvgPool3D` with these attrs. */
export function pool3dShape(
  si: ShapeInference,
  input: Dim[],
  ksize: readonly number[],
  strides: readonly number[],
  padding: string,
  format: string,
): Dim[] {
  if (strides.length !== 5) {
    si.fail(
      `Pool3D ops require the stride attribute to contain 5 values, but got: ${strides.length}`,
    );
  }
  if (ksize.length !== 5) {
    si.fail(`Pool3D requires the ksize attribute to contain 5 values, but got: ${ksize.length}`);
  }
  const { n, spatial, c } = indices3d(format);
  const k = spatial3(ksize, format);
  const s = spatial3(strides, format);
  const out = spatial.map((axis, i) =>
    windowedOutputSize(si, input[axis] as Dim, k[i] as number, 1, s[i] as number, padding, 0, 0),
  );
  return inFormat(format, input[n] as Dim, out, input[c] as Dim);
}

/** An `InvalidArgument` of a kernel, naming the op. */
export function kernelError(op: Operation, message: string): InvalidArgumentError {
  return new InvalidArgumentError(message, op.name);
}

/**
 * The attr checks of TF 1.15's 3-D convolution CPU kernels (`Conv3DOp`, the backprop ops):
 * `strides` (and `dilations`) of 5 values, 1 on batch and channels.
 */
export function checkConv3dAttrs(op: Operation, format: string, withDilations: boolean): void {
  const strides = op.attrs.strides as number[];
  const dilations = (op.attrs.dilations as number[] | undefined) ?? [1, 1, 1, 1, 1];
  const { n, c } = indices3d(format);
  if (withDilations) {
    if (dilations.length !== 5) {
      throw kernelError(op, "Dilation rates field must specify 5 dimensions");
    }
    if (dilations[n] !== 1 || dilations[c] !== 1) {
      throw kernelError(
        op,
        "Current implementation does not yet support dilation rates in the batch and depth dimensions.",
      );
    }
  }
  if (strides.length !== 5) {
    throw kernelError(op, "Sliding window strides field must specify 5 dimensions");
  }
  if (strides[n] !== 1 || strides[c] !== 1) {
    throw kernelError(
      op,
      "Current implementation does not yet support strides in the batch and depth dimensions.",
    );
  }
}
