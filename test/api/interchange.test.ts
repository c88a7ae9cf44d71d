/**
 * The calling convention on graph export: `graph.asGraphDef(from_version, add_shapes)` and
 * `tf.io.writeGraph(graph_or_graph_def, logdir, name, as_text)` take TF 1.15's positional
 * form and the options form alike, and refuse a wrongly typed argument.
 */
import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../src/index.js";
import { GraphDef } from "../../src/proto/index.js";
import { tempDir } from "../checkpoint/helpers.js";
import { expectRefused, expectSameGraphs } from "./helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

function build(): tf.Graph {
  const a = tf.placeholder(tf.float32, [2], { name: "a" });
  tf.add(a, tf.constant([1, 2], { name: "k" }), { name: "sum" });
  return tf.getDefaultGraph();
}

const bytes = (def: tf.Graph | ReturnType<tf.Graph["asGraphDef"]>): Uint8Array =>
  new Uint8Array(GraphDef.toBinary(def instanceof tf.Graph ? def.asGraphDef() : def));

describe("graph.asGraphDef(from_version, add_shapes)", () => {
  it("positional and options forms give the same GraphDef", () => {
    const g = build();
    expect(bytes(g.asGraphDef(null, true))).toEqual(bytes(g.asGraphDef({ addShapes: true })));
    expect(bytes(g.asGraphDef(1, false))).toEqual(bytes(g.asGraphDef({ fromVersion: 1 })));
    expect(bytes(g.asGraphDef(1, { addShapes: true }))).toEqual(
      bytes(g.asGraphDef({ fromVersion: 1, addShapes: true })),
    );
    expect(g.asGraphDef(null, true).node[0]?.attr?._output_shapes).toBeDefined();
  });

  it("refuses wrongly typed arguments", () => {
    const g = build();
    expectRefused(() => g.asGraphDef({ addShapes: 1 as never }), /add_shapes|addShapes/);
    expectRefused(() => g.asGraphDef("1" as never), /from_version|fromVersion/);
  });
});

describe("tf.io.writeGraph(graph_or_graph_def, logdir, name, as_text)", () => {
  it("positional and options forms write the same file", () => {
    const g = build();
    const dir = tempDir();
    const a = readFileSync(tf.io.writeGraph(g, dir, "a.pb", false));
    const b = readFileSync(tf.io.writeGraph(g, dir, "b.pb", { asText: false }));
    const c = readFileSync(
      tf.io.writeGraph({ graphOrGraphDef: g, logdir: dir, name: "c.pb", asText: false }),
    );
    expect(a).toEqual(b);
    expect(a).toEqual(c);
    const t1 = readFileSync(tf.io.writeGraph(g, dir, "t1.pbtxt"), "utf8");
    const t2 = readFileSync(tf.io.writeGraph(g, dir, "t2.pbtxt", true), "utf8");
    expect(t1).toBe(t2);
  });

  it("refuses wrongly typed arguments", () => {
    const dir = tempDir();
    expectRefused(
      () => tf.io.writeGraph(42 as never, dir, "g.pb"),
      /graph_or_graph_def|graphOrGraphDef/,
    );
    const g = build();
    expectRefused(() => tf.io.writeGraph(g, dir, 7 as never), /name/);
  });
});

describe("tf.importGraphDef(graph_def, input_map, return_elements, name, op_dict, producer_op_list)", () => {
  const source = (): ReturnType<tf.Graph["asGraphDef"]> => {
    const g = new tf.Graph();
    g.asDefault(build);
    return g.asGraphDef();
  };

  it("positional and options forms import the same graph", () => {
    const def = source();
    const picture = expectSameGraphs(
      () => tf.importGraphDef(def, null, ["sum:0"], "imp"),
      () => tf.importGraphDef(def, { returnElements: ["sum:0"], name: "imp" }),
      () => tf.importGraphDef({ graphDef: def, returnElements: ["sum:0"], name: "imp" }),
      () => tf.importGraphDef(def, null, { returnElements: ["sum:0"], name: "imp" }),
      () => tf.importGraphDef(GraphDef.toBinary(def), { name: "imp" }),
    );
    expect(picture.some((line) => line.startsWith("imp/sum = Add(imp/a:0,imp/k:0)"))).toBe(true);
    expectSameGraphs(
      () => tf.importGraphDef(def, { "a:0": tf.constant([3, 4]) }),
      () => tf.importGraphDef(def, { inputMap: { "a:0": tf.constant([3, 4]) } }),
    );
  });

  it("refuses wrongly typed arguments", () => {
    const def = source();
    expectRefused(() => tf.importGraphDef(42 as never), /graph_def|graphDef/);
    expectRefused(() => tf.importGraphDef(def, { name: 3 as never }), /name/);
    expectRefused(
      () => tf.importGraphDef(def, { returnElements: [7] as never }),
      /return_elements|returnElements/,
    );
  });
});

