import { describe, expect, it, vi } from "vitest";
import {
  readBundle,
  writeBundle,
  type BundleDType,
  type BundleTensorInput,
} from "../../../src/checkpoint/format/bundle.js";
import { crc32c, crc32cExtend, maskCrc32c } from "../../../src/checkpoint/format/crc32c.js";
import { CheckpointFormatError } from "../../../src/checkpoint/format/errors.js";
import {
  decodeBundleEntry,
  decodeBundleHeader,
  encodeBundleEntry,
  encodeBundleHeader,
  type BundleEntryProto,
} from "../../../src/checkpoint/format/proto/messages.js";
import { buildTable, readTable } from "../../../src/checkpoint/format/table.js";
import { hex } from "./helpers.js";

const SHAPES: number[][] = [[], [3], [2, 3], [2, 1, 3], [2, 2, 1, 3], [0], [4, 0, 2]];
const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Deterministic values that exercise sign, NaN payloads and extremes. */
function numericInput(
  dtype: Exclude<BundleDType, "string" | "bool">,
  shape: number[],
): BundleTensorInput {
  const n = count(shape);
  const name = `${dtype}/rank${shape.length}/${shape.join("x") || "scalar"}`;
  switch (dtype) {
    case "float32": {
      const v = Float32Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * i * 0.37);
      if (n > 1) v[1] = NaN;
      if (n > 2) v[2] = -0;
      if (n > 3) v[3] = Infinity;
      if (n > 4) v[4] = 1.4e-45; // denormal
      return { name, dtype, shape, values: v };
    }
    case "float64":
      return { name, dtype, shape, values: Float64Array.from({ length: n }, (_, i) => i / 3) };
    case "int32":
      return {
        name,
        dtype,
        shape,
        values: Int32Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * i * 1000003),
      };
    case "int64":
      return {
        name,
        dtype,
        shape,
        values: Int32Array.from({ length: n }, (_, i) =>
          i === 1 ? -2147483648 : i === 2 ? 2147483647 : -i,
        ),
      };
  }
}

function stringInput(shape: number[]): BundleTensorInput {
  const pool = ["", "a", "héllo wörld", "日本語", "emoji 🎉", "x".repeat(300)];
  return {
    name: `string/rank${shape.length}/${shape.join("x") || "scalar"}`,
    dtype: "string",
    shape,
    values: Array.from({ length: count(shape) }, (_, i) => pool[i % pool.length]),
  };
}

function boolInput(shape: number[]): BundleTensorInput {
  return {
    name: `bool/rank${shape.length}/${shape.join("x") || "scalar"}`,
    dtype: "bool",
    shape,
    values: Uint8Array.from({ length: count(shape) }, (_, i) => (i % 3 === 0 ? 1 : 0)),
  };
}

function allInputs(): BundleTensorInput[] {
  const out: BundleTensorInput[] = [];
  for (const shape of SHAPES) {
    for (const d of ["float32", "float64", "int32", "int64"] as const)
      out.push(numericInput(d, shape));
    out.push(stringInput(shape), boolInput(shape));
  }
  return out;
}

const bitsOf = (a: Float32Array | Int32Array | Uint8Array) =>
  hex(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

describe("writeBundle/readBundle round trip", () => {
  const inputs = allInputs();
  const { index, data } = writeBundle(inputs);
  const warnings: string[] = [];
  const reader = readBundle(index, data, {
    prefix: "mem/model.ckpt",
    onWarning: (m) => warnings.push(m),
  });

  it("lists every tensor sorted bytewise with dtype and shape", () => {
    const listed = reader.listEntries();
    const names = inputs
      .map((t) => t.name)
      .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect(listed.map((e) => e.name)).toEqual(names);
    for (const t of inputs) {
      const e = listed.find((x) => x.name === t.name);
      expect(e?.dtype).toBe(t.dtype);
      expect(e?.shape).toEqual(t.shape);
    }
  });

  it.each(inputs.map((t) => [t.name, t] as const))("%s comes back bit-exactly", (_n, t) => {
    const back = reader.getTensor(t.name);
    expect(back.dtype).toBe(t.dtype);
    expect(back.shape).toEqual(t.shape);
    switch (t.dtype) {
      case "float32":
        expect(back.values).toBeInstanceOf(Float32Array);
        expect(bitsOf(back.values as Float32Array)).toBe(bitsOf(t.values as Float32Array));
        break;
      case "float64":
        expect(bitsOf(back.values as Float32Array)).toBe(
          bitsOf(new Float32Array(t.values as Float64Array)),
        );
        break;
      case "int32":
        expect(Array.from(back.values as Int32Array)).toEqual(Array.from(t.values as Int32Array));
        break;
      case "int64":
        expect(back.values).toBeInstanceOf(BigInt64Array);
        expect(Array.from(back.values as BigInt64Array)).toEqual(
          Array.from(t.values as Int32Array, BigInt),
        );
        break;
      case "bool":
        expect(Array.from(back.values as Uint8Array)).toEqual(Array.from(t.values as Uint8Array));
        break;
      case "string":
        expect(back.values).toEqual(t.values);
        break;
    }
  });

  it("warns once per float64 read, naming the key", () => {
    warnings.length = 0;
    reader.getTensor("float64/rank1/3");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/float64\/rank1\/3.*float64.*float32/);
  });

  it("lays tensors out in key order with no padding, sizes as TF computes them", () => {
    let offset = 0;
    for (const e of reader.listEntries()) {
      expect(e.offset).toBe(offset);
      expect(e.shardId).toBe(0);
      offset += e.size;
    }
    expect(offset).toBe(data.length);
    const f = reader.listEntries().find((e) => e.name === "float64/rank2/2x3");
    expect(f?.size).toBe(6 * 8);
  });

  it("stores TF's header: num_shards 1, little-endian, version {producer: 1}", () => {
    const t = readTable(index);
    expect(t.entries[0].key.length).toBe(0);
    expect(hex(t.entries[0].value)).toBe("08 01 1a 02 08 01");
    expect(decodeBundleHeader(t.entries[0].value)).toEqual(reader.header);
  });
});

