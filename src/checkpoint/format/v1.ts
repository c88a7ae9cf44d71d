/**
 * TensorFlow's V1 checkpoints ("tensor slices", written before TF 0.12 made V2 the
 * default), read as TF 1.15's `RestoreV2` reads them when a prefix has no `.index`: one
 * table file whose record under the empty key is a `SavedTensorSlices` table of contents
 * (each tensor's name, shape, dtype and saved slices) and whose other records each hold one
 * slice's values. The slices are assembled into whole tensors and handed back as an
 * in-memory V2 bundle, so every reader (the checkpoint reader, `RestoreV2`, `Saver.restore`)
 * reads a V1 file as it reads a V2 one.
 */
import { SavedTensorSlices, tensorflow } from "../../proto/index.js";
import {
  readBundle,
  writeBundle,
  type BundleReader,
  type BundleTensorInput,
  type ReadBundleOptions,
} from "./bundle.js";
import { CheckpointFormatError, describeError } from "./errors.js";
import { readTable } from "./table.js";

type SliceProto = tensorflow.TensorSliceProto.$Properties;
type TensorProto = tensorflow.TensorProto.$Properties;

const DT = tensorflow.DataType;

/** One tensor of the table of contents and the values assembled from its slices. */
interface V1Tensor {
  name: string;
  shape: number[];
  dtype: number;
  values: unknown[];
  filled: number;
}

/**
 * The extent of a saved slice in each dimension: `[start, length]`, a missing extent or
 * one without a length meaning the whole dimension (TF's `TensorSlice`).
 */
function extentsOf(
  slice: SliceProto | null | undefined,
  shape: readonly number[],
): [number, number][] {
  const extents = slice?.extent ?? [];
  return shape.map((dim, d) => {
    const e = extents[d];
    if (e === undefined || e.length === undefined || e.length === null) return [0, dim];
    return [Number(e.start ?? 0), Number(e.length)];
  });
}

/** The values a V1 record stores for `dtype` (in the typed repeated field TF writes). */
function valuesOf(data: TensorProto, dtype: number, file: string, name: string): unknown[] {
  switch (dtype) {
    case DT.DT_FLOAT:
      return data.floatVal ?? [];
    case DT.DT_DOUBLE:
      return data.doubleVal ?? [];
    case DT.DT_INT32:
    case DT.DT_INT16:
    case DT.DT_INT8:
    case DT.DT_UINT8:
      return data.intVal ?? [];
    case DT.DT_INT64:
      return (data.int64Val ?? []).map((v) => BigInt(String(v)));
    case DT.DT_BOOL:
      return data.boolVal ?? [];
    case DT.DT_STRING:
      return data.stringVal ?? [];
    default:
      throw new CheckpointFormatError(
        "unsupported",
        `${file}: tensor ${name} has dtype ${DT[dtype] ?? dtype}, which scopeflow cannot read from a V1 checkpoint`,
        { file },
      );
  }
}

/** Copies a slice's row-major values into the whole tensor's. */
function place(
  tensor: V1Tensor,
  extents: readonly [number, number][],
  values: readonly unknown[],
): void {
  const { shape } = tensor;
  const count = extents.reduce((n, [, len]) => n * len, 1);
  if (values.length !== count) {
    throw new Error(`slice of ${tensor.name} holds ${values.length} values, its extent ${count}`);
  }
  const strides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const at = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < count; i++) {
    let offset = 0;
    for (let d = 0; d < shape.length; d++) {
      offset += ((extents[d] as [number, number])[0] + (at[d] as number)) * (strides[d] as number);
    }
    tensor.values[offset] = values[i];
    for (let d = shape.length - 1; d >= 0; d--) {
      at[d] = (at[d] as number) + 1;
      if ((at[d] as number) < (extents[d] as [number, number])[1]) break;
      at[d] = 0;
    }
  }
  tensor.filled += count;
}

function asInput(t: V1Tensor): BundleTensorInput {
  const base = { name: t.name, shape: t.shape };
  switch (t.dtype) {
    case DT.DT_FLOAT:
      return { ...base, dtype: "float32", values: t.values as number[] };
    case DT.DT_DOUBLE:
      return { ...base, dtype: "float64", values: t.values as number[] };
    case DT.DT_INT64:
      return { ...base, dtype: "int64", values: BigInt64Array.from(t.values as bigint[]) };
    case DT.DT_BOOL:
      return { ...base, dtype: "bool", values: t.values as boolean[] };
    case DT.DT_STRING:
      return { ...base, dtype: "string", values: t.values as Uint8Array[] };
    default:
      return { ...base, dtype: "int32", values: t.values as number[] };
  }
}