describe("tf.train.exportMetaGraph(filename, meta_info_def, graph_def, saver_def, collection_list, as_text, graph, …)", () => {
  function model(): tf.train.Saver {
    tf.getVariable("w", [2]);
    tf.addToCollection("my_ints", 1);
    return new tf.train.Saver();
  }

  it("positional and options forms give the same MetaGraphDef and the same files", () => {
    const saver = model();
    const g = tf.getDefaultGraph();
    const def = saver.saverDef;
    const bin = (m: ReturnType<typeof tf.train.exportMetaGraph>): Uint8Array =>
      new Uint8Array(tf.MetaGraphDef.toBinary(m));
    const info = { tags: ["serve"] };
    const positional = tf.train.exportMetaGraph(null, info, null, def, ["my_ints"], false, g);
    const options = tf.train.exportMetaGraph({
      metaInfoDef: info,
      saverDef: def,
      collectionList: ["my_ints"],
      graph: g,
    });
    const mixed = tf.train.exportMetaGraph(null, info, {
      saverDef: def,
      collectionList: ["my_ints"],
    });
    expect(bin(positional)).toEqual(bin(options));
    expect(bin(mixed)).toEqual(bin(options));
    expect(options.metaInfoDef?.tags).toEqual(["serve"]);
    expect(Object.keys(options.collectionDef)).toEqual(["my_ints"]);
    const dir = tempDir();
    tf.train.exportMetaGraph(`${dir}/a.meta`, { asText: true });
    tf.train.exportMetaGraph({ filename: `${dir}/b.meta`, asText: true });
    expect(readFileSync(`${dir}/a.meta`, "utf8")).toBe(readFileSync(`${dir}/b.meta`, "utf8"));
    const scoped = tf.train.exportMetaGraph(null, null, null, null, null, false, g, "w");
    expect(scoped.graphDef?.node?.map((n) => n.name)).toContain("read");
  });

  it("refuses wrongly typed arguments and what it cannot honour", () => {
    model();
    expectRefused(() => tf.train.exportMetaGraph(7 as never), /filename/);
    expectRefused(() => tf.train.exportMetaGraph({ asText: "yes" as never }), /as_text|asText/);
    expectRefused(() => tf.train.exportMetaGraph({ graph: {} as never }), /graph/);
    expectRefused(() => tf.train.exportMetaGraph({ collectionList: "x" as never }), /collection/);
    expect(() => tf.train.exportMetaGraph({ saveDebugInfo: true })).toThrow(
      "export_meta_graph: save_debug_info=True is not supported",
    );
  });
});

describe("tf.train.importMetaGraph(meta_graph_or_file, clear_devices, import_scope, **kwargs)", () => {
  function meta(): ReturnType<typeof tf.train.exportMetaGraph> {
    return new tf.Graph().asDefault(() => {
      tf.device("/cpu:0", () => tf.getVariable("w", [2]));
      return tf.train.exportMetaGraph({ saverDef: new tf.train.Saver().saverDef });
    });
  }

  it("positional and options forms import the same graph", () => {
    const m = meta();
    expectSameGraphs(
      () => tf.train.importMetaGraph(m, true, "s"),
      () => tf.train.importMetaGraph(m, { clearDevices: true, importScope: "s" }),
      () => tf.train.importMetaGraph({ metaGraphOrFile: m, clearDevices: true, importScope: "s" }),
      () => tf.train.importMetaGraph(m, true, { importScope: "s", inputMap: null }),
    );
    const dir = tempDir();
    const file = `${dir}/m.meta`;
    new tf.Graph().asDefault(() => {
      tf.getVariable("v", [1]);
      tf.train.exportMetaGraph(file);
    });
    expectSameGraphs(
      () => tf.train.importMetaGraph(file),
      () => tf.train.importMetaGraph({ metaGraphOrFile: file }),
    );
    const picked = new tf.Graph().asDefault(() => {
      tf.train.importMetaGraph(m, { restoreCollectionsPredicate: (k) => k !== "variables" });
      return [tf.globalVariables().length, tf.trainableVariables().length];
    });
    expect(picked).toEqual([0, 1]);
  });

  it("refuses wrongly typed arguments, leaving the graph unchanged", () => {
    const m = meta();
    expectRefused(() => tf.train.importMetaGraph(7 as never), /meta_graph_or_file|metaGraphOrFile/);
    expectRefused(() => tf.train.importMetaGraph(m, "yes" as never), /clear_devices|clearDevices/);
    expectRefused(
      () => tf.train.importMetaGraph(m, { importScope: 3 as never }),
      /import_scope|importScope/,
    );
    expectRefused(
      () => tf.train.importMetaGraph(m, { restoreCollectionsPredicate: "v" as never }),
      /restore_collections_predicate|restoreCollectionsPredicate/,
    );
  });
});
