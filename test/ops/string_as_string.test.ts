/**
 * `tf.asString` (AsString): C printf formatting as TF's kernel builds it; cases from TF's
 * as_string_op_test.py, expected strings as Python's `%` operator writes them.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { printfNumber } from "../../src/ops/string/as_string.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

interface Opts {
  precision?: number;
  scientific?: boolean;
  shortest?: boolean;
  width?: number;
  fill?: string;
}

function format(values: unknown, dtype: tf.DType, options: Opts = {}): unknown {
  const x = tf.placeholder(dtype);
  const y = tf.asString(x, options);
  using sess = new tf.Session();
  return sess.run(y, { [x.name]: values } as never).toArray();
}

function fails(values: unknown, dtype: tf.DType, options: Opts, message: string): void {
  new tf.Graph().asDefault(() => {
    const x = tf.placeholder(dtype);
    const y = tf.asString(x, { ...(options as object), name: "s" });
    using sess = new tf.Session();
    expect(() => sess.run(y, { [x.name]: values } as never)).toThrow(
      new tf.errors.InvalidArgumentError(`${message}\n\t [[{{node s}}]]`, "s"),
    );
  });
}

const FLOATS = [0, 1, -1, 0.5, 0.25, 0.125, Infinity, NaN, -Infinity];

describe("tf.asString (AsString)", () => {
  it("builds AsString with TF's attrs and the input's shape", () => {
    const x = tf.placeholder(tf.float32, [null, 3]);
    const y = tf.strings.asString(x, { precision: 2, width: 5, fill: "0" });
    expect(y.op.type).toBe("AsString");
    expect(y.op.name).toBe("AsString");
    expect(y.shape.toString()).toBe("(?, 3)");
    expect(y.dtype).toBe("string");
    expect(
      ["T", "precision", "scientific", "shortest", "width", "fill"].map((k) => y.op.getAttr(k)),
    ).toEqual(["float32", 2, false, false, 5, "0"]);
  });

  it("floats: %f, %e, %g, precision, width and fill (testFloat)", () => {
    expect(format(FLOATS, tf.float32)).toEqual([
      "0.000000",
      "1.000000",
      "-1.000000",
      "0.500000",
      "0.250000",
      "0.125000",
      "inf",
      "nan",
      "-inf",
    ]);
    expect(format(FLOATS, tf.float32, { scientific: true })).toEqual([
      "0.000000e+00",
      "1.000000e+00",
      "-1.000000e+00",
      "5.000000e-01",
      "2.500000e-01",
      "1.250000e-01",
      "inf",
      "nan",
      "-inf",
    ]);
    expect(format(FLOATS, tf.float32, { shortest: true })).toEqual([
      "0",
      "1",
      "-1",
      "0.5",
      "0.25",
      "0.125",
      "inf",
      "nan",
      "-inf",
    ]);
    expect(format(FLOATS, tf.float32, { precision: 3 })).toEqual([
      "0.000",
      "1.000",
      "-1.000",
      "0.500",
      "0.250",
      "0.125",
      "inf",
      "nan",
      "-inf",
    ]);
    expect(format([0.5, -1], tf.float32, { width: 3, fill: "0", shortest: true })).toEqual([
      "0.5",
      "-01",
    ]);
    expect(
      format([0.5, 1e-5, 123456789], tf.float32, {
        precision: 10,
        width: 3,
        fill: "0",
        shortest: true,
      }),
    ).toEqual(["0.5", "9.999999747e-06", "123456792"]);
    expect(format([1.5, -2.25], tf.float32, { width: 8 })).toEqual(["1.500000", "-2.250000"]);
    expect(format([1.5, -2.25], tf.float32, { width: 12, fill: "-", precision: 1 })).toEqual([
      "1.5         ",
      "-2.2        ",
    ]);
  });

  it("the float32 value is written exactly, ties to even (0.1f is 0.100000001490116...)", () => {
    expect(format([0.1, 2.5, 3.5, 3.4e38], tf.float32, { precision: 0 })).toEqual([
      "0",
      "2",
      "4",
      "339999995214436424907732413799364296704",
    ]);
    expect(format([0.1], tf.float32, { precision: 12 })).toEqual(["0.100000001490"]);
  });

  it("ints: %d with width and fill; bools as true/false (testInt, testLargeInt, testBool)", () => {
    const ints = [0, -1, 1, -128, 127, -101, 101, -0];
    expect(format(ints, tf.int32)).toEqual(["0", "-1", "1", "-128", "127", "-101", "101", "0"]);
    expect(format(ints, tf.int32, { width: 3 })).toEqual([
      "  0",
      " -1",
      "  1",
      "-128",
      "127",
      "-101",
      "101",
      "  0",
    ]);
    expect(format(ints, tf.int64, { width: 3, fill: "0" })).toEqual([
      "000",
      "-01",
      "001",
      "-128",
      "127",
      "-101",
      "101",
      "000",
    ]);
    expect(format([-2147483648, 2147483647], tf.int32)).toEqual(["-2147483648", "2147483647"]);
    expect(format([false, true], tf.bool)).toEqual(["false", "true"]);
    expect(format([false, true], tf.bool, { width: 7 })).toEqual(["false", "true"]);
  });

  it("fails the run on options a dtype does not take, with TF's messages", () => {
    fails(
      [1],
      tf.int32,
      { scientific: true },
      "scientific and shortest format not supported for datatype int32",
    );
    fails(
      [1],
      tf.int64,
      { shortest: true },
      "scientific and shortest format not supported for datatype int64",
    );
    fails([1], tf.int32, { precision: 0 }, "precision not supported for datatype int32");
    fails([true], tf.bool, { precision: 1 }, "precision not supported for datatype bool");
    fails(
      [1],
      tf.float32,
      { scientific: true, shortest: true },
      "Cannot select both scientific and shortest notation",
    );
    fails([1], tf.float32, { fill: "ab" }, "Fill string must be one or fewer characters");
  });

  it("refuses a fill that is no printf flag, which TF's format would read as something else", () => {
    const x = tf.asString(tf.constant([10], tf.int32), { width: 4, fill: "x" });
    using sess = new tf.Session();
    expect(() => sess.run(x)).toThrow(/fill 'x' is not a printf flag/);
  });

  it("printfNumber agrees with C's printf on flags, widths, precisions", () => {
    const spec = (conv: "f" | "e" | "g", over: object = {}) => ({
      left: false,
      plus: false,
      space: false,
      alt: false,
      zero: false,
      width: 0,
      precision: null,
      conv,
      ...over,
    });
    expect(printfNumber(Math.fround(0.05), spec("g", { precision: 1 }))).toBe("0.05");
    expect(printfNumber(9.5, spec("e", { precision: 0 }))).toBe("1e+01");
    expect(printfNumber(99999.99, spec("g", { alt: true, width: 14 }))).toBe("       100000.");
    expect(printfNumber(1.5, spec("f", { plus: true, width: 6, precision: 1 }))).toBe("  +1.5");
    expect(printfNumber(1.5, spec("f", { space: true, precision: 0 }))).toBe(" 2");
    expect(printfNumber(1e-40, spec("e", { precision: 3 }))).toBe("1.000e-40");
    expect(printfNumber(-Infinity, spec("f", { zero: true, width: 6 }))).toBe("  -inf");
  });

  it("frees every tensor it makes", () => {
    const y = tf.asString(tf.constant([[1.5, 2]]));
    using sess = new tf.Session();
    sess.run(y);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 5; i++) sess.run(y);
    expect(tfc.memory().numTensors).toBe(before);
  });
});
