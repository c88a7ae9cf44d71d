/**
 * NumPy's array printing (`numpy/_core/arrayprint.py`): `str(arr)` and `repr(arr)` for the
 * dtypes a session returns, with NumPy's print options, summarization and line wrapping.
 */

import type { DType } from "../graph/dtypes.js";
import { pyBytesRepr, pyTuple } from "../graph/pyformat.js";
import { ValueError } from "../errors.js";
import { float32ScalarStr, formatPositional, formatScientific, type TrimMode } from "./dragon4.js";

/** The element storage of an array: one typed array per numeric dtype, strings for `string`. */
export type ElementData = Float32Array | Int32Array | BigInt64Array | Uint8Array | string[];

/** What the printer needs to know about an array. */
export interface ArrayView {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: ElementData;
}

/** How floats choose their digits, as NumPy's `floatmode` print option. */
export type FloatMode = "maxprec" | "maxprec_equal" | "fixed" | "unique";

/**
 * NumPy's print options (`np.get_printoptions()`), with NumPy's names.
 *
 * `legacy: "2.2"` prints float32 as NumPy 1.x through 2.2 did: positional up to 1e8 in arrays
 * and 1e16 for scalars; the default follows NumPy 2.3+, which switches at 1e6 for float32.
 */
export interface PrintOptions {
  precision: number;
  threshold: number;
  edgeitems: number;
  linewidth: number;
  suppress: boolean;
  floatmode: FloatMode;
  nanstr: string;
  infstr: string;
  legacy: false | "2.2";
}

const DEFAULT_PRINT_OPTIONS: Readonly<PrintOptions> = Object.freeze({
  precision: 8,
  threshold: 1000,
  edgeitems: 3,
  linewidth: 75,
  suppress: false,
  floatmode: "maxprec",
  nanstr: "nan",
  infstr: "inf",
  legacy: false,
});

let printOptions: PrintOptions = { ...DEFAULT_PRINT_OPTIONS };

const FLOAT_MODES: readonly FloatMode[] = ["maxprec", "maxprec_equal", "fixed", "unique"];

function checkNonNegativeInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new ValueError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
}

/**
 * Changes how arrays print, as `np.set_printoptions`; unnamed options keep their values.
 *
 * @example
 * ```ts
 * import * as tf from "scopeflow";
 * setPrintOptions({ precision: 3 });
 * String(tf.NDArray.fromNested([Math.PI])); // ==> [3.142]
 * resetPrintOptions();
 * ```
 */
export function setPrintOptions(options: Partial<PrintOptions>): void {
  const next = { ...printOptions, ...options };
  for (const name of ["precision", "threshold", "edgeitems", "linewidth"] as const) {
    checkNonNegativeInteger(name, next[name]);
  }
  if (!FLOAT_MODES.includes(next.floatmode)) {
    throw new ValueError(
      `floatmode option must be one of ${FLOAT_MODES.map((m) => `"${m}"`).join(", ")}`,
    );
  }
  if (next.legacy !== false && next.legacy !== "2.2") {
    throw new ValueError(`legacy printing option can only be false or "2.2"`);
  }
  printOptions = next;
}

/**
 * The print options in force, as `np.get_printoptions()`.
 *
 * @example
 * ```ts
 * getPrintOptions().linewidth; // ==> 75
 * ```
 */
export function getPrintOptions(): PrintOptions {
  return { ...printOptions };
}

/**
 * Restores NumPy's default print options.
 *
 * @example
 * ```ts
 * setPrintOptions({ precision: 3 });
 * resetPrintOptions();
 * getPrintOptions().precision; // ==> 8
 * ```
 */
export function resetPrintOptions(): void {
  printOptions = { ...DEFAULT_PRINT_OPTIONS };
}

/**
 * Row-major strides, in elements.
 *
 * @example
 * ```ts
 * stridesOf([2, 3, 4]).join(", "); // ==> 12, 4, 1
 * ```
 */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = stride;
    stride *= shape[axis];
  }
  return strides;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Flat indices of the elements a summarized print shows: the first and last `edgeItems` along
 * every axis longer than twice that. Formats are sized from these only, as NumPy does.
 */
function shownIndices(shape: readonly number[], edgeItems: number, summarize: boolean): number[] {
  const strides = stridesOf(shape);
  let offsets = [0];
  shape.forEach((length, axis) => {
    const positions = axisPositions(length, edgeItems, summarize);
    offsets = offsets.flatMap((offset) => positions.map((i) => offset + i * strides[axis]));
  });
  return offsets;
}

function axisPositions(length: number, edgeItems: number, summarize: boolean): number[] {
  const all = Array.from({ length }, (_, i) => i);
  if (!summarize || length <= 2 * edgeItems) return all;
  return [...all.slice(0, edgeItems), ...all.slice(length - edgeItems)];
}

