import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, expectTypeOf, it } from "vitest";
import * as tf from "../../src/index.js";
import {
  attrsOf,
  buildOpDef,
  declareOpDef,
  isScopeflowOnly,
  specOf,
  type AttrsOf,
  type OpDefMessage,
} from "../../src/ops/op_def.js";
import { getOpDef, getOpDefinition, registeredOpTypes } from "../../src/ops/registry.js";
import { OpDef, OpList } from "../../src/proto/index.js";

const OPS_PBTXT = join(import.meta.dirname, "../fixtures/tf-graphs/tf-oplist-1.11/ops.pbtxt");
const tf111 = new Map<string, OpDefMessage>(
  OpList.fromText(readFileSync(OPS_PBTXT, "utf8")).op.map((o) => [o.name ?? "", o] as const),
);

/** Op types TensorFlow added after 1.11, declared from TF 1.15's `core/ops/*.cc`. */
const ADDED_BY_TF_1_15: Record<string, string> = {
  BatchMatMulV2: "core/ops/math_ops.cc (TF 1.14)",
  Einsum: "core/ops/linalg_ops.cc (TF 1.15)",
  FusedBatchNormV3: "core/ops/nn_ops.cc (TF 1.14)",
  FusedBatchNormGradV3: "core/ops/nn_ops.cc (TF 1.14)",
  ModelDataset: "core/ops/dataset_ops.cc (algorithm, cpu_budget)",
  ShardDataset: "core/ops/dataset_ops.cc (require_non_empty)",
  LeakyRelu: "core/ops/nn_ops.cc (TF 1.13)",
  LeakyReluGrad: "core/ops/nn_ops.cc (TF 1.13)",
  Xdivy: "core/ops/math_ops.cc (TF 1.12)",
  Xlogy: "core/ops/math_ops.cc (TF 1.12)",
  // print (engineer: print)
  PrintV2: "core/ops/logging_ops.cc (TF 1.12; output_stream a string, end: TF 1.14)",
  StringFormat: "core/ops/string_ops.cc (TF 1.12)",
  StatelessRandomUniformInt: "core/ops/stateless_random_ops.cc (TF 1.14)",
  // strings
  StaticRegexFullMatch: "core/ops/string_ops.cc (TF 1.12)",
  StringLower: "core/ops/string_ops.cc (TF 1.14)",
  StringUpper: "core/ops/string_ops.cc (TF 1.14)",
  FixedLengthRecordDatasetV2: "core/ops/dataset_ops.cc (TF 1.12: compression_type)",
};

/** TF 1.11 attr lists → TF 1.15's, for the op types that changed in between. */
const withExplicitPadding = (attrs: readonly string[]): string[] =>
  attrs.flatMap((a) =>
    a.startsWith("padding: ")
      ? ["padding: {'SAME', 'VALID', 'EXPLICIT'}", "explicit_paddings: list(int) = []"]
      : [a],
  );
