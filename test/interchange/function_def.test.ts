/**
 * tf.data's traced functions exported as TensorFlow's FunctionDefs in `GraphDef.library`
 * (function.proto): signatures, `op:output_arg:index` inputs, `ret`, func attrs naming
 * them, nested functions once, a one-shot iterator's factory holding its pipeline by value.
 */
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { getOpDef } from "../../src/ops/registry.js";
import { GraphDef, type tensorflow } from "../../src/proto/index.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

const DT_BOOL = 10;
const DT_INT64 = 9;
const DT_VARIANT = 21;

type FunctionDef = tensorflow.FunctionDef;

function fn(def: tensorflow.GraphDef, name: string): FunctionDef {
  const f = def.library?.function?.find((x) => x.signature?.name === name);
  if (f === undefined) throw new Error(`no function ${name}`);
  return f as FunctionDef;
}

const nodes = (f: FunctionDef): string[] =>
  f.nodeDef.map((n) => `${n.name}:${n.op}(${(n.input ?? []).join(",")})`);
const args = (list: tensorflow.OpDef.ArgDef.$Properties[] | null | undefined): string[] =>
  (list ?? []).map((a) => `${a.name}:${a.type}`);

describe("GraphDef.library", () => {
  it("map and filter functions: signature, node inputs as op:arg:index, ret, func attrs", () => {
    const ten = tf.constant(10, { dtype: tf.int64, name: "ten" });
    tf.data.Dataset.range(5)
      .map((x: tf.Tensor) => tf.add(x, ten))
      .filter((x: tf.Tensor) => tf.less(x, 13));
    const def = tf.getDefaultGraph().asGraphDef();
    const mapNode = def.node.find((n) => n.op === "MapDataset");
    expect(mapNode?.attr?.f?.func?.name).toBe("__inference_Dataset_map_lambda_1");
    expect(mapNode?.input).toEqual(["RangeDataset", "ten"]);
    const filterNode = def.node.find((n) => n.op === "FilterDataset");
    expect(filterNode?.attr?.predicate?.func?.name).toBe("__inference_Dataset_filter_lambda_2");

    const map = fn(def, "__inference_Dataset_map_lambda_1");
    // The element's argument, then the captured tensor (the op's `other_arguments`).
    expect(args(map.signature?.inputArg)).toEqual([`args_0:${DT_INT64}`, `ten:${DT_INT64}`]);
    expect(args(map.signature?.outputArg)).toEqual([`add:${DT_INT64}`]);
    expect(nodes(map)).toEqual(["Add:Add(args_0,ten)"]);
    expect(map.ret).toEqual({ add: "Add:z:0" });

    const filter = fn(def, "__inference_Dataset_filter_lambda_2");
    expect(args(filter.signature?.outputArg)).toEqual([`less:${DT_BOOL}`]);
    // An op's output by its OpDef's output arg name (`Const`'s is `output`).
    expect(nodes(filter)).toEqual(["Less/y:Const()", "Less:Less(args_0,Less/y:output:0)"]);
    expect(filter.ret).toEqual({ less: "Less:z:0" });
    // Every node of a body is TF's: its OpDef's attrs, nothing else.
    for (const n of [...map.nodeDef, ...filter.nodeDef])
      expect(Object.keys(n.attr ?? {}).sort()).toEqual(
        (getOpDef(n.op ?? "")?.attr ?? []).map((a) => a.name).sort(),
      );
  });

  it("round-trips through the binary and text formats", () => {
    tf.data.Dataset.range(3).map((x: tf.Tensor) => tf.multiply(x, x));
    const def = tf.getDefaultGraph().asGraphDef();
    const bytes = GraphDef.toBinary(def);
    expect(GraphDef.toBinary(GraphDef.fromBinary(bytes))).toEqual(bytes);
    const text = GraphDef.toText(def);
    expect(text).toContain('func {\n        name: "__inference_Dataset_map_lambda_1"\n      }');
    expect(GraphDef.toBinary(GraphDef.fromText(text))).toEqual(bytes);
  });

  it("flatMap: the function and the map function traced inside it, each once", () => {
    tf.data.Dataset.range(3).flatMap((x: tf.Tensor) =>
      tf.data.Dataset.fromTensors(x).map((y: tf.Tensor) => tf.add(y, 1)),
    );
    const def = tf.getDefaultGraph().asGraphDef();
    const names = (def.library?.function ?? []).map((f) => f.signature?.name);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
    const outer = (def.library?.function ?? []).find((f) =>
      f.nodeDef?.some((n) => n.op === "MapDataset"),
    ) as FunctionDef;
    expect(args(outer.signature?.outputArg).map((a) => a.split(":")[1])).toEqual([
      String(DT_VARIANT),
    ]);
    const innerMap = outer.nodeDef.find((n) => n.op === "MapDataset");
    const innerName = innerMap?.attr?.f?.func?.name ?? "";
    expect(names).toContain(innerName);
    expect(innerMap?.input).toEqual(["TensorDataset:handle:0"]);
    expect(def.node.find((n) => n.op === "FlatMapDataset")?.attr?.f?.func?.name).toBe(
      outer.signature?.name,
    );
  });

  it("a one-shot iterator's factory takes no arguments: the pipeline is copied into it", () => {
    const ten = tf.constant(10, { dtype: tf.int64, name: "ten" });
    const it = tf.data.Dataset.range(5)
      .map((x: tf.Tensor) => tf.add(x, ten))
      .makeOneShotIterator();
    it.getNext();
    const def = tf.getDefaultGraph().asGraphDef();
    const shot = def.node.find((n) => n.op === "OneShotIterator");
    const factory = fn(def, shot?.attr?.dataset_factory?.func?.name ?? "");
    expect(factory.signature?.inputArg).toEqual([]);
    expect(args(factory.signature?.outputArg)).toEqual([`modeldataset:${DT_VARIANT}`]);
    expect(nodes(factory)).toEqual([
      "ten:Const()",
      "start:Const()",
      "stop:Const()",
      "step:Const()",
      "RangeDataset:RangeDataset(start:output:0,stop:output:0,step:output:0)",
      "MapDataset:MapDataset(RangeDataset:handle:0,ten:output:0)",
      "optimizations:Const()",
      "OptimizeDataset:OptimizeDataset(MapDataset:handle:0,optimizations:output:0)",
      "ModelDataset:ModelDataset(OptimizeDataset:handle:0)",
    ]);
    expect(factory.ret).toEqual({ modeldataset: "ModelDataset:handle:0" });
    // The map function, named by the copy inside the factory, is in the library once.
    const names = (def.library?.function ?? []).map((f) => f.signature?.name);
    expect(names.filter((n) => n === "__inference_Dataset_map_lambda_1")).toHaveLength(1);
  });

  it("a graph without functions has no library", () => {
    tf.constant(1);
    expect(tf.getDefaultGraph().asGraphDef().library).toBeNull();
  });
});