describe("data layout details", () => {
  it("stores int64 sign-extended to 8 little-endian bytes and accepts BigInt64Array", () => {
    const { data } = writeBundle([
      { name: "a", dtype: "int64", shape: [2], values: Int32Array.of(-1, 5) },
      { name: "b", dtype: "int64", shape: [1], values: BigInt64Array.of(7n) },
    ]);
    expect(hex(data)).toBe(
      "ff ff ff ff ff ff ff ff 05 00 00 00 00 00 00 00 07 00 00 00 00 00 00 00",
    );
  });

  it("reads int64 values back exactly, beyond the int32 range too", () => {
    const big = [1n, 2n ** 40n, -(2n ** 63n), 2n ** 63n - 1n];
    const { index, data } = writeBundle([
      { name: "global_step", dtype: "int64", shape: [4], values: BigInt64Array.from(big) },
    ]);
    const r = readBundle(index, data, { prefix: "p" });
    const t = r.getTensor("global_step");
    expect(t.dtype).toBe("int64");
    expect(Array.from(t.values as BigInt64Array)).toEqual(big);
  });

  it("stores bools as single 0/1 bytes", () => {
    const { data } = writeBundle([
      { name: "m", dtype: "bool", shape: [4], values: [true, false, false, true] },
    ]);
    expect(hex(data)).toBe("01 00 00 01");
    expect(
      hex(
        writeBundle([{ name: "m", dtype: "bool", shape: [2], values: Uint8Array.of(7, 0) }]).data,
      ),
    ).toBe("01 00");
  });

  it("writes string tensors in TF's layout: varint64 lengths, masked length CRC, bytes", () => {
    const { index, data } = writeBundle([
      { name: "s", dtype: "string", shape: [3], values: ["ab", "", "c"] },
    ]);
    const lengthsCrc = crc32c(Uint8Array.of(2, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0)); // each length as uint32 LE
    const masked = maskCrc32c(lengthsCrc);
    const maskedBytes = Uint8Array.of(
      masked & 0xff,
      (masked >>> 8) & 0xff,
      (masked >>> 16) & 0xff,
      masked >>> 24,
    );
    expect(hex(data)).toBe(`02 00 01 ${hex(maskedBytes)} 61 62 63`);
    const entry = decodeBundleEntry(readTable(index).entries[1].value);
    // The entry CRC covers the fixed-width lengths, the stored length checksum and the string bytes.
    const expected = crc32cExtend(
      crc32cExtend(lengthsCrc, maskedBytes),
      Uint8Array.of(0x61, 0x62, 0x63),
    );
    expect(entry.crc32c).toBe(maskCrc32c(expected));
    expect(entry.size).toBe(data.length);
  });

  it("keeps binary string elements intact through getStringBytes", () => {
    const blob = Uint8Array.of(0, 0xff, 0xfe, 0x80, 10);
    const { index, data } = writeBundle([
      { name: "blob", dtype: "string", shape: [], values: [blob] },
    ]);
    expect(hex(readBundle(index, data).getStringBytes("blob")[0])).toBe(hex(blob));
  });

  it("sorts keys by UTF-8 bytes, not UTF-16 code units", () => {
    // U+FF5E sorts after U+1F600 in UTF-16 (0xFF5E > 0xD83D) but before it in UTF-8 (EF.. < F0..).
    const names = ["\u{1F600}", "\uFF5E"];
    const { index, data } = writeBundle(
      names.map((name) => ({ name, dtype: "float32" as const, shape: [], values: [1] })),
    );
    expect(
      readBundle(index, data)
        .listEntries()
        .map((e) => e.name),
    ).toEqual(["\uFF5E", "\u{1F600}"]);
  });

  it("writes empty tensors as size 0 with TF's masked CRC of nothing", () => {
    const { index } = writeBundle([
      { name: "e", dtype: "float32", shape: [0, 3], values: new Float32Array(0) },
    ]);
    const entry = decodeBundleEntry(readTable(index).entries[1].value);
    expect(entry.size).toBe(0);
    expect(entry.crc32c).toBe(0xa282ead8);
  });
});

