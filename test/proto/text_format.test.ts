import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  AttrValue,
  GraphDef,
  MetaGraphDef,
  NodeDef,
  OpList,
  SavedModel,
  TensorProto,
  TextFormatError,
  cEscape,
  formatDouble,
  formatFloat32,
  type MessageCodec,
} from "../../src/proto/index.js";

const GRAPHS = join(import.meta.dirname, "../fixtures/tf-graphs");
const read = (p: string): string => readFileSync(join(GRAPHS, p), "utf8");
const bytesOf = <D, P>(c: MessageCodec<D, P>, m: P): Uint8Array => new Uint8Array(c.toBinary(m));

describe("text format: TF-written .pbtxt files print back byte for byte", () => {
  // Written by TF's Python text_format (graphs by grappler tests, the SavedModel by
  // SavedModelBuilder.save(as_text=True)); Python float spelling.
  const pythonFiles: [string, MessageCodec<unknown, never>][] = [
    ["tf-saved-model-pbtxt-tf1.1/00000123/saved_model.pbtxt", SavedModel as never],
    ["tf-grappler-control-flow-pbtxt/while_loop.pbtxt", GraphDef as never],
    ["tf-grappler-control-flow-pbtxt/nested_loop.pbtxt", GraphDef as never],
    ["tf-grappler-control-flow-pbtxt/merge_without_loops.pbtxt", GraphDef as never],
    ["tf-grappler-control-flow-pbtxt/function_switch.pbtxt", GraphDef as never],
    ["tf-grappler-control-flow-pbtxt/function_functional_while.pbtxt", GraphDef as never],
  ];
  for (const [file, codec] of pythonFiles) {
    it(file, () => {
      const text = read(file);
      const msg = codec.fromText(text);
      expect(codec.toText(msg as never)).toBe(text);
      // print → parse is the identity (compared on the binary form).
      expect(bytesOf(codec, codec.fromText(codec.toText(msg as never)) as never)).toEqual(
        bytesOf(codec, msg as never),
      );
    });
  }

  it("ops.pbtxt (TF 1.11's op registry, printed by TF's C++: floats as %g)", () => {
    const text = read("tf-oplist-1.11/ops.pbtxt");
    const ops = OpList.fromText(text);
    expect(ops.op.length).toBe(930);
    const conv = ops.op.find((o) => o.name === "Conv2D");
    expect(conv?.attr?.map((a) => a.name)).toEqual([
      "T",
      "strides",
      "use_cudnn_on_gpu",
      "padding",
      "data_format",
      "dilations",
    ]);
    expect(OpList.toText(ops, { floatStyle: "cpp" })).toBe(text);
    // The Python spelling differs only in floats: `f: 0` becomes `f: 0.0`.
    const py = OpList.toText(ops);
    expect(py).not.toBe(text);
    expect(py.replace(/^(\s*f: )0\.0$/gm, "$10").replace(/^(\s*f: )(-?\d+)\.0$/gm, "$1$2")).toBe(
      text,
    );
  });

  it("graph.pbtxt from TF 1.2: only float32 spelling differs (Python 2 str vs TF 1.15's shortest form)", () => {
    const text = read("tf-profiler-metagraph-ckpt-tf1.2/graph.pbtxt");
    const out = GraphDef.toText(GraphDef.fromText(text));
    const a = text.split("\n");
    const b = out.split("\n");
    expect(b.length).toBe(a.length);
    const diffs = a.flatMap((line, i) => (line === b[i] ? [] : [[line.trim(), b[i].trim()]]));
    // Python 2's str() printed 12 significant digits of the float32's double value;
    // protobuf >= 3.8 (TF 1.15) prints the shortest decimal that reads back as the float32.
    expect(diffs).toEqual([
      ["float_val: 0.0010000000475", "float_val: 0.001"],
      ["float_val: 0.0010000000475", "float_val: 0.001"],
      ["float_val: 0.0010000000475", "float_val: 0.001"],
    ]);
  });

  it("binary → text → binary: same message; map entries come back in key order", () => {
    const bytes = new Uint8Array(
      readFileSync(
        join(
          GRAPHS,
          "tf-serving-savedmodels-tf1/saved_model_half_plus_two_cpu/00000123/saved_model.pb",
        ),
      ),
    );
    const sm = SavedModel.fromBinary(bytes);
    const text = SavedModel.toText(sm);
    const back = SavedModel.fromText(text);
    expect(SavedModel.toText(back)).toBe(text);
    // TF's C++ serialises maps in hash order; text prints them sorted, so the bytes
    // differ only in the order of map entries: same length, same entries.
    const again = bytesOf(SavedModel, back);
    expect(again.length).toBe(bytes.length);
    expect(again).not.toEqual(bytes);
    expect(Object.keys(sm.metaGraphs[0].signatureDef ?? {})).toEqual([
      "serving_default",
      "classify_x_to_y",
      "regress_x_to_y2",
      "regress_x_to_y",
      "regress_x2_to_y3",
    ]);
    expect(Object.keys(back.metaGraphs[0].signatureDef ?? {})).toEqual([
      "classify_x_to_y",
      "regress_x2_to_y3",
      "regress_x_to_y",
      "regress_x_to_y2",
      "serving_default",
    ]);
  });
});

