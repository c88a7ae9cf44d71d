import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";

import { ValueError } from "../../src/errors.js";
import {
  NDArray,
  arrayRepr,
  arrayStr,
  float32ScalarStr,
  formatPositional,
  formatScientific,
  getPrintOptions,
  resetPrintOptions,
  setPrintOptions,
  type PrintOptions,
} from "../../src/ndarray/index.js";

// Expected strings below were printed by NumPy 2.4.6 (`str(a)` / `repr(a)` with the default
// print options unless a test says otherwise).

const f32 = (value: Parameters<typeof NDArray.fromNested>[0]): NDArray<"float32"> =>
  NDArray.fromNested(value, "float32");
const i32 = (value: Parameters<typeof NDArray.fromNested>[0]): NDArray<"int32"> =>
  NDArray.fromNested(value, "int32");

afterEach(() => resetPrintOptions());

describe("examples the project must reproduce", () => {
  it("prints float32 vectors with a kept point", () => {
    expect(String(f32([1, 1]))).toBe("[1. 1.]");
    expect(String(f32([2, 2]))).toBe("[2. 2.]");
  });

  it("prints a float32 scalar like str(np.float32(x))", () => {
    expect(String(f32(20.5))).toBe("20.5");
    expect(String(f32(1))).toBe("1.0");
    expect(String(f32(0.05))).toBe("0.05");
  });

  it("aligns a 2-D float array on the point", () => {
    const a = f32([
      [-0.03965167, -0.0887058],
      [1.44239008, 0.27801564],
    ]);
    // The brief's "1.44239008" is how NumPy prints these values as float64; as float32,
    // 1.4423901 already reads back exactly, and NumPy pads it to the column.
    expect(String(a)).toBe("[[-0.03965167 -0.0887058 ]\n [ 1.4423901   0.27801564]]");
  });

  it("prints ints, bools and bytes", () => {
    expect(String(i32([1, 2, 3]))).toBe("[1 2 3]");
    expect(String(NDArray.fromNested([true, false]))).toBe("[ True False]");
    expect(String(NDArray.fromNested(["a", "bc"]))).toBe("[b'a' b'bc']");
    expect(String(i32(3))).toBe("3");
    expect(String(NDArray.fromNested(true))).toBe("True");
  });

  it("shows NumPy's repr in util.inspect and console.log", () => {
    expect(inspect(f32([1, 1]))).toBe("array([1., 1.], dtype=float32)");
    expect(f32([1, 1]).repr()).toBe("array([1., 1.], dtype=float32)");
  });
});

