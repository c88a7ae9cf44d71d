/**
 * `tf.io.decodeCsv` (DecodeCSV): TF 1.15's graph (`DecodeCSV/record_defaults_N`, attrs,
 * the records' shape on every output), its kernel's field splitting, quoting, defaults,
 * `naValue`, `selectCols` and number reading, and its messages — the cases of TF's
 * decode_csv_op_test.py with TF's expected values.
 */
import * as tfc from "@tensorflow/tfjs-core";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { expectThrowsAndUnchanged } from "../graph/helpers.js";

beforeEach(() => tf.resetDefaultGraph());

const i32 = (v: number[]): tf.Tensor => tf.constant(v, tf.int32);
const i64 = (v: number[]): tf.Tensor => tf.constant(v, tf.int64);

function run(outputs: tf.Tensor[]): unknown[] {
  using sess = new tf.Session();
  return sess.run(outputs).map((a) => a.toArray());
}

function runError(outputs: tf.Tensor[]): Error {
  using sess = new tf.Session();
  try {
    sess.run(outputs);
  } catch (e) {
    return e as Error;
  }
  throw new Error("expected the run to fail");
}

describe("tf.io.decodeCsv: the graph", () => {
  it("builds DecodeCSV with TF's attrs and input names, every output the records' shape", () => {
    const records = tf.placeholder(tf.string, [null, 3], "records");
    const out = tf.io.decodeCsv(records, [[1.5], i32([0]), i64([]), [""]], {
      fieldDelim: ";",
      naValue: "NA",
    });
    expect(out.map((t) => t.name)).toEqual([
      "DecodeCSV:0",
      "DecodeCSV:1",
      "DecodeCSV:2",
      "DecodeCSV:3",
    ]);
    expect(out.map((t) => t.dtype)).toEqual(["float32", "int32", "int64", "string"]);
    expect(out.map((t) => t.shape.toString())).toEqual(Array(4).fill("(?, 3)"));
    const op = out[0]!.op;
    expect(op.type).toBe("DecodeCSV");
    expect(op.attrs).toEqual({
      OUT_TYPE: ["float32", "int32", "int64", "string"],
      field_delim: ";",
      use_quote_delim: true,
      na_value: "NA",
      select_cols: [],
    });
    expect(op.inputs.map((t) => t.name)).toEqual([
      "records:0",
      "DecodeCSV/record_defaults_0:0",
      "Const:0",
      "Const_1:0",
      "DecodeCSV/record_defaults_3:0",
    ]);
    const named = tf.decodeCsv(["1"], [[0]], ",", true, "parse");
    expect(named[0]!.name).toBe("parse:0");
    expect(named[0]!.op.inputs[0]!.name).toBe("parse/records:0");
  });

  it("refuses defaults of rank 2 or of two values with TF's shape-function errors", () => {
    expectThrowsAndUnchanged(
      () => tf.io.decodeCsv(["1", "2"], [[[0]]]),
      tf.errors.ValueError,
      "Shape must be at most rank 1 but is rank 2 for 'DecodeCSV' (op: 'DecodeCSV') with input shapes: [2], [1,1].",
    );
    expectThrowsAndUnchanged(
      () => tf.io.decodeCsv(["1"], [[1, 2]]),
      tf.errors.ValueError,
      "Shape of a default must be a length-0 or length-1 vector, or a scalar. for 'DecodeCSV' (op: 'DecodeCSV') with input shapes: [1], [2].",
    );
  });

  it("checks selectCols as TF's Python does, before building anything", () => {
    const recs = ["1,2,3"];
    expectThrowsAndUnchanged(
      () => tf.io.decodeCsv(recs, [[0], [1]], { selectCols: [1, 0] }),
      tf.errors.ValueError,
      "select_cols is not strictly increasing.",
    );
    expectThrowsAndUnchanged(
      () => tf.io.decodeCsv(recs, [[0], [1]], { selectCols: [-1, 0] }),
      tf.errors.ValueError,
      "select_cols contains negative values.",
    );
    expectThrowsAndUnchanged(
      () => tf.io.decodeCsv(recs, [[0], [0], [0]], { selectCols: [0] }),
      tf.errors.ValueError,
      "Length of select_cols and record_defaults do not match.",
    );
    expectThrowsAndUnchanged(
      () => tf.io.decodeCsv(recs, []),
      tf.errors.ValueError,
      "List argument 'record_defaults' to 'DecodeCSV' Op with length 0 shorter than minimum length 1.",
    );
    const flag = tf.constant([true]);
    expectThrowsAndUnchanged(() => tf.io.decodeCsv(recs, [flag]), TypeError, /record_defaults/);
  });
});