/** Formats one element, given its flat index. */
type ElementFormatter = (flatIndex: number) => string;

/**
 * NumPy's `FloatingFormat`: one pass over the shown values fixes notation, digits and padding
 * so that every element prints in the same columns.
 */
class FloatFormatter {
  private expFormat = false;
  private precision: number;
  private minDigits = -1;
  private unique = true;
  private trim: TrimMode = ".";
  private padLeft = 0;
  private padRight = 0;
  private expSize = -1;

  constructor(
    values: readonly number[],
    private readonly options: PrintOptions,
  ) {
    this.precision = options.floatmode === "unique" ? -1 : options.precision;
    const finite = values.filter((v) => Number.isFinite(v));
    this.expFormat = this.needsScientific(finite);
    if (finite.length === 0) {
      this.padLeft = 0;
      this.padRight = 0;
    } else if (this.expFormat) {
      this.fitScientific(finite);
    } else {
      this.fitPositional(finite);
    }
    if (finite.length !== values.length) this.fitNonFinite(values);
  }

  /**
   * NumPy's rule: scientific when the largest magnitude reaches the dtype's cutoff, or (unless
   * `suppress`) the smallest nonzero is below 1e-4 or the spread exceeds a factor of 1000.
   */
  private needsScientific(finite: readonly number[]): boolean {
    let max = 0;
    let min = Infinity;
    for (const v of finite) {
      if (v === 0) continue;
      max = Math.max(max, Math.abs(v));
      min = Math.min(min, Math.abs(v));
    }
    if (max === 0) return false;
    // float32 has 6 reliable digits; NumPy <= 2.2 used 1e8 for every float type.
    const cutoff = this.options.legacy === "2.2" ? 1e8 : 1e6;
    if (max >= cutoff) return true;
    if (this.options.suppress) return false;
    // NumPy compares in float32 here: 1e-4 and the quotient are rounded to float32 first.
    return min < Math.fround(1e-4) || Math.fround(max / min) > 1000;
  }

  private fitScientific(finite: readonly number[]): void {
    const fixed = this.options.floatmode === "fixed";
    this.unique = !fixed;
    const texts = finite.map((x) =>
      formatScientific(x, {
        unique: this.unique,
        precision: this.precision,
        minDigits: -1,
        trim: fixed ? "k" : ".",
        padLeft: -1,
        expDigits: -1,
      }),
    );
    const mantissas = texts.map((t) => t.slice(0, t.indexOf("e")));
    const exponents = texts.map((t) => t.slice(t.indexOf("e") + 1));
    this.expSize = maxLength(exponents) - 1;
    this.trim = "k";
    this.precision = maxLength(mantissas.map((m) => m.split(".")[1]));
    this.minDigits = this.precision;
    this.padLeft = maxLength(mantissas.map((m) => m.split(".")[0]));
    this.padRight = this.expSize + 2 + this.precision;
  }

  private fitPositional(finite: readonly number[]): void {
    const fixed = this.options.floatmode === "fixed";
    this.unique = !fixed;
    const texts = finite.map((x) =>
      formatPositional(x, {
        unique: this.unique,
        precision: this.precision,
        minDigits: -1,
        trim: fixed ? "k" : ".",
        padLeft: -1,
        padRight: -1,
      }),
    );
    this.padLeft = maxLength(texts.map((t) => t.split(".")[0]));
    this.padRight = maxLength(texts.map((t) => t.split(".")[1]));
    if (fixed || this.options.floatmode === "maxprec_equal") {
      this.precision = this.padRight;
      this.minDigits = this.padRight;
      this.trim = "k";
    } else {
      this.trim = ".";
      this.minDigits = 0;
    }
  }

  /** Widens the integer part so that `nan`, `inf` and `-inf` fit the columns. */
  private fitNonFinite(values: readonly number[]): void {
    const negativeInfinity = values.some((v) => v === -Infinity);
    const offset = this.padRight + 1;
    this.padLeft = Math.max(
      this.padLeft,
      this.options.nanstr.length - offset,
      this.options.infstr.length + (negativeInfinity ? 1 : 0) - offset,
    );
  }

  format(x: number): string {
    if (!Number.isFinite(x)) {
      const text = Number.isNaN(x) ? this.options.nanstr : (x < 0 ? "-" : "") + this.options.infstr;
      return text.padStart(this.padLeft + this.padRight + 1);
    }
    if (this.expFormat) {
      return formatScientific(x, {
        unique: this.unique,
        precision: this.precision,
        minDigits: this.minDigits,
        trim: this.trim,
        padLeft: this.padLeft,
        expDigits: this.expSize,
      });
    }
    return formatPositional(x, {
      unique: this.unique,
      precision: this.precision,
      minDigits: this.minDigits,
      trim: this.trim,
      padLeft: this.padLeft,
      padRight: this.padRight,
    });
  }
}

