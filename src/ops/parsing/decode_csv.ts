/**
 * `DecodeCSV` (TF's core/ops/parsing_ops.cc, kernel as core/kernels/decode_csv_op.cc) and
 * TF 1.15's `tf.io.decode_csv` / `tf.decode_csv`: CSV records → one tensor per column,
 * each of the records' shape. Fields are split on bytes, as TF splits them, and numbers
 * are read as TF's `safe_strto32`/`safe_strto64`/`safe_strtof` read them.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError, ValueError } from "../../errors.js";
import {
  booleanKind,
  kind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { narrowInt64 } from "../../graph/int64.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { TensorShape } from "../../graph/tensor_shape.js";
import { checkOpInputs } from "../input_types.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { noGradient, registerOp } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { stringTensorBytes } from "../tfjs_internals.js";

const nodeSuffix = (opName: string): string => `\n\t [[{{node ${opName}}}]]`;
const utf8 = new TextDecoder();
const encoder = new TextEncoder();

/**
 * TF's DecodeCSV shape function: each default a scalar or a vector of at most one value;
 * every output the records' shape.
 */
export function decodeCsvShapes(
  opName: string,
  inputShapes: readonly TensorShape[],
): TensorShape[] {
  const c = new ShapeInference(opName, "DecodeCSV", inputShapes);
  for (let i = 1; i < inputShapes.length; i++) {
    const dims = c.withRankAtMost(inputShapes[i] as TensorShape, 1);
    if (dims !== null && dims.length === 1 && dims[0] !== null && (dims[0] as number) > 1) {
      c.fail("Shape of a default must be a length-0 or length-1 vector, or a scalar.");
    }
  }
  return inputShapes.slice(1).map(() => inputShapes[0] as TensorShape);
}

const DQUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/**
 * `DecodeCSVOp::ExtractFields`: the fields of one record (only the selected columns when
 * `selectCols` is given), or the kernel's message for a malformed record.
 */
function extractFields(
  input: Uint8Array,
  delim: number,
  useQuoteDelim: boolean,
  selectCols: readonly number[],
): Uint8Array[] | string {
  const result: Uint8Array[] = [];
  const selectAll = selectCols.length === 0;
  let at = 0;
  let parsed = 0;
  let selector = 0;
  const n = input.length;
  if (n === 0) return result;
  while (at < n) {
    if (input[at] === LF || input[at] === CR) {
      at++;
      continue;
    }
    const include = selectAll || selectCols[selector] === parsed;
    let quoted = false;
    if (useQuoteDelim && input[at] === DQUOTE) {
      quoted = true;
      at++;
    }
    const field: number[] = [];
    if (!quoted) {
      while (at < n && input[at] !== delim) {
        const ch = input[at] as number;
        if ((useQuoteDelim && ch === DQUOTE) || ch === LF || ch === CR) {
          return "Unquoted fields cannot have quotes/CRLFs inside";
        }
        if (include) field.push(ch);
        at++;
      }
      at++;
    } else {
      // A quoted field ends at a quote followed by the delimiter or the end of the record.
      while (at < n - 1 && (input[at] !== DQUOTE || input[at + 1] !== delim)) {
        if (input[at] !== DQUOTE) {
          if (include) field.push(input[at] as number);
          at++;
        } else {
          if (input[at + 1] !== DQUOTE)
            return "Quote inside a string has to be escaped by another quote";
          if (include) field.push(DQUOTE);
          at += 2;
        }
      }
      if (!(at < n && input[at] === DQUOTE && (at === n - 1 || input[at + 1] === delim))) {
        return "Quoted field has to end with quote followed by delim or end";
      }
      at += 2;
    }
    parsed++;
    if (include) {
      result.push(Uint8Array.from(field));
      selector++;
      if (selector === selectCols.length) return result;
    }
  }
  const include = selectAll || selectCols[selector] === parsed;
  if (include && input[n - 1] === delim) result.push(new Uint8Array(0));
  return result;
}

