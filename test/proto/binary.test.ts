import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  Event,
  GraphDef,
  MetaGraphDef,
  NodeDef,
  ProtoDecodeError,
  RunMetadata,
  SavedModel,
  TensorProto,
} from "../../src/proto/index.js";

const FIX = join(import.meta.dirname, "../fixtures");
const load = (p: string): Uint8Array => new Uint8Array(readFileSync(join(FIX, p)));

describe("binary: decode → encode reproduces TF-written files byte for byte", () => {
  // Every TF-written SavedModel and MetaGraphDef in the fixtures (TF 0.10 … 1.14):
  // maps come back in the file's own order, fields in field-number order,
  // proto3 defaults omitted, packed repeated scalars packed, as TF's C++ writes them.
  const savedModels = [
    "tf-graphs/tf-serving-savedmodels-tf1/saved_model_counter/00000123/saved_model.pb", // TF 1.5
    "tf-graphs/tf-serving-savedmodels-tf1/saved_model_half_plus_three/00000123/saved_model.pb",
    "tf-graphs/tf-serving-savedmodels-tf1/saved_model_half_plus_two_cpu/00000123/saved_model.pb",
    "tf-checkpoints/serving-half-plus-two-tf1.14/saved_model.pb", // TF 1.14
  ];
  const metaGraphs = [
    "tf-graphs/tf-profiler-metagraph-ckpt-tf1.2/ckpt.meta",
    "tf-checkpoints/serving-bad-half-plus-two-v1-format/export.meta",
    "tf-checkpoints/serving-half-plus-two-tf0.12-saver/export.meta",
    "tf-checkpoints/tf-intro-iris-tf1.0-saver/model.ckpt.meta",
  ];
  for (const file of savedModels)
    it(file, () => {
      const bytes = load(file);
      const sm = SavedModel.fromBinary(bytes);
      expect(sm.metaGraphs[0].graphDef?.node?.length).toBeGreaterThan(5);
      expect(new Uint8Array(SavedModel.toBinary(sm))).toEqual(bytes);
    });
  for (const file of metaGraphs)
    it(file, () => {
      const bytes = load(file);
      const mg = MetaGraphDef.fromBinary(bytes);
      expect(mg.saverDef?.filenameTensorName).toMatch(/Const/);
      expect(new Uint8Array(MetaGraphDef.toBinary(mg))).toEqual(bytes);
    });

  it("decoded values: TF 1.14 SavedModel", () => {
    const sm = SavedModel.fromBinary(
      load("tf-checkpoints/serving-half-plus-two-tf1.14/saved_model.pb"),
    );
    const mg = sm.metaGraphs[0];
    expect(mg.metaInfoDef?.tags).toEqual(["serve"]);
    expect(mg.metaInfoDef?.tensorflowVersion).toBe("1.14.0");
    const sig = mg.signatureDef?.serving_default;
    expect(sig?.methodName).toBe("tensorflow/serving/predict");
    expect(sig?.inputs?.x?.name).toBe("x:0");
    // int64 fields decode to plain numbers when they fit (dim sizes, attr i).
    const dim = sig?.inputs?.x?.tensorShape?.dim?.[0];
    expect(dim?.size).toBe(-1);
  });
});

describe("binary: fields this schema does not know", () => {
  it("are kept and written back (a newer TF's fields survive a round trip)", () => {
    const known = NodeDef.toBinary({ name: "a", op: "NoOp" });
    // field 99, varint 7 — not in node_def.proto
    const bytes = Uint8Array.from([...known, 0x98, 0x06, 0x07]);
    const node = NodeDef.fromBinary(bytes);
    expect(node.name).toBe("a");
    expect(new Uint8Array(NodeDef.toBinary(node))).toEqual(bytes);
    // The text format leaves them out, as TF's printer does by default.
    expect(NodeDef.toText(node)).toBe('name: "a"\nop: "NoOp"\n');
  });
});

describe("binary: malformed input", () => {
  it("truncated bytes are a ProtoDecodeError naming the type", () => {
    const bytes = load("tf-checkpoints/tf-intro-iris-tf1.0-saver/model.ckpt.meta");
    expect(() => MetaGraphDef.fromBinary(bytes.subarray(0, 1000))).toThrow(ProtoDecodeError);
    expect(() => MetaGraphDef.fromBinary(bytes.subarray(0, 1000))).toThrow(
      /tensorflow.MetaGraphDef: malformed or truncated message \(1000 bytes\)/,
    );
    expect(() => GraphDef.fromBinary(Uint8Array.from([0x0a, 0x05, 0x01]))).toThrow(
      ProtoDecodeError,
    );
  });

  it("int64 beyond 2^53 decodes exactly", () => {
    const t = TensorProto.fromBinary(
      TensorProto.toBinary(TensorProto.fromText("int64_val: 9007199254740993")),
    );
    expect(String(t.int64Val[0])).toBe("9007199254740993");
  });
});

describe("RunMetadata (TensorBoard's run metadata)", () => {
  it("step stats and cost graph round-trip through binary and text, inside a TaggedRunMetadata event", () => {
    const rm = RunMetadata.fromText(`
      step_stats {
        dev_stats {
          device: "/job:localhost/replica:0/task:0/device:CPU:0"
          node_stats {
            node_name: "MatMul"
            all_start_micros: 1575000000000000
            op_end_rel_micros: 12
            output { slot: 0 tensor_description { dtype: DT_FLOAT shape { dim { size: 2 } } allocation_description { requested_bytes: 8 allocator_name: "cpu" } } }
            thread_id: 3
          }
          thread_names { key: 3 value: "worker" }
        }
      }
      cost_graph { node { name: "MatMul" id: 1 compute_cost: 4 output_info { size: 8 alias_input_port: -1 dtype: DT_FLOAT } } }
      partition_graphs { node { name: "MatMul" op: "MatMul" } }
    `);
    const stats = rm.stepStats?.devStats?.[0];
    expect(stats?.nodeStats?.[0].allStartMicros).toBe(1575000000000000);
    expect(stats?.threadNames).toEqual({ 3: "worker" });
    expect(rm.costGraph?.node?.[0].outputInfo?.[0].aliasInputPort).toBe(-1);
    const bytes = new Uint8Array(RunMetadata.toBinary(rm));
    expect(new Uint8Array(RunMetadata.toBinary(RunMetadata.fromBinary(bytes)))).toEqual(bytes);
    expect(RunMetadata.fromText(RunMetadata.toText(rm))).toEqual(rm);
    const event = Event.fromBinary(
      Event.toBinary({
        wallTime: 1.5,
        step: 2,
        taggedRunMetadata: { tag: "step2", runMetadata: bytes },
      }),
    );
    expect(RunMetadata.fromBinary(event.taggedRunMetadata?.runMetadata as Uint8Array)).toEqual(rm);
  });
});
