import { readFileSync } from "node:fs";
import { SavedModel, MetaGraphDef } from "./src/proto/index.js";
const dec = new TextDecoder();
function show(label: string, g: any) {
  console.log("==", label);
  for (const n of g.node) {
    const c = n.attr?._class;
    if (c) console.log(n.name, n.op, c.list.s.map((s: Uint8Array) => dec.decode(s)).join(","));
  }
}
for (const f of ["test/fixtures/tf-checkpoints/tf-intro-iris-tf1.0-saver/model.ckpt.meta","test/fixtures/tf-graphs/tf-profiler-metagraph-ckpt-tf1.2/ckpt.meta"]) {
  show(f, MetaGraphDef.fromBinary(new Uint8Array(readFileSync(f))).graphDef);
}
for (const f of ["test/fixtures/tf-checkpoints/serving-half-plus-two-tf1.14/saved_model.pb"]) {
  show(f, SavedModel.fromBinary(new Uint8Array(readFileSync(f))).metaGraphs[0]!.graphDef);
}