function maxLength(texts: readonly string[]): number {
  return texts.reduce((m, t) => Math.max(m, t.length), 0);
}

/** NumPy's `IntegerFormat`: right-aligned to the widest of the shown minimum and maximum. */
function integerFormatter(
  data: Int32Array | BigInt64Array,
  shown: readonly number[],
): ElementFormatter {
  let min: number | bigint | null = null;
  let max: number | bigint | null = null;
  for (const i of shown) {
    const v = data[i] as number | bigint;
    if (min === null || v < min) min = v;
    if (max === null || v > max) max = v;
  }
  const width = min === null ? 0 : Math.max(String(max).length, String(min).length);
  return (i) => String(data[i]).padStart(width);
}

/** NumPy's `BoolFormat`: ` True` lines up with `False`, except in a 0-d array. */
function boolFormatter(data: Uint8Array, rank: number): ElementFormatter {
  const trueText = rank === 0 ? "True" : " True";
  return (i) => (data[i] ? trueText : "False");
}

function elementFormatter(
  view: ArrayView,
  shown: readonly number[],
  options: PrintOptions,
): ElementFormatter {
  const { data } = view;
  if (Array.isArray(data)) return (i) => pyBytesRepr(data[i]);
  switch (view.dtype) {
    case "float32": {
      const floats = data as Float32Array;
      const formatter = new FloatFormatter(
        shown.map((i) => floats[i]),
        options,
      );
      return (i) => formatter.format(floats[i]);
    }
    case "int32":
    case "int64":
      // NumPy prints int64 arrays exactly as int32 ones: `[1 0]`.
      return integerFormatter(data as Int32Array | BigInt64Array, shown);
    case "bool":
      return boolFormatter(data as Uint8Array, view.shape.length);
    default:
      throw new ValueError(
        `cannot print an array of dtype ${view.dtype} stored as ${data.constructor.name}`,
      );
  }
}

/**
 * Appends `word` to the current line, first breaking the line when the word would pass
 * `lineWidth` (unless the line holds nothing but its indent, where breaking cannot help).
 */
function extendLine(
  text: string,
  line: string,
  word: string,
  lineWidth: number,
  nextLinePrefix: string,
): [string, string] {
  const needsWrap = line.length + word.length > lineWidth && line.length > nextLinePrefix.length;
  if (needsWrap) {
    return [text + line.trimEnd() + "\n", nextLinePrefix + word];
  }
  return [text, line + word];
}

/** Layout parameters of {@link formatNested}, as NumPy's `_formatArray` takes them. */
interface Layout {
  shape: readonly number[];
  strides: readonly number[];
  format: ElementFormatter;
  separator: string;
  edgeItems: number;
  summarize: boolean;
}

/**
 * Prints the nested brackets, one row per line for the innermost axis, blank lines between
 * blocks of higher axes, wrapping rows at the line width, with `...` where elements are elided.
 */
function formatNested(
  layout: Layout,
  axis: number,
  offset: number,
  hangingIndent: string,
  width: number,
): string {
  const { shape, strides, separator, edgeItems } = layout;
  if (axis === shape.length) return layout.format(offset);

  const length = shape[axis];
  const showSummary = layout.summarize && 2 * edgeItems < length;
  const leading = showSummary ? edgeItems : 0;
  const trailing = showSummary ? edgeItems : length;
  // Children sit one column right of this "[" and must leave room for its "]".
  const child = (i: number): string =>
    formatNested(layout, axis + 1, offset + i * strides[axis], hangingIndent + " ", width - 1);
  const leadingPositions = range(0, leading);
  // The last element is placed on its own: it takes no separator after it.
  const trailingPositions = range(length - trailing, length - 1);
  const last = length - 1;

  let text = "";
  if (axis === shape.length - 1) {
    const elementWidth = width - Math.max(separator.trimEnd().length, 1);
    let line = hangingIndent;
    const add = (word: string): void => {
      [text, line] = extendLine(text, line, word, elementWidth, hangingIndent);
    };
    for (const i of leadingPositions) {
      add(child(i));
      line += separator;
    }
    if (showSummary) {
      add("...");
      line += separator;
    }
    for (const i of trailingPositions) {
      add(child(i));
      line += separator;
    }
    add(child(last));
    text += line;
  } else {
    // Blocks of higher axes are set apart by one more blank line per axis below them.
    const lineSeparator = separator.trimEnd() + "\n".repeat(shape.length - axis - 1);
    for (const i of leadingPositions) text += hangingIndent + child(i) + lineSeparator;
    if (showSummary) text += hangingIndent + "..." + lineSeparator;
    for (const i of trailingPositions) text += hangingIndent + child(i) + lineSeparator;
    text += hangingIndent + child(last);
  }
  return "[" + text.slice(hangingIndent.length) + "]";
}