describe("text format: value spelling", () => {
  it("float32 as TF 1.15's Python prints it", () => {
    const cases: [number, string][] = [
      [0.1, "0.1"],
      [2, "2.0"],
      [0.5, "0.5"],
      [1e-5, "1e-05"],
      [0.0001, "0.0001"],
      [1e20, "1e+20"],
      [16777216, "16777216.0"],
      [1234567, "1234567.0"],
      [3.4028234663852886e38, "3.4028235e+38"],
      [-0.001, "-0.001"],
      [0, "0.0"],
      [NaN, "nan"],
      [Infinity, "inf"],
      [-Infinity, "-inf"],
    ];
    for (const [x, s] of cases) expect(formatFloat32(x), String(x)).toBe(s);
  });

  it("doubles as Python's repr", () => {
    expect(formatDouble(0.1)).toBe("0.1");
    expect(formatDouble(1e15)).toBe("1000000000000000.0");
    expect(formatDouble(1e16)).toBe("1e+16");
    expect(formatDouble(1.5e-7)).toBe("1.5e-07");
    expect(formatDouble(Number("123456789012345678"))).toBe("1.2345678901234568e+17");
  });

  it("C++ float style (%.6g, %.9g when needed)", () => {
    const t = (f: number): string => AttrValue.toText({ f }, { floatStyle: "cpp" });
    expect(t(0)).toBe("f: 0\n");
    expect(t(0.5)).toBe("f: 0.5\n");
    expect(t(1e-5)).toBe("f: 1e-05\n");
    expect(t(123456789)).toBe("f: 123456792\n");
    expect(t(3.4028234663852886e38)).toBe("f: 3.40282347e+38\n");
    expect(t(-2.5e-7)).toBe("f: -2.5e-07\n");
    expect(t(0.1)).toBe("f: 0.1\n");
    expect(() => AttrValue.toText({ f: 1 }, { floatStyle: "c" as never })).toThrow(/floatStyle/);
  });

  it("CEscape: named escapes and three-digit octal", () => {
    expect(cEscape(Uint8Array.from([0, 10, 13, 9, 34, 39, 92, 127, 200, 65, 32, 126]))).toBe(
      "\\000\\n\\r\\t\\\"\\'\\\\\\177\\310A ~",
    );
    // String fields are UTF-8 encoded first, then escaped (TF's as_utf8=False).
    expect(NodeDef.toText({ name: "é/x" })).toBe('name: "\\303\\251/x"\n');
    expect(NodeDef.fromText('name: "\\303\\251/x"').name).toBe("é/x");
  });

  it("proto3 defaults are omitted, oneof members printed even when default, maps sorted by key", () => {
    expect(AttrValue.toText({ s: new Uint8Array() })).toBe('s: ""\n');
    expect(AttrValue.toText({ i: 0 })).toBe("i: 0\n");
    const node = NodeDef.fromText(
      'name: "" op: "Const" attr { key: "value" value { i: 3 } } attr { key: "dtype" value { type: DT_FLOAT } }',
    );
    expect(NodeDef.toText(node)).toBe(
      'op: "Const"\nattr {\n  key: "dtype"\n  value {\n    type: DT_FLOAT\n  }\n}\nattr {\n  key: "value"\n  value {\n    i: 3\n  }\n}\n',
    );
    expect(TensorProto.toText({ dtype: 0, versionNumber: 0, tensorShape: {} })).toBe(
      "tensor_shape {\n}\n",
    );
  });
});