const withWhileAttrs = (attrs: readonly string[]): string[] => [
  ...attrs,
  "output_shapes: list(shape) = []",
  "parallel_iterations: int = 10",
];
const withCallAttrs = (attrs: readonly string[]): string[] => [
  ...attrs,
  "config: string = ''",
  "config_proto: string = ''",
  "executor_type: string = ''",
];
const withHalfPixelCenters = (attrs: readonly string[]): string[] => [
  ...attrs,
  "half_pixel_centers: bool = false",
];
const CHANGED_BY_TF_1_15: Record<string, [string, (attrs: readonly string[]) => string[]]> = {
  ResizeBilinear: ["core/ops/image_ops.cc: half_pixel_centers (TF 1.13)", withHalfPixelCenters],
  ResizeBilinearGrad: ["core/ops/image_ops.cc: half_pixel_centers", withHalfPixelCenters],
  ResizeNearestNeighbor: ["core/ops/image_ops.cc: half_pixel_centers", withHalfPixelCenters],
  ResizeNearestNeighborGrad: ["core/ops/image_ops.cc: half_pixel_centers", withHalfPixelCenters],
  ResizeBicubic: ["core/ops/image_ops.cc: half_pixel_centers", withHalfPixelCenters],
  ResizeBicubicGrad: ["core/ops/image_ops.cc: half_pixel_centers", withHalfPixelCenters],
  Conv2D: ["core/ops/nn_ops.cc: explicit padding (TF 1.14)", withExplicitPadding],
  Conv2DBackpropInput: ["core/ops/nn_ops.cc: explicit padding (TF 1.14)", withExplicitPadding],
  Conv2DBackpropFilter: ["core/ops/nn_ops.cc: explicit padding (TF 1.14)", withExplicitPadding],
  GatherV2: ["core/ops/array_ops.cc: batch_dims (TF 1.14)", (a) => ["batch_dims: int = 0", ...a]],
  ResourceGather: [
    "core/ops/resource_variable_ops.cc: batch_dims (TF 1.14)",
    (a) => ["batch_dims: int = 0", ...a],
  ],
  MapDataset: [
    "core/ops/dataset_ops.cc",
    (a) => [...a, "use_inter_op_parallelism: bool = true", "preserve_cardinality: bool = false"],
  ],
  ParallelMapDataset: [
    "core/ops/dataset_ops.cc",
    (a) => [
      ...a,
      "use_inter_op_parallelism: bool = true",
      "sloppy: bool = false",
      "preserve_cardinality: bool = false",
    ],
  ],
  BatchDatasetV2: ["core/ops/dataset_ops.cc", (a) => ["parallel_copy: bool = false", ...a]],
  PaddedBatchDatasetV2: ["core/ops/dataset_ops.cc", (a) => ["parallel_copy: bool = false", ...a]],
  PrefetchDataset: ["core/ops/dataset_ops.cc", (a) => [...a, "slack_period: int = 0"]],
  OptimizeDataset: [
    "core/ops/dataset_ops.cc",
    (a) => [...a, "optimization_configs: list(string) = []"],
  ],
  If: [
    "core/ops/functional_ops.cc: output_shapes",
    (a) => [...a, "output_shapes: list(shape) = []"],
  ],
  StatelessIf: [
    "core/ops/functional_ops.cc: output_shapes",
    (a) => [...a, "output_shapes: list(shape) = []"],
  ],
  While: ["core/ops/functional_ops.cc: output_shapes, parallel_iterations", withWhileAttrs],
  StatelessWhile: [
    "core/ops/functional_ops.cc: output_shapes, parallel_iterations",
    withWhileAttrs,
  ],
  PartitionedCall: ["core/ops/functional_ops.cc: config, executor_type", withCallAttrs],
  StatefulPartitionedCall: ["core/ops/functional_ops.cc: config, executor_type", withCallAttrs],
  // strings: the unit attr (TF 1.13)
  StringLength: [
    "core/ops/string_ops.cc: unit (TF 1.12)",
    (a) => [...a, "unit: {'BYTE', 'UTF8_CHAR'} = 'BYTE'"],
  ],
  Substr: ["core/ops/string_ops.cc: unit", (a) => [...a, "unit: {'BYTE', 'UTF8_CHAR'} = 'BYTE'"]],
};

/** Op types whose inputs or outputs TF changed after 1.11: TF 1.15's whole signature. */
const REDECLARED_BY_TF_1_15: Record<string, [string, ReturnType<typeof specOf>]> = {
  AdjustContrastv2: [
    "core/ops/image_ops.cc: typed by T (half or float)",
    {
      inputs: ["images: T", "contrast_factor: float"],
      outputs: ["output: T"],
      attrs: ["T: {half, float} = float"],
    },
  ],
  AdjustHue: [
    "core/ops/image_ops.cc: typed by T (half or float)",
    {
      inputs: ["images: T", "delta: float"],
      outputs: ["output: T"],
      attrs: ["T: {half, float} = float"],
    },
  ],
  AdjustSaturation: [
    "core/ops/image_ops.cc: typed by T (half or float)",
    {
      inputs: ["images: T", "scale: float"],
      outputs: ["output: T"],
      attrs: ["T: {half, float} = float"],
    },
  ],
};

