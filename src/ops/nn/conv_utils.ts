import type * as tfc from "@tensorflow/tfjs-core";
import { ValueError } from "../../errors.js";
import type { Dim } from "../../graph/tensor_shape.js";
import type { ShapeInference } from "../shape_utils.js";
import { eitherKind, intKind, kind, listKind } from "../../graph/call_args.js";

/** A 2-D data format: channels last (TensorFlow's default) or first. */
export type DataFormat = "NHWC" | "NCHW";

/** `padding` as TensorFlow takes it: `"SAME"`, `"VALID"`, or explicit `[[0, 0], [t, b], [l, r], [0, 0]]`. */
export type Padding = "SAME" | "VALID" | readonly (readonly number[])[];

/** `strides`, `ksize`, `dilations`: an int or a list of ints (lengths are checked later). */
export const intsKind = eitherKind(intKind, listKind(intKind));

/** `padding`: a string (checked against the op's list later) or explicit `[before, after]` pairs. */
export const paddingKind = kind<Padding>(
  "a str or a list of [before, after] pairs",
  (v) => typeof v === "string" || (Array.isArray(v) && v.every((p) => Array.isArray(p))),
);

/** Checks and normalizes a `data_format` option. */
export function dataFormatOf(value: string | null | undefined): DataFormat {
  const f = value ?? "NHWC";
  if (f !== "NHWC" && f !== "NCHW") {
    throw new ValueError(`data_format must be "NHWC" or "NCHW".`);
  }
  return f;
}

/** `_get_sequence`: an int or a list of 1, 2 or 4 ints as the 4 values of a 2-D op attr. */
export function getSequence(
  value: number | readonly number[] | null | undefined,
  format: DataFormat,
  name: string,
): number[] {
  if (value === null || value === undefined) return [1, 1, 1, 1];
  const list = typeof value === "number" ? [value] : value.slice();
  if (list.length === 4) return list;
  let spatial: number[];
  if (list.length === 1) spatial = [list[0] as number, list[0] as number];
  else if (list.length === 2) spatial = list;
  else throw new ValueError(`${name} should be of length 1, 2 or 4 but was ${list.length}`);
  return format === "NCHW" ? [1, 1, ...spatial] : [1, ...spatial, 1];
}

/** `_convert_padding`: a string, or an explicit list (then `"EXPLICIT"` and the flat list). */
export function convertPadding(padding: Padding | undefined, opType: string): [string, number[]] {
  if (padding === ("EXPLICIT" as unknown)) {
    throw new ValueError(
      '"EXPLICIT" is not a valid value for the padding parameter. To use explicit padding, the padding parameter must be a list.',
    );
  }
  if (Array.isArray(padding)) {
    const flat: number[] = [];
    padding.forEach((p, i) => {
      if (!Array.isArray(p)) {
        throw new ValueError(
          `When padding is a list, each element of padding must be a list/tuple of size 2. Element with index ${i} of padding is not a list/tuple`,
        );
      }
      if (p.length !== 2) {
        throw new ValueError(
          `When padding is a list, each element of padding must be a list/tuple of size 2. Element with index ${i} of padding has size ${p.length}`,
        );
      }
      flat.push(...(p as number[]));
    });
    if (padding.length !== 4) {
      throw new ValueError(
        `When padding is a list, it must be of size 4. Got padding of size: ${padding.length}`,
      );
    }
    return ["EXPLICIT", flat];
  }
  checkPaddingString(padding, opType, true);
  return [padding as string, []];
}

/** op_def_library's check of a `padding` attr. */
export function checkPaddingString(padding: unknown, opType: string, explicit: boolean): void {
  if (typeof padding !== "string") {
    throw new TypeError(`Expected string for argument 'padding' not ${String(padding)}.`);
  }
  const allowed = explicit ? ["SAME", "VALID", "EXPLICIT"] : ["SAME", "VALID"];
  if (!allowed.includes(padding)) {
    throw new ValueError(
      `Attr 'padding' of '${opType}' Op passed string '${padding}' not in: ${allowed.map((a) => `"${a}"`).join(", ")}.`,
    );
  }
}

/** `GetWindowedOutputSizeFromDimsV2`: the output size of one spatial dimension. */
export function windowedOutputSize(
  si: ShapeInference,
  input: Dim,
  filter: Dim,
  dilation: number,
  stride: number,
  padding: string,
  before: number,
  after: number,
): Dim {
  if (stride <= 0) si.fail(`Stride must be > 0, but got ${stride}`);
  if (dilation < 1) si.fail(`Dilation rate must be >= 1, but got ${dilation}`);
  const effective = filter === null ? null : (filter - 1) * dilation + 1;
  if (padding === "SAME") return input === null ? null : Math.floor((input + stride - 1) / stride);
  const padded = padding === "EXPLICIT" && input !== null ? input + before + after : input;
  const size = si.subtract(padded, effective);
  return size === null ? null : Math.floor((size + stride) / stride);
}

/** The index of H, W and C in a 4-D shape of `format`. */
export function spatialIndices(format: DataFormat): { h: number; w: number; c: number } {
  return format === "NHWC" ? { h: 1, w: 2, c: 3 } : { h: 2, w: 3, c: 1 };
}

/** Runs a channels-last tfjs kernel on a tensor of `format` (transposing NCHW around it). */
export function inChannelsLast(
  tf: typeof tfc,
  x: tfc.Tensor,
  format: DataFormat,
  fn: (nhwc: tfc.Tensor4D) => tfc.Tensor,
): tfc.Tensor {
  if (format === "NHWC") return fn(x as tfc.Tensor4D);
  return tf.tidy(() =>
    tf.transpose(fn(tf.transpose(x, [0, 2, 3, 1]) as tfc.Tensor4D), [0, 3, 1, 2]),
  );
}