describe("float32 digits", () => {
  it("uses the shortest digits that read back as the same float32", () => {
    expect(String(f32([0.1, 0.2, 0.3]))).toBe("[0.1 0.2 0.3]");
    expect(String(f32([1 / 3, 2 / 3]))).toBe("[0.33333334 0.6666667 ]");
    expect(String(f32([Math.PI]))).toBe("[3.1415927]");
  });

  it("pads fractions on the right and integer parts on the left", () => {
    expect(String(f32([1.5, 2]))).toBe("[1.5 2. ]");
    expect(String(f32([-1.5, 2.25]))).toBe("[-1.5   2.25]");
    expect(f32([-1.5, 2.25]).repr()).toBe("array([-1.5 ,  2.25], dtype=float32)");
    expect(String(f32([1000, 1]))).toBe("[1000.    1.]");
  });

  it("keeps the sign of negative zero", () => {
    expect(String(f32([0, -0]))).toBe("[ 0. -0.]");
    expect(String(f32(-0))).toBe("-0.0");
  });

  it("switches to scientific notation by NumPy's rules", () => {
    // float32(1e-4) is not below float32(1e-4): positional.
    expect(String(f32([1e-4, 1]))).toBe("[1.e-04 1.e+00]");
    expect(String(f32([9.9e-5, 1]))).toBe("[9.9e-05 1.0e+00]");
    // max / min of exactly 1000 stays positional, above it does not.
    expect(String(f32([1001, 1]))).toBe("[1.001e+03 1.000e+00]");
    // float32 turns scientific at 1e6 (NumPy >= 2.3).
    expect(String(f32([999999]))).toBe("[999999.]");
    expect(String(f32([1e6]))).toBe("[1.e+06]");
    expect(String(f32([123.456, -0.001]))).toBe("[ 1.23456e+02 -1.00000e-03]");
  });

  it("prints every scientific mantissa with the same number of digits", () => {
    expect(String(f32([1e-5, 1.2345678e-5]))).toBe("[9.9999997e-06 1.2345678e-05]");
  });

  it("lines nan and inf up with the numbers", () => {
    expect(String(f32([NaN, 1.5]))).toBe("[nan 1.5]");
    expect(String(f32([Infinity, -Infinity]))).toBe("[ inf -inf]");
    expect(String(f32([NaN, -Infinity, 1.25]))).toBe("[ nan -inf 1.25]");
    expect(String(f32([1e-5, NaN]))).toBe("[1.e-05    nan]");
  });

  it("prints higher ranks with blank lines between blocks", () => {
    const a = NDArray.fromTypedArray(
      Float32Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 4],
      "float32",
    );
    expect(String(a)).toBe(
      "[[[ 0.  1.  2.  3.]\n  [ 4.  5.  6.  7.]\n  [ 8.  9. 10. 11.]]\n\n" +
        " [[12. 13. 14. 15.]\n  [16. 17. 18. 19.]\n  [20. 21. 22. 23.]]]",
    );
    const b = NDArray.fromTypedArray(
      Float32Array.from({ length: 16 }, (_, i) => i),
      [2, 2, 2, 2],
      "float32",
    );
    expect(String(b)).toBe(
      "[[[[ 0.  1.]\n   [ 2.  3.]]\n\n  [[ 4.  5.]\n   [ 6.  7.]]]\n\n\n" +
        " [[[ 8.  9.]\n   [10. 11.]]\n\n  [[12. 13.]\n   [14. 15.]]]]",
    );
  });

  it("wraps long rows at 75 columns", () => {
    const a = NDArray.fromTypedArray(
      Float32Array.from({ length: 30 }, (_, i) => Math.fround(i) / 7),
      [30],
      "float32",
    );
    expect(String(a)).toBe(
      "[0.         0.14285715 0.2857143  0.42857143 0.5714286  0.71428573\n" +
        " 0.85714287 1.         1.1428572  1.2857143  1.4285715  1.5714285\n" +
        " 1.7142857  1.8571428  2.         2.142857   2.2857144  2.4285715\n" +
        " 2.5714285  2.7142856  2.857143   3.         3.142857   3.2857144\n" +
        " 3.4285715  3.5714285  3.7142856  3.857143   4.         4.142857  ]",
    );
    expect(a.repr()).toBe(
      "array([0.        , 0.14285715, 0.2857143 , 0.42857143, 0.5714286 ,\n" +
        "       0.71428573, 0.85714287, 1.        , 1.1428572 , 1.2857143 ,\n" +
        "       1.4285715 , 1.5714285 , 1.7142857 , 1.8571428 , 2.        ,\n" +
        "       2.142857  , 2.2857144 , 2.4285715 , 2.5714285 , 2.7142856 ,\n" +
        "       2.857143  , 3.        , 3.142857  , 3.2857144 , 3.4285715 ,\n" +
        "       3.5714285 , 3.7142856 , 3.857143  , 4.        , 4.142857  ],\n" +
        "      dtype=float32)",
    );
  });

  it("summarizes more than 1000 elements with ... and sizes columns from the shown ones", () => {
    const a = NDArray.fromTypedArray(
      Float32Array.from({ length: 2000 }, (_, i) => i),
      [2000],
      "float32",
    );
    expect(String(a)).toBe("[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 1.999e+03]");
    expect(a.repr()).toBe(
      "array([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03,\n" +
        "       1.999e+03], shape=(2000,), dtype=float32)",
    );
  });

  it("prints empty arrays as []", () => {
    expect(String(NDArray.fromTypedArray([], [0], "float32"))).toBe("[]");
    expect(NDArray.fromTypedArray([], [0], "float32").repr()).toBe("array([], dtype=float32)");
    expect(NDArray.fromTypedArray([], [0, 3], "float32").repr()).toBe(
      "array([], shape=(0, 3), dtype=float32)",
    );
    expect(NDArray.fromTypedArray([], [2, 0], "int32").repr()).toBe(
      "array([], shape=(2, 0), dtype=int32)",
    );
  });
});