/** C's `isspace` in the "C" locale. */
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** `strings::safe_strto64` / `safe_strto32`: optional spaces, an optional `-`, digits, spaces. */
function parseInteger(bytes: Uint8Array, min: bigint, max: bigint): bigint | null {
  let i = 0;
  while (i < bytes.length && isSpace(bytes[i] as number)) i++;
  let negative = false;
  if (bytes[i] === 0x2d) {
    negative = true;
    i++;
  }
  if (i >= bytes.length || !isDigit(bytes[i] as number)) return null;
  let value = 0n;
  while (i < bytes.length && isDigit(bytes[i] as number)) {
    value = value * 10n + BigInt((bytes[i] as number) - 0x30);
    if ((negative ? -value : value) < min || (negative ? -value : value) > max) return null;
    i++;
  }
  while (i < bytes.length && isSpace(bytes[i] as number)) i++;
  if (i !== bytes.length) return null;
  return negative ? -value : value;
}

/** TF's `kFastToBufferSize`: `safe_strtof` reads at most this many bytes. */
const FAST_TO_BUFFER_SIZE = 32;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]+)$/;
const SPECIAL = /^([+-]?)(inf|nan)$/i;

/**
 * `strings::safe_strtof`: double-conversion's reader with leading and trailing spaces,
 * hexadecimal integers and case-insensitive `inf`/`nan` allowed, over the bytes before
 * the first NUL and at most 32 of them (TF reads the field as a C string).
 */
function parseFloat32(bytes: Uint8Array): number | null {
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  end = Math.min(end, FAST_TO_BUFFER_SIZE);
  if (end === 0) return null;
  const text = String.fromCharCode(...bytes.subarray(0, end));
  const trimmed = text.replace(/^[ \t\n\v\f\r]+/, "").replace(/[ \t\n\v\f\r]+$/, "");
  // Only spaces: double-conversion's empty value (0), with characters processed.
  if (trimmed === "") return 0;
  const special = SPECIAL.exec(trimmed);
  if (special !== null) {
    const sign = special[1] === "-" ? -1 : 1;
    return (special[2] as string).toLowerCase() === "inf" ? sign * Infinity : NaN;
  }
  const hex = HEX.exec(trimmed);
  if (hex !== null) {
    const v = Number(BigInt(`0x${hex[2] as string}`));
    return Math.fround(hex[1] === "-" ? -v : v);
  }
  if (!DECIMAL.test(trimmed)) return null;
  return Math.fround(Number(trimmed));
}

const INT32_RANGE = [-(2n ** 31n), 2n ** 31n - 1n] as const;
const INT64_RANGE = [-(2n ** 63n), 2n ** 63n - 1n] as const;