describe("text format: parsing", () => {
  it("accepts the forms TF's parser accepts", () => {
    const t = TensorProto.fromText(`
      # a comment
      dtype: 3 ;
      tensor_shape < dim { size: 0x10 } dim: { size: 010 name: 'a' "b" } >,
      int_val: [1, -2, 3]
      int_val: 4
      string_val: "\\x41\\101\\n\\u00e9"
    `);
    expect(t.dtype).toBe(3);
    expect(t.tensorShape?.dim?.map((d) => d.size)).toEqual([16, 8]);
    expect(t.tensorShape?.dim?.[1].name).toBe("ab");
    expect(t.intVal).toEqual([1, -2, 3, 4]);
    expect(Array.from(t.stringVal[0])).toEqual([0x41, 0x41, 10, 0xc3, 0xa9]);
  });

  it("floats: inf, nan, exponents, f suffix", () => {
    const t = TensorProto.fromText("float_val: [inf, -inf, nan, 1e-05, 2.5f, -3, 1E+2]");
    expect(t.floatVal.slice(0, 2)).toEqual([Infinity, -Infinity]);
    expect(Number.isNaN(t.floatVal[2])).toBe(true);
    expect(t.floatVal.slice(3)).toEqual([Math.fround(1e-5), 2.5, -3, 100]);
  });

  it("int64 beyond 2^53 stays exact (Long) and prints back", () => {
    const text = "int64_val: 9223372036854775807\nint64_val: -9223372036854775808\nint64_val: 5\n";
    const t = TensorProto.fromText(text);
    expect(t.int64Val[2]).toBe(5);
    expect(String(t.int64Val[0])).toBe("9223372036854775807");
    expect(TensorProto.toText(t)).toBe(text);
    expect(TensorProto.fromBinary(TensorProto.toBinary(t)).int64Val.map(String)).toEqual([
      "9223372036854775807",
      "-9223372036854775808",
      "5",
    ]);
  });

  it("google.protobuf.Any in expanded form", () => {
    const mg = MetaGraphDef.fromText(
      'collection_def { key: "k" value { any_list { value { [type.googleapis.com/tensorflow.NodeDef] { name: "n" } } } } }',
    );
    const any = mg.collectionDef.k.anyList?.value?.[0];
    expect(any?.type_url).toBe("type.googleapis.com/tensorflow.NodeDef");
    expect(NodeDef.fromBinary(any?.value as Uint8Array).name).toBe("n");
  });

  it("errors name the line and column, as TF's parser does", () => {
    expect(() => NodeDef.fromText('name: "a"\n  nmae: "b"')).toThrow(
      new TextFormatError('2:3 : Message type "tensorflow.NodeDef" has no field named "nmae".'),
    );
    expect(() => NodeDef.fromText('name: "a" name: "b"')).toThrow(
      /1:11 : .*should not have multiple "name" fields/,
    );
    expect(() => AttrValue.fromText("i: 1 f: 2")).toThrow(/another member of oneof "value"/);
    expect(() => AttrValue.fromText("type: DT_NOPE")).toThrow(/has no value named DT_NOPE/);
    expect(() => TensorProto.fromText("int_val: 2147483648")).toThrow(
      /Integer out of range for int32/,
    );
    expect(() => NodeDef.fromText('name: "abc')).toThrow(/String literal not closed/);
    expect(() => NodeDef.fromText("attr { key: 'a' value { i: 1 }")).toThrow(/Expected "}"/);
    expect(() => NodeDef.fromText("name 'a'")).toThrow(/Expected ":"/);
    expect(() => NodeDef.fromText('name: ["a"]')).toThrow(/not repeated/);
  });
});