describe("float32 scalars (str(np.float32(x)))", () => {
  const cases: [number, string][] = [
    [20.5, "20.5"],
    [1, "1.0"],
    [0.05, "0.05"],
    [0.1, "0.1"],
    [0, "0.0"],
    [-0, "-0.0"],
    // float32(1e-4) lies just below 1e-4, and the scalar rule compares in double.
    [1e-4, "1e-04"],
    [1e-5, "1e-05"],
    [999999, "999999.0"],
    [1e6, "1e+06"],
    [123456789, "1.2345679e+08"],
    [NaN, "nan"],
    [-Infinity, "-inf"],
    [1 / 3, "0.33333334"],
    [3.4028235e38, "3.4028235e+38"],
    [1.4e-45, "1e-45"],
  ];
  it.each(cases)("%s prints %s", (x, expected) => {
    expect(String(f32(x))).toBe(expected);
    expect(float32ScalarStr(x)).toBe(expected);
  });

  it("uses NumPy <= 2.2's 1e16 cutoff under legacy 2.2", () => {
    expect(float32ScalarStr(1e6, "2.2")).toBe("1000000.0");
    expect(float32ScalarStr(9.99e15, "2.2")).toBe("9990000000000000.0");
    expect(float32ScalarStr(1e16, "2.2")).toBe("1e+16");
    expect(float32ScalarStr(67108872, "2.2")).toBe("67108870.0");
  });

  it("reprs a 0-d array as array(...)", () => {
    expect(f32(20.5).repr()).toBe("array(20.5, dtype=float32)");
    expect(i32(3).repr()).toBe("array(3, dtype=int32)");
    expect(NDArray.fromNested(true).repr()).toBe("array(True)");
    expect(NDArray.fromNested("ab").repr()).toBe("array(b'ab', dtype='|S2')");
  });

  it("prints a 0-d string as the bytes a session returns", () => {
    expect(String(NDArray.fromNested("ab"))).toBe("b'ab'");
  });
});

describe("int32, bool and bytes", () => {
  it("right-aligns ints to the widest shown value", () => {
    expect(String(i32([-1, 10, 100]))).toBe("[ -1  10 100]");
    expect(
      String(
        i32([
          [1, 2],
          [3, 4],
        ]),
      ),
    ).toBe("[[1 2]\n [3 4]]");
    expect(
      i32([
        [1, 2],
        [3, 4],
      ]).repr(),
    ).toBe("array([[1, 2],\n       [3, 4]], dtype=int32)");
  });

  it("wraps and summarizes ints", () => {
    const a = NDArray.fromTypedArray(
      Int32Array.from({ length: 40 }, (_, i) => i),
      [40],
      "int32",
    );
    expect(String(a)).toBe(
      "[ 0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22 23\n" +
        " 24 25 26 27 28 29 30 31 32 33 34 35 36 37 38 39]",
    );
    expect(a.repr()).toBe(
      "array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16,\n" +
        "       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,\n" +
        "       34, 35, 36, 37, 38, 39], dtype=int32)",
    );
    const b = NDArray.fromTypedArray(
      Int32Array.from({ length: 3000 }, (_, i) => i),
      [3000],
      "int32",
    );
    expect(String(b)).toBe("[   0    1    2 ... 2997 2998 2999]");
    expect(b.repr()).toBe(
      "array([   0,    1,    2, ..., 2997, 2998, 2999],\n      shape=(3000,), dtype=int32)",
    );
  });

  it("pads True to the width of False, except in a 0-d array", () => {
    expect(NDArray.fromNested([true, false]).repr()).toBe("array([ True, False])");
    expect(String(NDArray.fromNested([[true], [false]]))).toBe("[[ True]\n [False]]");
    expect(NDArray.fromNested([[true], [false]]).repr()).toBe("array([[ True],\n       [False]])");
  });

  it("prints strings as Python bytes literals", () => {
    expect(NDArray.fromNested(["a", "bc"]).repr()).toBe("array([b'a', b'bc'], dtype='|S2')");
    const quoted = NDArray.fromNested(["it's", 'say "hi"', "tab\t\\"]);
    expect(String(quoted)).toBe(`[b"it's" b'say "hi"' b'tab\\t\\\\']`);
    expect(quoted.repr()).toBe(`array([b"it's", b'say "hi"', b'tab\\t\\\\'], dtype='|S8')`);
    // Non-ASCII text is UTF-8 encoded, as TensorFlow stores it.
    expect(NDArray.fromNested(["héllo"]).repr()).toBe("array([b'h\\xc3\\xa9llo'], dtype='|S6')");
  });
});