type Column =
  | { dtype: "float32"; values: Float32Array }
  | { dtype: "int32"; values: Int32Array }
  | { dtype: "int64"; values: BigInt64Array }
  | { dtype: "string"; values: Uint8Array[] };

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function decodeCsvKernel(inputs: readonly tfc.Tensor[], op: Operation): tfc.Tensor[] {
  const fail = (msg: string): never => {
    throw new InvalidArgumentError(msg + nodeSuffix(op.name), op.name);
  };
  const outTypes = op.attrs.OUT_TYPE as readonly string[];
  const delimText = String(op.attrs.field_delim ?? ",");
  const delimBytes = encoder.encode(delimText);
  const useQuoteDelim = op.attrs.use_quote_delim !== false;
  const naValue = encoder.encode(String(op.attrs.na_value ?? ""));
  const selectCols = (op.attrs.select_cols as readonly number[] | undefined) ?? [];
  // The kernel's construction checks, in its order.
  if (selectCols.length !== 0 && selectCols.length !== outTypes.length) {
    fail("select_cols should match output size");
  }
  for (let i = 1; i < selectCols.length; i++) {
    if ((selectCols[i - 1] as number) >= (selectCols[i] as number)) {
      fail("select_cols should be strictly increasing indices");
    }
  }
  if (selectCols.length > 0 && (selectCols[0] as number) < 0) {
    fail("select_cols should be non-negative indices");
  }
  if (delimBytes.length !== 1) fail("field_delim should be only 1 char");
  const delim = delimBytes[0] as number;

  const [records, ...defaults] = inputs as [tfc.Tensor, ...tfc.Tensor[]];
  defaults.forEach((d, i) => {
    if (d.size >= 2) {
      fail(`There should only be 1 default per field but field ${i} has ${d.size}`);
    }
  });
  const rows = stringTensorBytes(records);
  const size = rows.length;
  const columns: Column[] = outTypes.map((t) => {
    if (t === "float32") return { dtype: t, values: new Float32Array(size) };
    if (t === "int32") return { dtype: t, values: new Int32Array(size) };
    if (t === "int64") return { dtype: t, values: new BigInt64Array(size) };
    return { dtype: "string", values: new Array<Uint8Array>(size) };
  });
  const defaultValues = defaults.map((d) =>
    d.size === 0 ? null : d.dtype === "string" ? stringTensorBytes(d)[0] : d.dataSync()[0],
  );
  const fieldText = (b: Uint8Array): string => utf8.decode(b);
  for (let i = 0; i < size; i++) {
    const fields = extractFields(rows[i] as Uint8Array, delim, useQuoteDelim, selectCols);
    if (typeof fields === "string") fail(fields);
    const got = fields as Uint8Array[];
    if (got.length !== outTypes.length) {
      fail(`Expect ${outTypes.length} fields but have ${got.length} in record ${i}`);
    }
    columns.forEach((col, f) => {
      const field = got[f] as Uint8Array;
      if (field.length === 0 || bytesEqual(field, naValue)) {
        const def = defaultValues[f];
        if (def === null || def === undefined) {
          fail(`Field ${f} is required but missing in record ${i}!`);
        }
        if (col.dtype === "string") col.values[i] = def as Uint8Array;
        else if (col.dtype === "int64") col.values[i] = BigInt(def as number);
        else col.values[i] = def as number;
        return;
      }
      if (col.dtype === "string") {
        col.values[i] = field;
      } else if (col.dtype === "float32") {
        const v = parseFloat32(field);
        if (v === null) fail(`Field ${f} in record ${i} is not a valid float: ${fieldText(field)}`);
        col.values[i] = v as number;
      } else {
        const [min, max] = col.dtype === "int32" ? INT32_RANGE : INT64_RANGE;
        const v = parseInteger(field, min, max);
        if (v === null) {
          fail(`Field ${f} in record ${i} is not a valid ${col.dtype}: ${fieldText(field)}`);
        }
        if (col.dtype === "int32") col.values[i] = Number(v);
        else col.values[i] = v as bigint;
      }
    });
  }
  return columns.map((col, f) => {
    if (col.dtype === "string") {
      return tfc.tensor(col.values as unknown as string[], records.shape, "string");
    }
    if (col.dtype === "int64") {
      return tfc.tensor(narrowInt64(col.values, `Field ${f}`, op.name), records.shape, "int32");
    }
    return tfc.tensor(col.values, records.shape, col.dtype);
  });
}

registerOp({
  type: "DecodeCSV",
  opDef: {
    inputs: ["records: string", "record_defaults: OUT_TYPE"],
    outputs: ["output: OUT_TYPE"],
    attrs: [
      "OUT_TYPE: list({float, double, int32, int64, string}) >= 1",
      "field_delim: string = ','",
      "use_quote_delim: bool = true",
      "na_value: string = ''",
      "select_cols: list(int) = []",
    ],
  },
  inferShapes: (op) =>
    decodeCsvShapes(
      op.name,
      op.inputs.map((t) => t.shape),
    ),
  kernel: decodeCsvKernel,
});
// TensorFlow registers no gradient for DecodeCSV.
noGradient(false, "DecodeCSV");

const selectColsKind = kind<readonly number[]>(
  "a list of ints",
  (v) => Array.isArray(v) && v.every((x) => Number.isInteger(x)),
);
const defaultsKind = kind<readonly unknown[]>(
  "a list of Tensors or values",
  (v) => Array.isArray(v) && v.every((x) => x !== undefined && x !== null && tensorKind.check(x)),
);

