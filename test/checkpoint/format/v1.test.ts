/**
 * V1 ("tensor slices") checkpoints, read as TF 1.15's RestoreV2 falls back to them: the
 * TF-written bad_half_plus_two file, and V1 tables built here as TF's TensorSliceWriter
 * lays them out (a table of contents under the empty key, one record per saved slice,
 * values in the TensorProto's typed fields) — slices assembled into whole tensors, every
 * element type TF writes, damaged files refused as corrupt. Then the V1 saver ops a TF 0.x
 * graph holds: `RestoreSlice` (whole and sliced) and the refused `SaveSlices`.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import * as tf from "../../../src/index.js";
import { buildTable } from "../../../src/checkpoint/format/table.js";
import { readV1Tensors } from "../../../src/checkpoint/format/v1.js";
import { CheckpointFormatError } from "../../../src/checkpoint/format/errors.js";
import { SavedTensorSlices, tensorflow } from "../../../src/proto/index.js";
import { fixtureBytes } from "./helpers.js";
import { tempDir, thrown } from "../helpers.js";

beforeEach(() => {
  tf.resetDefaultGraph();
});

const DT = tensorflow.DataType;
type Extent = [start: number, length: number] | null;

interface SliceRecord {
  name: string;
  extents: Extent[];
  data: tensorflow.TensorProto.$Properties;
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function sliceProto(extents: readonly Extent[]): tensorflow.TensorSliceProto.$Properties {
  return {
    extent: extents.map((e) => (e === null ? {} : { start: e[0], length: e[1] })),
  };
}

/** A V1 file: the table of contents, then each slice under a key sorting after it. */
function v1File(
  tensors: { name: string; dims: number[]; type: number; slices: Extent[][] }[],
  records: SliceRecord[],
): Uint8Array {
  const meta = SavedTensorSlices.toBinary({
    meta: {
      tensor: tensors.map((t) => ({
        name: t.name,
        shape: { dim: t.dims.map((size) => ({ size })) },
        type: t.type,
        slice: t.slices.map(sliceProto),
      })),
      versions: { producer: 1 },
    },
  });
  const rows = records.map((r, i) => ({
    key: new Uint8Array([0, ...utf8(r.name), 0, i + 1]),
    value: SavedTensorSlices.toBinary({
      data: { name: r.name, slice: sliceProto(r.extents), data: r.data },
    }),
  }));
  rows.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  return buildTable([{ key: new Uint8Array(0), value: meta }, ...rows]);
}