/**
 * scopeflow's own op types: no TensorFlow form, refused by graph export. None since
 * `dynamicRnn` runs on TensorFlow's loop ops (its functional `While` is gone).
 */
const SCOPEFLOW_ONLY: string[] = [];

/** The fields ops.pbtxt holds (TF's golden file drops docs except in a few ops). */
function comparable(def: OpDefMessage): Uint8Array {
  const copy = OpDef.fromBinary(OpDef.toBinary(def));
  copy.summary = "";
  copy.description = "";
  for (const a of [...copy.inputArg, ...copy.outputArg, ...copy.attr]) a.description = "";
  return OpDef.toBinary(copy);
}

describe("every registered op declares TensorFlow's OpDef", () => {
  const types = registeredOpTypes().sort();

  it("each registered op type has a declaration", () => {
    expect(types.filter((t) => getOpDefinition(t)?.opDef === undefined)).toEqual([]);
  });

  it("scopeflow-only op types are the listed ones, each saying why", () => {
    const own = types.filter((t) => {
      const decl = getOpDefinition(t)?.opDef;
      return decl !== undefined && isScopeflowOnly(decl);
    });
    expect(own).toEqual(SCOPEFLOW_ONLY);
    for (const t of own) expect(getOpDef(t)).toBeUndefined();
  });

  const declared = types.filter((t) => !SCOPEFLOW_ONLY.includes(t));
  for (const type of declared) {
    it(type, () => {
      const def = getOpDef(type);
      expect(def).toBeDefined();
      const tf = tf111.get(type);
      if (type in ADDED_BY_TF_1_15) {
        expect(tf).toBeUndefined();
        return;
      }
      expect(
        tf,
        `${type} is not in TF 1.11's ops.pbtxt: list it in ADDED_BY_TF_1_15`,
      ).toBeDefined();
      const redeclared = REDECLARED_BY_TF_1_15[type];
      if (redeclared !== undefined) {
        expect(specOf(def!)).toEqual(redeclared[1]);
        return;
      }
      const change = CHANGED_BY_TF_1_15[type];
      if (change !== undefined) {
        const old = specOf(tf!);
        expect(specOf(def!)).toEqual({ ...old, attrs: change[1](old.attrs ?? []) });
        return;
      }
      expect(OpDef.toText(OpDef.fromBinary(comparable(def!)))).toBe(
        OpDef.toText(OpDef.fromBinary(comparable(tf!))),
      );
    });
  }
});

describe("TF 1.15 additions", () => {
  it("FusedBatchNormV3 is FusedBatchNormV2 with a third reserve space", () => {
    const v2 = specOf(tf111.get("FusedBatchNormV2")!);
    const v3 = specOf(getOpDef("FusedBatchNormV3")!);
    expect(v3.inputs).toEqual(v2.inputs);
    expect(v3.outputs).toEqual([...v2.outputs!, "reserve_space_3: U"]);
    const grad2 = specOf(tf111.get("FusedBatchNormGradV2")!);
    const grad3 = specOf(getOpDef("FusedBatchNormGradV3")!);
    expect(grad3.inputs).toEqual([...grad2.inputs!, "reserve_space_3: U"]);
    // TF 1.15 declares data_format with GetConvnetDataFormatAttrString(): allowed values.
    expect(v3.attrs).toEqual([
      "T: {half, bfloat16, float}",
      "U: {float}",
      "epsilon: float = 0.0001",
      "data_format: {'NHWC', 'NCHW'} = 'NHWC'",
      "is_training: bool = true",
    ]);
  });

  it("BatchMatMulV2 has BatchMatMul's signature, int64 added", () => {
    const v1 = specOf(tf111.get("BatchMatMul")!);
    const v2 = specOf(getOpDef("BatchMatMulV2")!);
    expect(v2.inputs).toEqual(v1.inputs);
    expect(v2.outputs).toEqual(v1.outputs);
    expect(v2.attrs).toEqual([
      "T: {bfloat16, half, float, double, int32, int64, complex64, complex128}",
      "adj_x: bool = false",
      "adj_y: bool = false",
    ]);
  });
});