describe("writer input validation", () => {
  const bad: [string, BundleTensorInput[], RegExp][] = [
    [
      "value count",
      [{ name: "w", dtype: "float32", shape: [2, 2], values: [1, 2, 3] }],
      /'w'.*3 values.*needs 4/,
    ],
    [
      "duplicate",
      [
        { name: "w", dtype: "float32", shape: [], values: [1] },
        { name: "w", dtype: "float32", shape: [], values: [1] },
      ],
      /duplicate.*'w'/,
    ],
    ["empty name", [{ name: "", dtype: "float32", shape: [], values: [1] }], /non-empty/],
    [
      "negative dim",
      [{ name: "w", dtype: "float32", shape: [-1], values: [] }],
      /bad dimension -1/,
    ],
    [
      "int32 range",
      [{ name: "i", dtype: "int32", shape: [1], values: [2 ** 31] }],
      /'i'.*not an int32/,
    ],
  ];
  it.each(bad)("rejects %s", (_what, entries, message) => {
    expect(() => writeBundle(entries)).toThrow(CheckpointFormatError);
    expect(() => writeBundle(entries)).toThrow(message);
  });
});

describe("reader errors", () => {
  const { index, data } = writeBundle([
    { name: "w", dtype: "float32", shape: [4], values: Float32Array.of(1, 2, 3, 4) },
    { name: "s", dtype: "string", shape: [2], values: ["hello", "world"] },
  ]);

  it("names the key and the index file when a key is missing", () => {
    expect(() => readBundle(index, data, { prefix: "run/ckpt" }).getTensor("nope")).toThrow(
      "Key 'nope' not found in checkpoint run/ckpt.index",
    );
  });

  it("names the data file and key when the data is truncated", () => {
    const r = readBundle(index, data.subarray(0, 10), { prefix: "run/ckpt" });
    expect(() => r.getTensor("w")).toThrow(/run\/ckpt\.data-00000-of-00001 is truncated: key 'w'/);
  });

  it("defaults to console.warn for float64 notices", () => {
    const spy = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const b = writeBundle([{ name: "d", dtype: "float64", shape: [], values: [0.1] }]);
    expect(readBundle(b.index, b.data).getTensor("d").values[0]).toBe(Math.fround(0.1));
    expect(spy).toHaveBeenCalledOnce();
    spy.mockRestore();
  });

  it("reads data lazily through a shard callback", () => {
    const calls: [number, number][] = [];
    const r = readBundle(index, (shard, of) => (calls.push([shard, of]), data));
    expect(calls).toEqual([]);
    r.getTensor("w");
    r.getTensor("s");
    expect(calls).toEqual([[0, 1]]);
  });
});