describe("print options", () => {
  it("reproduces NumPy <= 2.2 float32 cutoffs under legacy 2.2", () => {
    setPrintOptions({ legacy: "2.2" });
    expect(String(f32([1e7, 2e7]))).toBe("[10000000. 20000000.]");
    // Positional array elements print every digit down to the units place.
    expect(String(f32([67108872]))).toBe("[67108872.]");
    resetPrintOptions();
    expect(String(f32([67108872]))).toBe("[6.710887e+07]");
  });

  it("supports every floatmode and precision", () => {
    const a = f32([Math.PI, 1.5, -2, 1 / 3]);
    setPrintOptions({ floatmode: "fixed" });
    expect(String(a)).toBe("[ 3.14159274  1.50000000 -2.00000000  0.33333334]");
    setPrintOptions({ floatmode: "unique" });
    expect(String(a)).toBe("[ 3.1415927   1.5        -2.          0.33333334]");
    setPrintOptions({ floatmode: "maxprec_equal" });
    expect(String(a)).toBe("[ 3.14159274  1.50000000 -2.00000000  0.33333334]");
    setPrintOptions({ floatmode: "maxprec", precision: 3 });
    expect(String(a)).toBe("[ 3.142  1.5   -2.     0.333]");
    expect(a.repr()).toBe("array([ 3.142,  1.5  , -2.   ,  0.333], dtype=float32)");
  });

  it("suppresses small values, changes the width, threshold and edge items", () => {
    setPrintOptions({ suppress: true });
    expect(String(f32([1e-10, 1, 1000.5]))).toBe("[   0.     1.  1000.5]");
    resetPrintOptions();
    const ints = NDArray.fromTypedArray(
      Int32Array.from({ length: 20 }, (_, i) => i),
      [20],
      "int32",
    );
    setPrintOptions({ linewidth: 20 });
    expect(String(ints)).toBe(
      "[ 0  1  2  3  4  5\n  6  7  8  9 10 11\n 12 13 14 15 16 17\n 18 19]",
    );
    expect(ints.repr()).toBe(
      "array([ 0,  1,  2,\n        3,  4,  5,\n        6,  7,  8,\n        9, 10, 11,\n" +
        "       12, 13, 14,\n       15, 16, 17,\n       18, 19],\n      dtype=int32)",
    );
    setPrintOptions({ linewidth: 75, threshold: 10, edgeitems: 2 });
    expect(String(ints)).toBe("[ 0  1 ... 18 19]");
    expect(ints.repr()).toBe("array([ 0,  1, ..., 18, 19], shape=(20,), dtype=int32)");
  });

  it("uses nanstr and infstr", () => {
    setPrintOptions({ nanstr: "NaN", infstr: "Infinity" });
    expect(String(f32([NaN, Infinity]))).toBe("[     NaN Infinity]");
  });

  it("reads back, validates and resets", () => {
    expect(getPrintOptions()).toEqual({
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
    expect(() => setPrintOptions({ precision: -1 })).toThrow(ValueError);
    expect(() => setPrintOptions({ floatmode: "nope" as PrintOptions["floatmode"] })).toThrow(
      ValueError,
    );
    expect(getPrintOptions().precision).toBe(8);
  });

  it("lets arrayStr and arrayRepr take explicit options", () => {
    const view = { shape: [2], dtype: "float32" as const, data: new Float32Array([1, 1]) };
    expect(arrayStr(view)).toBe("[1. 1.]");
    expect(arrayRepr(view, { ...getPrintOptions(), linewidth: 10 })).toBe(
      "array([1.,\n       1.],\n      dtype=float32)",
    );
  });
});

describe("dragon4 formatting helpers", () => {
  it("formats positionally like np.format_float_positional", () => {
    const base = { unique: true, precision: -1, minDigits: -1, padLeft: -1, padRight: -1 } as const;
    expect(formatPositional(0.1, { ...base, trim: "." })).toBe("0.1");
    expect(formatPositional(1, { ...base, trim: "." })).toBe("1.");
    expect(formatPositional(1, { ...base, trim: "0" })).toBe("1.0");
    expect(formatPositional(1, { ...base, trim: "-" })).toBe("1");
    expect(formatPositional(1.5, { ...base, trim: "k", minDigits: 3 })).toBe("1.500");
    expect(formatPositional(0.001953125, { ...base, trim: ".", precision: 8 })).toBe("0.00195312");
    expect(formatPositional(Math.PI, { ...base, unique: false, precision: 10, trim: "k" })).toBe(
      "3.1415927410",
    );
  });

  it("formats scientifically like np.format_float_scientific", () => {
    const base = {
      unique: true,
      precision: -1,
      minDigits: -1,
      padLeft: -1,
      expDigits: -1,
    } as const;
    expect(formatScientific(1e-5, { ...base, trim: "." })).toBe("1.e-05");
    expect(formatScientific(1e-5, { ...base, trim: "-" })).toBe("1e-05");
    expect(formatScientific(1e-5, { ...base, trim: "k", minDigits: 7 })).toBe("9.9999997e-06");
    expect(formatScientific(3.4e38, { ...base, trim: ".", expDigits: 3 })).toBe("3.4e+038");
  });
});

describe("NumPy fixtures", () => {
  interface Fixture {
    note: string;
    shape: number[];
    dtype: "float32" | "int32" | "bool" | "string";
    data: (number | boolean | string)[];
    options: Partial<PrintOptions>;
    str: string;
    repr: string;
  }
  const fixtures = JSON.parse(
    readFileSync(new URL("./numpy_fixtures.json", import.meta.url), "utf8"),
  ) as { numpy: string; cases: Fixture[] };

  function build(c: Fixture): NDArray {
    switch (c.dtype) {
      case "float32":
        // Stored as IEEE bit patterns so every float32 loads exactly.
        return NDArray.fromTypedArray(
          new Float32Array(new Uint32Array(c.data as number[]).buffer),
          c.shape,
          "float32",
        );
      case "bool":
        return NDArray.fromTypedArray(c.data as boolean[], c.shape, "bool");
      default:
        return NDArray.fromTypedArray(c.data as number[] | string[], c.shape, c.dtype);
    }
  }

  it.each(fixtures.cases.map((c, i) => [i, c.note, c] as const))(
    "#%i %s prints as NumPy does",
    (_i, _note, c) => {
      setPrintOptions(c.options);
      const a = build(c);
      expect(String(a)).toBe(c.str);
      expect(a.repr()).toBe(c.repr);
    },
  );
});

describe("NDArray construction", () => {
  it("wraps matching storage and checks it against the shape", () => {
    const data = new Float32Array([1, 2, 3, 4, 5, 6]);
    const a = new NDArray(data, [2, 3], "float32");
    expect(a.data).toBe(data);
    expect(a.shape).toEqual([2, 3]);
    expect(a.size).toBe(6);
    expect(a.ndim).toBe(2);
    expect(() => new NDArray(data, [4], "float32")).toThrow(
      new ValueError("cannot reshape array of size 6 into shape (4,)"),
    );
    expect(() => new NDArray(new Int32Array(2) as unknown as Float32Array, [2], "float32")).toThrow(
      /stores its elements in a Float32Array, got Int32Array/,
    );
    expect(() => new NDArray(data, [2, -3], "float32")).toThrow(ValueError);
    expect(() => new NDArray(data, [6], "float64" as "float32")).toThrow(
      /unsupported dtype float64/,
    );
  });

  it("copies the shape it is given", () => {
    const shape = [2];
    const a = new NDArray(new Int32Array([1, 2]), shape, "int32");
    shape[0] = 5;
    expect(a.shape).toEqual([2]);
  });

  it("converts other storage in fromTypedArray", () => {
    expect(NDArray.fromTypedArray([1.5, 2], [2], "float32").data).toEqual(
      new Float32Array([1.5, 2]),
    );
    expect(NDArray.fromTypedArray(new Float64Array([1, 2]), [2], "int32").data).toEqual(
      new Int32Array([1, 2]),
    );
    expect(NDArray.fromTypedArray([0, 2, 1], [3], "bool").toArray()).toEqual([false, true, true]);
    expect(NDArray.fromTypedArray([true, false], [2], "bool").data).toEqual(new Uint8Array([1, 0]));
    expect(() => NDArray.fromTypedArray(["1"], [1], "float32")).toThrow(ValueError);
    const utf8 = [new TextEncoder().encode("héllo"), new TextEncoder().encode("x")];
    expect(NDArray.fromTypedArray(utf8, [2], "string").toArray()).toEqual(["héllo", "x"]);
    expect(() => NDArray.fromTypedArray([1, 2], [3], "float32")).toThrow(ValueError);
  });

  it("infers shape and dtype in fromNested as tf.constant would", () => {
    expect(
      NDArray.fromNested([
        [1, 2],
        [3, 4],
      ]).dtype,
    ).toBe("int32");
    expect(NDArray.fromNested([1, 2.5]).dtype).toBe("float32");
    expect(NDArray.fromNested([2 ** 31]).dtype).toBe("float32");
    expect(NDArray.fromNested([true]).dtype).toBe("bool");
    expect(NDArray.fromNested(["a"]).dtype).toBe("string");
    expect(NDArray.fromNested([]).dtype).toBe("float32");
    expect(NDArray.fromNested([]).shape).toEqual([0]);
    expect(NDArray.fromNested([[], []]).shape).toEqual([2, 0]);
    expect(NDArray.fromNested(5).shape).toEqual([]);
    expect(NDArray.fromNested([[[1], [2]]]).shape).toEqual([1, 2, 1]);
  });

  it("rejects ragged nesting with NumPy's message", () => {
    expect(() => NDArray.fromNested([[1, 2], [3]])).toThrow(
      new ValueError(
        "setting an array element with a sequence. The requested array has an inhomogeneous " +
          "shape after 1 dimensions. The detected shape was (2,) + inhomogeneous part.",
      ),
    );
    expect(() => NDArray.fromNested([1, [2]])).toThrow(/inhomogeneous shape after 1 dimensions/);
    expect(() => NDArray.fromNested([[1], 2])).toThrow(/inhomogeneous shape after 1 dimensions/);
    expect(() => NDArray.fromNested([[[1, 2]], [[3]]])).toThrow(
      /after 2 dimensions. The detected shape was \(2, 1\)/,
    );
  });

  it("rejects mixed kinds and values that do not fit the dtype", () => {
    expect(() => NDArray.fromNested([1, true])).toThrow(/mixed element types/);
    expect(() => NDArray.fromNested([1.5], "int32")).toThrow(
      new ValueError("Expected int32, got 1.5 (number) instead."),
    );
    expect(() => NDArray.fromNested([1], "bool")).toThrow(ValueError);
    expect(() => NDArray.fromNested(["a"], "float32")).toThrow(ValueError);
    expect(NDArray.fromNested([1, 2], "float32").toString()).toBe("[1. 2.]");
  });
});

describe("NDArray element access", () => {
  const m = NDArray.fromNested([
    [1, 2, 3],
    [4, 5, 6],
  ]);

  it("item() takes the one element or throws NumPy's error", () => {
    expect(NDArray.fromNested([[7]]).item()).toBe(7);
    expect(f32(20.5).item()).toBe(20.5);
    expect(NDArray.fromNested(false).item()).toBe(false);
    expect(NDArray.fromNested(["s"]).item()).toBe("s");
    expect(() => m.item()).toThrow(
      new ValueError("can only convert an array of size 1 to a Python scalar"),
    );
    expect(() => NDArray.fromNested([]).item()).toThrow(/size 1/);
  });

  it("get() indexes every axis, counting negatives from the end", () => {
    expect(m.get(0, 0)).toBe(1);
    expect(m.get(1, 2)).toBe(6);
    expect(m.get(-1, -3)).toBe(4);
    expect(NDArray.fromNested([true, false]).get(1)).toBe(false);
    expect(f32(2.5).get()).toBe(2.5);
    expect(() => m.get(2, 0)).toThrow(
      new ValueError("index 2 is out of bounds for axis 0 with size 2"),
    );
    expect(() => m.get(0, -4)).toThrow(/index -4 is out of bounds for axis 1 with size 3/);
    expect(() => m.get(0, 0, 0)).toThrow(
      /too many indices for array: array is 2-dimensional, but 3/,
    );
    expect(() => m.get(0)).toThrow(/one index per axis/);
    expect(() => m.get(0.5, 0)).toThrow(ValueError);
  });

  it("toArray() nests the elements, or returns the scalar itself", () => {
    expect(m.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(f32(20.5).toArray()).toBe(20.5);
    expect(NDArray.fromNested([[true], [false]]).toArray()).toEqual([[true], [false]]);
    expect(NDArray.fromNested([[], []]).toArray()).toEqual([[], []]);
    expect(f32([0.1]).toArray()).toEqual([Math.fround(0.1)]);
  });
});

describe("NDArray comparisons", () => {
  it("equals compares shape and values like np.array_equal", () => {
    expect(i32([1, 2]).equals([1, 2])).toBe(true);
    expect(i32([1, 2]).equals(f32([1, 2]))).toBe(true);
    expect(i32([1, 2]).equals([1, 3])).toBe(false);
    expect(i32([1, 2]).equals([[1, 2]])).toBe(false);
    expect(f32([NaN]).equals(f32([NaN]))).toBe(false);
    expect(NDArray.fromNested(["a"]).equals(["a"])).toBe(true);
    expect(NDArray.fromNested(["1"]).equals([1])).toBe(false);
  });

  it("allClose uses np.allclose's tolerances and broadcasting", () => {
    expect(f32([1, 2]).allClose([1.000001, 2])).toBe(true);
    expect(f32([1, 2]).allClose([1.001, 2])).toBe(false);
    expect(f32([1, 2]).allClose([1.001, 2], 1e-2)).toBe(true);
    expect(f32([0]).allClose([1e-9])).toBe(true);
    expect(f32([0]).allClose([1e-9], 0, 0)).toBe(false);
    expect(
      f32([
        [1, 1],
        [1, 1],
      ]).allClose(1),
    ).toBe(true);
    expect(
      f32([
        [1, 2],
        [1, 2],
      ]).allClose([1, 2]),
    ).toBe(true);
    expect(f32([Infinity, -Infinity]).allClose([Infinity, -Infinity])).toBe(true);
    expect(f32([Infinity]).allClose([-Infinity])).toBe(false);
    expect(f32([NaN]).allClose([NaN])).toBe(false);
    expect(() => f32([1, 2]).allClose([1, 2, 3])).toThrow(
      /operands could not be broadcast together with shapes \(2,\) \(3,\)/,
    );
    expect(() => NDArray.fromNested(["a"]).allClose(["a"])).toThrow(ValueError);
  });
});