describe("reading V1 checkpoint files", () => {
  it("the TF-written bad_half_plus_two: two float scalars", () => {
    const tensors = readV1Tensors(
      fixtureBytes("serving-bad-half-plus-two-v1-format", "export"),
      "export",
    );
    expect(
      tensors.map((t) => [t.name, t.dtype, t.shape, Array.from(t.values as ArrayLike<number>)]),
    ).toEqual([
      ["Variable", "float32", [], [0.5]],
      ["Variable_1", "float32", [], [2]],
    ]);
  });

  it("assembles a partitioned tensor from its slices, in any record order", () => {
    // A 3×2 variable saved as rows 0–1 and row 2 (TF's partitioned variable layout).
    const bytes = v1File(
      [
        {
          name: "w",
          dims: [3, 2],
          type: DT.DT_FLOAT,
          slices: [
            [[0, 2], null],
            [[2, 1], null],
          ],
        },
      ],
      [
        { name: "w", extents: [[2, 1], null], data: { floatVal: [5, 6] } },
        { name: "w", extents: [[0, 2], null], data: { floatVal: [1, 2, 3, 4] } },
      ],
    );
    const [w] = readV1Tensors(bytes, "parts");
    expect(w?.shape).toEqual([3, 2]);
    expect(Array.from((w?.values ?? []) as ArrayLike<number>)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("reads every element type from its TensorProto field", () => {
    const scalar = (name: string, type: number) => ({ name, dims: [2], type, slices: [[null]] });
    const bytes = v1File(
      [
        scalar("d", DT.DT_DOUBLE),
        scalar("i", DT.DT_INT32),
        scalar("l", DT.DT_INT64),
        scalar("b", DT.DT_BOOL),
        scalar("s", DT.DT_STRING),
      ],
      [
        { name: "d", extents: [null], data: { doubleVal: [0.25, -1] } },
        { name: "i", extents: [null], data: { intVal: [7, -3] } },
        { name: "l", extents: [null], data: { int64Val: [12, -4] } },
        { name: "b", extents: [null], data: { boolVal: [true, false] } },
        { name: "s", extents: [null], data: { stringVal: [utf8("ab"), utf8("c")] } },
      ],
    );
    const dir = tempDir();
    const prefix = path.join(dir, "all_types");
    writeFileSync(prefix, bytes);
    const reader = tf.train.loadCheckpoint(prefix);
    expect(Object.fromEntries(reader.getVariableToDtypeMap())).toEqual({
      b: "DT_BOOL",
      d: "DT_DOUBLE",
      i: "DT_INT32",
      l: "DT_INT64",
      s: "DT_STRING",
    });
    expect(reader.getTensor("i").toArray()).toEqual([7, -3]);
    expect(reader.getTensor("b").toArray()).toEqual([true, false]);
    expect(reader.getTensor("d").toArray()).toEqual([0.25, -1]);
    expect(String(reader.getTensor("l"))).toBe("[12 -4]");
    expect(String(reader.getTensor("s"))).toBe("[b'ab' b'c']");
  });

  it("refuses missing slices, slices outside the shape and unknown names as corrupt", () => {
    const meta = [{ name: "w", dims: [2], type: DT.DT_FLOAT, slices: [[null]] }];
    const bad: [SliceRecord[], string][] = [
      [[], "w has 0 of its 2 values saved"],
      [
        [{ name: "w", extents: [[1, 2]], data: { floatVal: [1, 2] } }],
        "a slice of w lies outside its shape [2]",
      ],
      [
        [{ name: "v", extents: [null], data: { floatVal: [1, 2] } }],
        'a record names "v", not in the table of contents',
      ],
      [
        [{ name: "w", extents: [null], data: { floatVal: [1] } }],
        "slice of w holds 1 values, its extent 2",
      ],
    ];
    for (const [records, why] of bad) {
      const e = thrown(() => readV1Tensors(v1File(meta, records), "bad"));
      expect(e).toBeInstanceOf(CheckpointFormatError);
      expect((e as CheckpointFormatError).code).toBe("corrupt");
      expect(e.message).toBe(`bad: not a valid V1 checkpoint: ${why}`);
    }
  });
});

describe("the V1 saver ops of TF 0.x graphs", () => {
  function restoreSlice(prefix: string, name: string, spec: string): tf.Tensor {
    const op = tf.getDefaultGraph().createOp({
      type: "RestoreSlice",
      name: `restore_${name}`,
      inputs: [tf.constant(prefix), tf.constant(name), tf.constant(spec)],
      outputs: [{ dtype: "float32", shape: tf.TensorShape.unknown() }],
      attrs: { dt: "float32", preferred_shard: -1 },
      definedAt: null,
    });
    return op.outputs[0] as tf.Tensor;
  }

  it("RestoreSlice reads a whole tensor or the slice its spec names; a missing key is NotFound", () => {
    const dir = tempDir();
    const prefix = path.join(dir, "v1");
    writeFileSync(
      prefix,
      v1File(
        [{ name: "w", dims: [2, 3], type: DT.DT_FLOAT, slices: [[null, null]] }],
        [{ name: "w", extents: [null, null], data: { floatVal: [1, 2, 3, 4, 5, 6] } }],
      ),
    );
    const whole = restoreSlice(prefix, "w", "");
    const part = restoreSlice(prefix, "w", "2 3 -:1,2");
    const wrongShape = restoreSlice(prefix, "w", "3 3 -:-");
    const missing = restoreSlice(prefix, "nope", "");
    using sess = new tf.Session();
    expect(sess.run(whole).toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(sess.run(part).toArray()).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(thrown(() => sess.run(wrongShape))).toBeInstanceOf(tf.errors.InvalidArgumentError);
    const e = thrown(() => sess.run(missing));
    expect(e).toBeInstanceOf(tf.errors.NotFoundError);
    expect(e.message).toContain("Key nope not found in checkpoint");
  });

  it("the TF 0.10 graph's own V1 saver restores; its SaveSlices is refused, naming the V2 Saver", () => {
    const dir = path.resolve(
      import.meta.dirname,
      "../../fixtures/tf-checkpoints/serving-bad-half-plus-two-v1-format",
    );
    const saver = tf.train.importMetaGraph(path.join(dir, "export.meta")) as tf.train.Saver;
    const g = tf.getDefaultGraph();
    expect(g.getOperations().filter((o) => o.type === "RestoreSlice").length).toBe(2);
    using sess = new tf.Session();
    saver.restore(sess, path.join(dir, "export"));
    expect(sess.run(g.getTensorByName("Variable:0")).item()).toBe(0.5);
    const e = thrown(() => saver.save(sess, path.join(tempDir(), "again")));
    expect(e).toBeInstanceOf(tf.errors.UnimplementedError);
    expect(e.message).toContain("SaveSlices writes a V1 (legacy) checkpoint");
  });
});