/**
 * TF 1.15's v1 `decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True,
 * name=None, na_value="", select_cols=None)` (`name` before `na_value`, as 1.x kept it).
 */
const DECODE_CSV_PARAMS = [
  req("records", tensorKind),
  req("recordDefaults", defaultsKind),
  opt("fieldDelim", stringKind),
  opt("useQuoteDelim", booleanKind),
  opt("name", stringKind),
  opt("naValue", stringKind),
  opt("selectCols", selectColsKind),
] as const;

/**
 * Converts CSV records to tensors, one per column (`tf.io.decodeCsv`, also `tf.decodeCsv`;
 * op `DecodeCSV`). Each column's dtype (float32, int32, int64 or string) is its default's:
 * a one-value default fills an empty (or `naValue`) field, an empty one (`[]`, or
 * `tf.constant([], tf.int32)`) makes the column required. A JS number cannot say `0` from
 * `0.0`: a plain number default is float32, so give an integer column a typed tensor
 * (`tf.constant([0], tf.int32)`). Fields follow RFC 4180 quoting (`"a ""b"", c"`) unless
 * `useQuoteDelim` is false; numbers may have leading and trailing spaces. A malformed
 * record is an `InvalidArgumentError` with TF's message (`Field 1 in record 0 is not a
 * valid float: abc`).
 *
 * @example
 * ```ts
 * const records = tf.constant(["1.5,7,x", '2,,"a,b"']);
 * const [a, b, c] = tf.io.decodeCsv(records, [[0], tf.constant([-1], tf.int32), [""]]);
 * using sess = new tf.Session();
 * sess.run(a).toArray(); // ==> 1.5,2
 * sess.run(b).toArray(); // ==> 7,-1
 * sess.run(c).toArray(); // ==> x,a,b
 * ```
 */
export const decodeCsv = tfFunction("io.decodeCsv", DECODE_CSV_PARAMS, (a) => {
  const select = a.selectCols;
  if (select !== undefined) {
    for (let i = 0; i + 1 < select.length; i++) {
      if ((select[i] as number) >= (select[i + 1] as number)) {
        throw new ValueError("select_cols is not strictly increasing.");
      }
    }
    if (select.length > 0 && (select[0] as number) < 0) {
      throw new ValueError("select_cols contains negative values.");
    }
    if (select.length !== a.recordDefaults.length) {
      throw new ValueError("Length of select_cols and record_defaults do not match.");
    }
  }
  const values = [a.records, ...a.recordDefaults];
  return inOpScope(a.name, "DecodeCSV", values, (scope, graph) => {
    const records = convertToTensor(a.records, { name: "records", dtype: "string" });
    const defaults = a.recordDefaults.map((d, i) =>
      // op_def_library names a list input's constants `record_defaults_0`, …
      convertToTensor(d, { name: `record_defaults_${i}` }),
    );
    if (defaults.length === 0) {
      throw new ValueError(
        "List argument 'record_defaults' to 'DecodeCSV' Op with length 0 shorter than minimum length 1.",
      );
    }
    const attrs = {
      OUT_TYPE: defaults.map((t) => t.dtype),
      field_delim: a.fieldDelim ?? ",",
      use_quote_delim: a.useQuoteDelim ?? true,
      na_value: a.naValue ?? "",
      select_cols: [...(select ?? [])],
    };
    checkOpInputs("DecodeCSV", [records, ...defaults], attrs);
    const shapes = decodeCsvShapes(opNameOf(scope), [
      records.shape,
      ...defaults.map((t) => t.shape),
    ]);
    const op = makeOp(
      graph,
      "DecodeCSV",
      scope,
      [records, ...defaults],
      defaults.map((t, i) => ({ dtype: t.dtype, shape: shapes[i] as TensorShape })),
      attrs,
    );
    return op.outputs.slice() as Tensor[];
  });
});