describe("hand-built indexes for cases real fixtures lack", () => {
  const header = (endianness: number) =>
    encodeBundleHeader({
      numShards: 1,
      endianness,
      version: { producer: 1, minConsumer: 0, badConsumers: [] },
    });
  const entry = (p: Partial<BundleEntryProto>): Uint8Array =>
    encodeBundleEntry({
      dtype: 1,
      shape: { dim: [], unknownRank: false },
      shardId: 0,
      offset: 0,
      size: 0,
      crc32c: 0,
      slices: [],
      ...p,
    });
  const row = (key: string | Uint8Array, value: Uint8Array) => ({
    key: typeof key === "string" ? new TextEncoder().encode(key) : key,
    value,
  });

  it("reads a big-endian bundle by swapping bytes (CRCs cover the bytes as stored)", () => {
    const floatsBE = Uint8Array.of(0x3f, 0x80, 0x00, 0x00, 0xc0, 0x00, 0x00, 0x00); // 1.0, -2.0
    // String tensor as a big-endian TF writes it: the length checksum hashes lengths as BE uint32.
    const lengthsBE = Uint8Array.of(0, 0, 0, 3);
    const lenCrc = crc32c(lengthsBE);
    const m = maskCrc32c(lenCrc);
    const maskedBE = Uint8Array.of(m >>> 24, (m >>> 16) & 0xff, (m >>> 8) & 0xff, m & 0xff);
    const strBytes = Uint8Array.of(3, ...maskedBE, 0x61, 0x62, 0x63);
    const strCrc = crc32cExtend(crc32cExtend(lenCrc, maskedBE), Uint8Array.of(0x61, 0x62, 0x63));
    const data = Uint8Array.of(...floatsBE, ...strBytes);
    const index = buildTable([
      row("", header(1)),
      row(
        "f",
        entry({
          shape: { dim: [{ size: 2, name: "" }], unknownRank: false },
          size: 8,
          crc32c: maskCrc32c(crc32c(floatsBE)),
        }),
      ),
      row("s", entry({ dtype: 7, offset: 8, size: strBytes.length, crc32c: maskCrc32c(strCrc) })),
    ]);
    const r = readBundle(index, data);
    expect(Array.from(r.getTensor("f").values as Float32Array)).toEqual([1, -2]);
    expect(r.getTensor("s").values).toEqual(["abc"]);
  });

  it("lists dtypes it cannot read and refuses to read them, naming the dtype and key", () => {
    const index = buildTable([row("", header(0)), row("h", entry({ dtype: 19, size: 2 }))]);
    const r = readBundle(index, new Uint8Array(2), { prefix: "p" });
    expect(r.listEntries()[0]).toMatchObject({ name: "h", dtype: null, tfDtype: "DT_HALF" });
    expect(() => r.getTensor("h")).toThrow(
      "Key 'h' in p.index has dtype DT_HALF, which scopeflow does not read",
    );
  });

  it("hides slice entries of partitioned tensors and refuses to read them for now", () => {
    const sliceKey = Uint8Array.of(0, 0x77, 0, 1, 1, 0x80, 0x82); // EncodeTensorNameSlice-style key
    const index = buildTable([
      row("", header(0)),
      row(
        sliceKey,
        entry({ shape: { dim: [{ size: 2, name: "" }], unknownRank: false }, size: 8 }),
      ),
      row(
        "w",
        entry({
          shape: { dim: [{ size: 4, name: "" }], unknownRank: false },
          slices: [{ extent: [{ start: 0, length: 2 }] }],
        }),
      ),
    ]);
    const r = readBundle(index, new Uint8Array(8));
    expect(r.listEntries().map((e) => [e.name, e.partitioned])).toEqual([["w", true]]);
    expect(() => r.getTensor("w")).toThrow(/partitioned/);
  });

  it("refuses bundles whose version requires a newer reader", () => {
    const newer = encodeBundleHeader({
      numShards: 1,
      endianness: 0,
      version: { producer: 2, minConsumer: 2, badConsumers: [] },
    });
    expect(() => readBundle(buildTable([row("", newer)]), new Uint8Array(0))).toThrow(
      /newer than this reader/,
    );
    const bad = encodeBundleHeader({
      numShards: 1,
      endianness: 0,
      version: { producer: 1, minConsumer: 0, badConsumers: [1] },
    });
    expect(() => readBundle(buildTable([row("", bad)]), new Uint8Array(0))).toThrow(
      CheckpointFormatError,
    );
  });

  it("refuses a table without the header entry", () => {
    expect(() =>
      readBundle(buildTable([row("w", entry({}))]), new Uint8Array(0), { prefix: "q" }),
    ).toThrow("q.index has no bundle header entry (empty key)");
  });

  it("reads multi-shard bundles through the shard callback", () => {
    const h = encodeBundleHeader({
      numShards: 2,
      endianness: 0,
      version: { producer: 1, minConsumer: 0, badConsumers: [] },
    });
    const a = new Uint8Array(Float32Array.of(5).buffer);
    const b = new Uint8Array(Float32Array.of(7).buffer);
    const index = buildTable([
      row("", h),
      row("a", entry({ size: 4, crc32c: maskCrc32c(crc32c(a)) })),
      row("b", entry({ shardId: 1, size: 4, crc32c: maskCrc32c(crc32c(b)) })),
    ]);
    const shards = [a, b];
    const r = readBundle(
      index,
      (id, of) => {
        expect(of).toBe(2);
        return shards[id];
      },
      { prefix: "m" },
    );
    expect([r.getTensor("a").values[0], r.getTensor("b").values[0]]).toEqual([5, 7]);
  });
});