describe("tf.io.decodeCsv: TF's kernel", () => {
  it("parses ints, quoted fields and scalar defaults (testSimple, testSimpleWithScalarDefaults)", () => {
    expect(run(tf.io.decodeCsv(["1", "2", '"3"'], [i32([1])]))).toEqual([[1, 2, 3]]);
    expect(
      run(
        tf.io.decodeCsv(
          ["1,4", "2,5", "3,6"],
          [tf.constant(1, tf.int32), tf.constant(2, tf.int32)],
        ),
      ),
    ).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(run(tf.io.decodeCsv('1,""', [i32([3]), i32([4])]))).toEqual([1, 4]);
  });

  it("keeps the records' shape: a [2,2] batch (test2D) and a [2,3] one", () => {
    expect(
      run(
        tf.io.decodeCsv(
          [
            ["1", "2"],
            ['""', "4"],
          ],
          [i32([5])],
        ),
      ),
    ).toEqual([
      [
        [1, 2],
        [5, 4],
      ],
    ]);
    const recs = tf.constant([
      ["1,a", "2,b", "3,c"],
      ["4,", ",e", "6,f"],
    ]);
    const [n, s] = tf.io.decodeCsv(recs, [[-1], ["z"]]);
    expect(run([n!, s!])).toEqual([
      [
        [1, 2, 3],
        [4, -1, 6],
      ],
      [
        ["a", "b", "c"],
        ["z", "e", "f"],
      ],
    ]);
  });

  it("reads strings with RFC 4180 quoting, or none (testComplexString, testSimpleNoQuoteDelimiter)", () => {
    const out = run(tf.io.decodeCsv(['"1.0"', '"ab , c"', '"a\nbc"', '"ab""c"', " abc "], [["1"]]));
    expect(out).toEqual([["1.0", "ab , c", "a\nbc", 'ab"c', " abc "]]);
    expect(run(tf.io.decodeCsv(["1", "2", '"3"'], [[""]], { useQuoteDelim: false }))).toEqual([
      ["1", "2", '"3"'],
    ]);
    expect(
      run(
        tf.io.decodeCsv(
          [
            ["1", "2"],
            ['""', '"'],
          ],
          [[""]],
          { useQuoteDelim: false },
        ),
      ),
    ).toEqual([
      [
        ["1", "2"],
        ['""', '"'],
      ],
    ]);
  });

  it("fills empty and NA fields from defaults (testMultiRecords, testNA, testWithDefaults, tabs)", () => {
    const multi = run(
      tf.io.decodeCsv(["1.0,4,aa", "0.2,5,bb", "3,6,cc"], [[1.0], i32([1]), ["aa"]]),
    ) as number[][];
    expect(multi[0]).toEqual([1, Math.fround(0.2), 3]);
    expect(multi.slice(1)).toEqual([
      [4, 5, 6],
      ["aa", "bb", "cc"],
    ]);
    expect(
      run(
        tf.io.decodeCsv(["2.0,NA,aa", "NA,5,bb", "3,6,NA"], [[0.0], i32([0]), [""]], {
          naValue: "NA",
        }),
      ),
    ).toEqual([
      [2, 0, 3],
      [0, 5, 6],
      ["aa", "bb", ""],
    ]);
    const withDefaults = run(
      tf.io.decodeCsv([",1,", "0.2,3,bcd", "3.0,,"], [[1.0], i32([0]), ["a"]]),
    );
    expect(withDefaults).toEqual([
      [1, Math.fround(0.2), 3],
      [1, 3, 0],
      ["a", "bcd", "a"],
    ]);
    expect(
      run(
        tf.io.decodeCsv([",1,", "0.2,3,bcd", '3.0,,"'], [[1.0], i32([0]), ["a"]], {
          useQuoteDelim: false,
        }),
      )[2],
    ).toEqual(["a", "bcd", '"']);
    expect(
      run(tf.io.decodeCsv(["1\t1", "0.2\t3", "3.0\t"], [[1.0], i32([0])], { fieldDelim: "\t" }))[1],
    ).toEqual([1, 3, 0]);
  });

  it("reads int64 (testInt64, inside int32's range) and TF's float syntax", () => {
    expect(run(tf.io.decodeCsv(["1", "2", '"-2147483648"'], [i64([])]))).toEqual([
      [1, 2, -2147483648],
    ]);
    const floats = tf.io.decodeCsv(
      [" 1.5 ", "-2e3", ".5", "0x10", "INF", "-inf", "+7.", "nan"],
      [tf.constant([], tf.float32)],
    );
    const [values] = run(floats) as number[][];
    expect(values!.slice(0, 7)).toEqual([1.5, -2000, 0.5, 16, Infinity, -Infinity, 7]);
    expect(values![7]).toBeNaN();
    // safe_strto32 takes spaces around the digits and a '-', but not a '+'.
    expect(run(tf.io.decodeCsv([" 12 ", "-3"], [i32([])]))).toEqual([[12, -3]]);
    expect(runError(tf.io.decodeCsv(["+3"], [i32([])])).message).toMatch(
      /^Field 0 in record 0 is not a valid int32: \+3/,
    );
  });

  it("selects columns (testSelectCols, testSelectColsInclLast, too-high indices)", () => {
    expect(
      run(tf.io.decodeCsv([",,", "4,5,6"], [i32([1]), i32([2])], { selectCols: [0, 1] })),
    ).toEqual([
      [1, 4],
      [2, 5],
    ]);
    expect(
      run(
        tf.io.decodeCsv([",,", "4,5,6"], [i32([0]), i32([1]), i32([2])], { selectCols: [0, 1, 2] }),
      ),
    ).toEqual([
      [0, 4],
      [1, 5],
      [2, 6],
    ]);
    expect(
      runError(
        tf.io.decodeCsv([",,", "4,5,6"], [i32([0]), i32([1]), i32([2])], { selectCols: [0, 1, 3] }),
      ).message,
    ).toMatch(/^Expect 3 fields but have 2 in record 0\n\t \[\[\{\{node DecodeCSV_\d+\}\}\]\]$/);
    expect(
      runError(tf.io.decodeCsv(["1,2,3"], [i32([0]), i32([1])], { selectCols: [0, 3] })).message,
    ).toMatch(/^Expect 2 fields but have 1 in record 0/);
  });

  it("fails with TF's messages, naming the node", () => {
    const cases: [tf.Tensor[], string][] = [
      [
        tf.io.decodeCsv([",1", "0.2,3", "3.0,"], [[1.0], i32([])]),
        "Field 1 is required but missing in record 2!",
      ],
      [
        tf.io.decodeCsv([",1", "0.2,234a", "3.0,2"], [[1.0], i32([])]),
        "Field 1 in record 1 is not a valid int32: 234a",
      ],
      [
        tf.io.decodeCsv(["1", "9999999999999999999999999", "3"], [i32([1])]),
        "Field 0 in record 1 is not a valid int32: 9999999999999999999999999",
      ],
      [
        tf.io.decodeCsv([",1", "0.2,2", "3.0adf,3"], [[1.0], i32([])]),
        "Field 0 in record 2 is not a valid float: 3.0adf",
      ],
      [tf.io.decodeCsv(["1,abc"], [[1], [2]]), "Field 1 in record 0 is not a valid float: abc"],
      [
        tf.io.decodeCsv(['"1,a,"', "0.22", 'a"bc'], [["a"]]),
        "Unquoted fields cannot have quotes/CRLFs inside",
      ],
      [
        tf.io.decodeCsv([",1", "0.2,2", "3.0adf,3"], [[1.0]]),
        "Expect 1 fields but have 2 in record 0",
      ],
      [tf.io.decodeCsv(["1,2"], [[1], [2], [3]]), "Expect 3 fields but have 2 in record 0"],
      [
        tf.io.decodeCsv(['"'], [["default"]]),
        "Quoted field has to end with quote followed by delim or end",
      ],
      [
        tf.io.decodeCsv(['"a"b"'], [["default"]]),
        "Quote inside a string has to be escaped by another quote",
      ],
      [tf.io.decodeCsv(["1"], [[1]], { fieldDelim: "ab" }), "field_delim should be only 1 char"],
    ];
    for (const [outputs, message] of cases) {
      const e = runError(outputs);
      expect(e).toBeInstanceOf(tf.errors.InvalidArgumentError);
      expect(e.message).toBe(`${message}\n\t [[{{node ${outputs[0]!.op.name}}}]]`);
    }
  });

  it("frees every tensor it makes but its outputs", () => {
    const out = tf.io.decodeCsv(
      tf.constant([
        ["1,x,3", "4,,6"],
        ["7,z,9", ",w,"],
      ]),
      [[0], ["-"], i64([5])],
    );
    using sess = new tf.Session();
    sess.run(out);
    const before = tfc.memory().numTensors;
    for (let i = 0; i < 20; i++) sess.run(out);
    expect(tfc.memory().numTensors).toBe(before);
  });
});