/**
 * The tensors of a V1 checkpoint file, whole, in its table of contents' order. Damaged
 * records, slices outside their tensor and tensors not fully saved are `"corrupt"` errors
 * naming the file.
 *
 * @example
 * ```ts
 * import { buildTable } from "./table.js";
 * import { SavedTensorSlices } from "../../proto/index.js";
 * const toc = { tensor: [{ name: "w", shape: { dim: [{ size: 2 }] }, type: 1, slice: [{}] }] };
 * const bytes = buildTable([
 *   { key: new Uint8Array(0), value: SavedTensorSlices.toBinary({ meta: toc }) },
 *   { key: Uint8Array.of(0, 119), value: SavedTensorSlices.toBinary({ data: { name: "w", slice: {}, data: { floatVal: [1, 2] } } }) },
 * ]);
 * readV1Tensors(bytes, "w.ckpt").map((t) => `${t.name}=${String(t.values)}`).join(" "); // ==> w=1,2
 * ```
 */
export function readV1Tensors(bytes: Uint8Array, file: string): BundleTensorInput[] {
  const corrupt = (why: string, cause?: unknown): CheckpointFormatError =>
    new CheckpointFormatError("corrupt", `${file}: not a valid V1 checkpoint: ${why}`, {
      file,
      ...(cause === undefined ? {} : { cause }),
    });
  const decode = (value: Uint8Array, what: string): tensorflow.SavedTensorSlices => {
    try {
      return SavedTensorSlices.fromBinary(value);
    } catch (e) {
      throw corrupt(`${what}: ${describeError(e)}`, e);
    }
  };
  const table = readTable(bytes, file);
  const first = table.entries[0];
  if (first === undefined || first.key.length !== 0)
    throw corrupt("no table of contents (empty key)");
  const meta = decode(first.value, "table of contents").meta;
  if (meta === null || meta === undefined) throw corrupt("the empty key holds no meta");
  const tensors = new Map<string, V1Tensor>();
  for (const m of meta.tensor ?? []) {
    const shape = (m.shape?.dim ?? []).map((d) => Number(d.size ?? 0));
    const n = shape.reduce((a, b) => a * b, 1);
    tensors.set(m.name ?? "", {
      name: m.name ?? "",
      shape,
      dtype: m.type ?? 0,
      values: new Array<unknown>(n),
      filled: 0,
    });
  }
  for (const row of table.entries.slice(1)) {
    const data = decode(row.value, "a slice record").data;
    const tensor = tensors.get(data?.name ?? "");
    if (data === null || data === undefined || tensor === undefined) {
      throw corrupt(
        `a record names ${JSON.stringify(data?.name ?? "")}, not in the table of contents`,
      );
    }
    const extents = extentsOf(data.slice, tensor.shape);
    if (extents.some(([start, len], d) => start < 0 || start + len > (tensor.shape[d] as number))) {
      throw corrupt(`a slice of ${tensor.name} lies outside its shape [${tensor.shape.join(",")}]`);
    }
    const values = valuesOf(data.data ?? {}, tensor.dtype, file, tensor.name);
    try {
      place(tensor, extents, values);
    } catch (e) {
      throw corrupt(describeError(e), e);
    }
  }
  return [...tensors.values()].map((t) => {
    if (t.filled !== t.values.length) {
      throw corrupt(`${t.name} has ${t.filled} of its ${t.values.length} values saved`);
    }
    return asInput(t);
  });
}

/**
 * Opens a V1 checkpoint file's bytes as a {@link BundleReader} (an in-memory V2 bundle of
 * its whole tensors).
 *
 * @example
 * ```ts
 * import { buildTable } from "./table.js";
 * import { SavedTensorSlices } from "../../proto/index.js";
 * const toc = { tensor: [{ name: "b", shape: {}, type: 1, slice: [{}] }] };
 * const bytes = buildTable([
 *   { key: new Uint8Array(0), value: SavedTensorSlices.toBinary({ meta: toc }) },
 *   { key: Uint8Array.of(0, 98), value: SavedTensorSlices.toBinary({ data: { name: "b", slice: {}, data: { floatVal: [2] } } }) },
 * ]);
 * readV1Checkpoint(bytes, { prefix: "export" }).getTensor("b").values; // ==> 2
 * ```
 */
export function readV1Checkpoint(bytes: Uint8Array, options: ReadBundleOptions = {}): BundleReader {
  const { index, data } = writeBundle(readV1Tensors(bytes, options.prefix ?? "<memory>"));
  return readBundle(index, data, { ...options, inMemory: true });
}