function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(end - start, 0) }, (_, i) => start + i);
}

/**
 * `np.array2string(a, separator=..., prefix=..., suffix=...)`: the bracketed body, aligned
 * for `prefix` standing before it and wrapped to leave room for `suffix` after it.
 */
function array2string(
  view: ArrayView,
  options: PrintOptions,
  separator: string,
  prefix: string,
  suffix: string,
): string {
  const size = sizeOf(view.shape);
  if (size === 0) return "[]";
  const summarize = size > options.threshold;
  const shown = shownIndices(view.shape, options.edgeitems, summarize);
  const layout: Layout = {
    shape: view.shape,
    strides: stridesOf(view.shape),
    format: elementFormatter(view, shown, options),
    separator,
    edgeItems: options.edgeitems,
    summarize,
  };
  const nextLinePrefix = " " + " ".repeat(prefix.length);
  return formatNested(layout, 0, 0, nextLinePrefix, options.linewidth - suffix.length);
}

/**
 * `str()` of one element, as printing the scalar TensorFlow returns for a 0-d result does:
 * `20.5`, `1.0`, `3`, `True`, `b'abc'`.
 */
function scalarStr(view: ArrayView, options: PrintOptions): string {
  const { data } = view;
  if (Array.isArray(data)) return pyBytesRepr(data[0]);
  switch (view.dtype) {
    case "float32":
      return float32ScalarStr(data[0] as number, options.legacy);
    case "bool":
      return data[0] ? "True" : "False";
    default:
      return String(data[0]);
  }
}

/**
 * `str(arr)` / `print(arr)` with NumPy's print options: `[1. 2.]`, `[[1 2]\n [3 4]]`.
 *
 * A 0-d array prints as its scalar. For a 0-d string that is `b'...'`, the `bytes` a session
 * returns (NumPy 2 would show a 0-d bytes array itself as `np.bytes_(b'...')`).
 *
 * @example
 * ```ts
 * arrayStr({ shape: [2], dtype: "float32", data: new Float32Array([1, 1]) }); // ==> [1. 1.]
 * ```
 */
export function arrayStr(view: ArrayView, options: PrintOptions = printOptions): string {
  if (view.shape.length === 0) return scalarStr(view, options);
  return array2string(view, options, " ", "", "");
}

const utf8 = new TextEncoder();

/**
 * The dtype as NumPy's repr spells it: `float32`, `int32`, `bool`, `'|S5'` (a string's size
 * is the byte length of its UTF-8 encoding).
 */
function dtypeRepr(view: ArrayView): string {
  const { data } = view;
  if (Array.isArray(data)) {
    const itemSize = data.reduce((m, s) => Math.max(m, utf8.encode(s).length), 1);
    return `'|S${itemSize}'`;
  }
  return view.dtype;
}

/**
 * `repr(arr)`: `array([1., 1.], dtype=float32)`, with the continuation lines indented under
 * `array(` and the `shape=`/`dtype=` extras NumPy adds when the values do not imply them.
 *
 * @example
 * ```ts
 * arrayRepr({ shape: [2], dtype: "float32", data: new Float32Array([1, 1]) }); // ==> array([1., 1.], dtype=float32)
 * ```
 */
export function arrayRepr(view: ArrayView, options: PrintOptions = printOptions): string {
  const prefix = "array(";
  const body = array2string(view, options, ", ", prefix, ")");
  const size = sizeOf(view.shape);
  const extras: string[] = [];
  const isEmptyVector = view.shape.length === 1 && view.shape[0] === 0;
  if ((size === 0 && !isEmptyVector) || size > options.threshold) {
    extras.push(`shape=${pyTuple(view.shape)}`);
  }
  // bool and int64 (NumPy's default integer) are implied by their printed values.
  const implied = view.dtype === "bool" || view.dtype === "int64";
  if (!implied || size === 0) extras.push(`dtype=${dtypeRepr(view)}`);
  if (extras.length === 0) return prefix + body + ")";

  const head = prefix + body + ",";
  const tail = extras.join(", ") + ")";
  const lastLineLength = head.length - (head.lastIndexOf("\n") + 1);
  const spacer =
    lastLineLength + tail.length + 1 > options.linewidth ? "\n" + " ".repeat(prefix.length) : " ";
  return head + spacer + tail;
}