describe("the declaration notation", () => {
  it("reads back every op of TF 1.11's ops.pbtxt from its declaration", () => {
    // All 930 OpDefs exercise every form: refs, number and type-list args, allowed
    // values, minimums, each kind of default, deprecations.
    let checked = 0;
    for (const [name, def] of tf111) {
      expect(comparable(buildOpDef(name, specOf(def))), name).toEqual(comparable(def));
      checked++;
    }
    expect(checked).toBe(930);
    // A tensor default is a TensorProto in text format, as TF's REGISTER_OP spells it.
    expect(specOf(tf111.get("ImageSummary")!).attrs?.[2]).toBe(
      "bad_color: tensor = { dtype: DT_UINT8 tensor_shape { dim { size: 4 } } int_val: 255 int_val: 0 int_val: 0 int_val: 255 }",
    );
  });

  it("spells TF's attr forms", () => {
    expect(specOf(tf111.get("Conv2D")!).attrs).toEqual([
      "T: {half, bfloat16, float, double}",
      "strides: list(int)",
      "use_cudnn_on_gpu: bool = true",
      "padding: {'SAME', 'VALID'}",
      "data_format: {'NHWC', 'NCHW'} = 'NHWC'",
      "dilations: list(int) = [1, 1, 1, 1]",
    ]);
    expect(specOf(tf111.get("Placeholder")!).attrs).toEqual(["dtype: type", "shape: shape = ?"]);
    expect(specOf(tf111.get("VariableV2")!).outputs).toEqual(["ref: Ref(dtype)"]);
    expect(specOf(tf111.get("SaveV2")!).inputs?.[3]).toBe("tensors: dtypes");
    expect(specOf(tf111.get("Pack")!).attrs?.[0]).toBe("N: int >= 1");
  });

  it("names the op and the spec on a bad declaration", () => {
    expect(() => buildOpDef("Foo", { inputs: ["x: Q"] })).toThrow(
      "Op Foo: bad declaration 'x: Q': unknown type Q",
    );
    expect(() => buildOpDef("Foo", { attrs: ["n: int = x"] })).toThrow(
      "Op Foo: bad declaration 'n: int = x': expected a number, got x",
    );
    expect(() => buildOpDef("Foo", { inputs: ["x: N * T"], attrs: ["T: type"] })).toThrow(
      "no int attr N",
    );
  });
});

describe("typed attrs", () => {
  it("attrsOf types an op's attrs from its declaration", () => {
    const spec = declareOpDef({
      attrs: [
        "T: {float, int32}",
        "n: int >= 1",
        "flag: bool = false",
        "dims: list(int) = []",
        "format: {'NHWC', 'NCHW'} = 'NHWC'",
        "shape: shape = ?",
        "dtypes: list(type) >= 1",
      ],
    });
    expect(buildOpDef("Foo", spec).attr).toHaveLength(7);
    expectTypeOf<AttrsOf<typeof spec>>().toEqualTypeOf<{
      readonly T: tf.DType;
      readonly n: number;
      readonly flag: boolean;
      readonly dims: number[];
      readonly format: string;
      readonly shape: tf.TensorShape;
      readonly dtypes: tf.DType[];
    }>();
    const squeeze = tf.squeeze(tf.zeros([1, 2, 1]), [0]).op;
    const SQUEEZE = declareOpDef({ attrs: ["T: type", "squeeze_dims: list(int) >= 0 = []"] });
    expect(attrsOf(squeeze, SQUEEZE).squeeze_dims).toEqual([0]);
    expect(attrsOf(squeeze, SQUEEZE).T).toBe("float32");
  });
});
