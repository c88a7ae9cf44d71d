import * as tfc from "@tensorflow/tfjs-core";

/*
 * The one module that reaches into tfjs-core's and its backends' internals (the engine's
 * data ids and reference counts, kernels run by name, the wasm backend's heap). Everything
 * here depends on tfjs details its public API does not promise; keeping them together
 * makes a tfjs upgrade one file's work.
 */

interface RefCountingBackend {
  incRef(dataId: object): void;
}

interface HeapBackend {
  dataIdMap?: { has(dataId: object): boolean };
  typedArrayFromHeap?: (info: { shape: number[]; dtype: string; dataId: object }) => unknown;
  makeOutput?: (shape: number[], dtype: string) => { dataId: object };
  disposeData?: (dataId: object, force?: boolean) => boolean;
}

interface EngineInternals {
  backend: RefCountingBackend & HeapBackend;
  backendName?: string | null;
  readSync(dataId: object): unknown;
  makeTensorFromDataId(
    dataId: object,
    shape: number[],
    dtype: tfc.DataType,
    backend: RefCountingBackend,
  ): tfc.Tensor;
}

function engine(): EngineInternals {
  return tfc.engine() as unknown as EngineInternals;
}

/**
 * A new tensor handle on the same data, without a copy: what `Identity`, variable reads
 * and assignments need. tfjs's own `clone` copies the buffer on wasm (its Identity kernel
 * does); sharing is safe because no kernel writes into an existing buffer, and the
 * backend's reference count frees the data when the last handle goes.
 */
export function shareTensor(t: tfc.Tensor): tfc.Tensor {
  const e = engine();
  const backend = e.backend;
  backend.incRef(t.dataId);
  return e.makeTensorFromDataId(t.dataId, t.shape.slice(), t.dtype, backend);
}

/**
 * Runs the active backend's kernel `name` on named inputs and attributes (for kernels
 * tfjs-core's ops do not expose with the attributes TensorFlow's ops need, such as the
 * gradient kernels of convolutions and pooling).
 */
export function runKernel<T extends tfc.Tensor>(
  name: string,
  inputs: Record<string, tfc.Tensor>,
  attrs: Record<string, unknown>,
): T {
  return tfc
    .engine()
    .runKernel(
      name,
      inputs as unknown as tfc.NamedTensorMap,
      attrs as unknown as tfc.NamedAttrMap,
    ) as T;
}

/** Whether the active backend has a kernel named `name`. */
export function hasKernel(name: string): boolean {
  return tfc.getKernel(name, tfc.getBackend()) !== undefined;
}

/** Whether tfjs has chosen a backend (it leaves the engine's name unset until then). */
export function backendChosen(): boolean {
  const name = engine().backendName;
  return name !== null && name !== undefined;
}

/** The raw bytes of a tfjs string tensor (`dataSync` would decode them as UTF-8, lossily). */
export function stringTensorBytes(t: tfc.Tensor): Uint8Array[] {
  return engine().readSync(t.dataId) as Uint8Array[];
}

/**
 * A numeric tensor's values as a view of the wasm backend's heap, without a copy, or
 * `null` on a backend without one. Valid only until the next tfjs call allocates.
 */
export function heapView(t: tfc.Tensor): Float32Array | Int32Array | Uint8Array | null {
  const backend = engine().backend;
  if (typeof backend.typedArrayFromHeap !== "function" || !backend.dataIdMap?.has(t.dataId)) {
    return null;
  }
  const view = backend.typedArrayFromHeap({ shape: t.shape, dtype: t.dtype, dataId: t.dataId });
  if (view instanceof Float32Array || view instanceof Int32Array || view instanceof Uint8Array) {
    return view;
  }
  return null;
}

/** Reads float32 input values and writes float32 output values, element by element. */
export type Float32Body = (inputs: Float32Array[], outputs: Float32Array[]) => void;

/**
 * New float32 tensors of `shape`, `outputs` of them, computed by `body` in one JS pass over
 * the values of float32 `inputs`: for small tensors, where one pass costs less than a
 * chain of kernel calls (each pays tfjs's dispatch and the backend's call overhead). On
 * wasm the arrays are views of the backend's heap, so nothing is copied; on the cpu backend
 * they are its own arrays. `null` on other backends (the values live on a device), or for
 * an input that is not float32: the caller then runs its kernels.
 */
export function float32Pass(
  inputs: readonly tfc.Tensor[],
  outputs: number,
  shape: readonly number[],
  body: Float32Body,
): tfc.Tensor[] | null {
  for (const t of inputs) if (t.dtype !== "float32") return null;
  const e = engine();
  const backend = e.backend;
  const dims = shape.slice();
  if (
    typeof backend.makeOutput === "function" &&
    typeof backend.typedArrayFromHeap === "function" &&
    inputs.every((t) => backend.dataIdMap?.has(t.dataId) === true)
  ) {
    const fromHeap = backend.typedArrayFromHeap.bind(backend);
    const made = Array.from({ length: outputs }, () =>
      (backend.makeOutput as NonNullable<HeapBackend["makeOutput"]>)(dims, "float32"),
    );
    try {
      // Views only after every allocation: an allocation can grow the heap, which detaches
      // the views made before it.
      const inViews = inputs.map(
        (t) => fromHeap({ shape: t.shape, dtype: "float32", dataId: t.dataId }) as Float32Array,
      );
      const outViews = made.map(
        (o) => fromHeap({ shape: dims, dtype: "float32", dataId: o.dataId }) as Float32Array,
      );
      body(inViews, outViews);
    } catch (err) {
      for (const o of made) backend.disposeData?.(o.dataId, true);
      throw err;
    }
    return made.map((o) => e.makeTensorFromDataId(o.dataId, dims.slice(), "float32", backend));
  }
  if (tfc.getBackend() !== "cpu") return null;
  const size = dims.reduce((a, b) => a * b, 1);
  const outArrays = Array.from({ length: outputs }, () => new Float32Array(size));
  body(
    inputs.map((t) => t.dataSync() as Float32Array),
    outArrays,
  );
  return outArrays.map((values) => tfc.tensor(values, dims, "float32"));
}

/** One slice of a tensor: its start and its extent in every dimension (both resolved). */
export interface SliceBox {
  readonly begin: readonly number[];
  readonly size: readonly number[];
}

/**
 * Slices of `x`, each copied straight out of the wasm backend's heap, or `null` on a
 * backend without one (or for a dtype it keeps elsewhere). tfjs-wasm's own `Slice`
 * first copies the whole input out of the heap, once per slice: `split` into n parts
 * copied its input n times (an LSTM cell splits its gates at every step).
 */
export function heapSlices(x: tfc.Tensor, boxes: readonly SliceBox[]): tfc.Tensor[] | null {
  const dtype = x.dtype;
  if (dtype !== "float32" && dtype !== "int32" && dtype !== "bool") return null;
  const e = engine();
  const backend = e.backend;
  if (
    typeof backend.makeOutput !== "function" ||
    typeof backend.typedArrayFromHeap !== "function" ||
    backend.dataIdMap?.has(x.dataId) !== true
  ) {
    return null;
  }
  if (boxes.some((b) => b.size.some((d) => d === 0))) return null;
  const fromHeap = backend.typedArrayFromHeap.bind(backend);
  const made = boxes.map((b) =>
    (backend.makeOutput as NonNullable<HeapBackend["makeOutput"]>)(b.size.slice(), dtype),
  );
  // Views only after every allocation: an allocation can grow the heap, which detaches
  // the views made before it.
  const source = fromHeap({ shape: x.shape, dtype, dataId: x.dataId }) as Float32Array;
  boxes.forEach((b, i) => {
    const out = fromHeap({
      shape: b.size.slice(),
      dtype,
      dataId: (made[i] as { dataId: object }).dataId,
    }) as Float32Array;
    copyBox(source, x.shape, b, out);
  });
  return made.map((o, i) =>
    e.makeTensorFromDataId(o.dataId, (boxes[i] as SliceBox).size.slice(), dtype, backend),
  );
}

/** Copies the box of `source` (row-major, of `shape`) into `out`, in runs as long as possible. */
function copyBox(
  source: Float32Array,
  shape: readonly number[],
  box: SliceBox,
  out: Float32Array,
): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = source[0] as number;
    return;
  }
  // Trailing dimensions taken whole join the run of the last one that is not.
  let k = rank - 1;
  let inner = 1;
  while (k > 0 && box.begin[k] === 0 && box.size[k] === shape[k]) {
    inner *= shape[k] as number;
    k--;
  }
  const run = (box.size[k] as number) * inner;
  const strides = new Array<number>(k + 1);
  strides[k] = inner;
  for (let d = k - 1; d >= 0; d--) {
    strides[d] = (strides[d + 1] as number) * (shape[d + 1] as number);
  }
  let runs = 1;
  for (let d = 0; d < k; d++) runs *= box.size[d] as number;
  const index = new Array<number>(k).fill(0);
  let at = 0;
  for (let n = 0; n < runs; n++) {
    let from = (box.begin[k] as number) * inner;
    for (let d = 0; d < k; d++) {
      from += ((box.begin[d] as number) + (index[d] as number)) * (strides[d] as number);
    }
    out.set(source.subarray(from, from + run), at);
    at += run;
    for (let d = k - 1; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (box.size[d] as number)) break;
      index[d] = 0;
    }
  }
}

interface WasmModuleInternals {
  asm?: { memory?: unknown };
  _malloc?: (bytes: number) => number;
  _free?: (ptr: number) => void;
}

interface OffsetBackend {
  wasm?: WasmModuleInternals | null;
  dataIdMap?: { get(dataId: object): { memoryOffset?: number } | undefined };
}

/**
 * The wasm backend's `WebAssembly.Memory` (the emscripten module exports it), or `null` on
 * another backend: kernels compiled by scopeflow import it to work on tensors in place.
 */
export function wasmBackendMemory(): WebAssembly.Memory | null {
  const backend = engine().backend as unknown as OffsetBackend;
  const memory = backend.wasm?.asm?.memory;
  return typeof WebAssembly !== "undefined" && memory instanceof WebAssembly.Memory ? memory : null;
}

/**
 * `float32Pass` for kernels that run inside the wasm heap themselves: `body` gets the byte
 * offsets of the float32 `inputs` and of `outputs` new tensors of `shape` (allocated before
 * it runs). `null` when the inputs are not float32 tensors of the wasm backend.
 */
export function float32HeapCall(
  inputs: readonly tfc.Tensor[],
  outputs: number,
  shape: readonly number[],
  body: (inPtrs: number[], outPtrs: number[]) => void,
): tfc.Tensor[] | null {
  const e = engine();
  const backend = e.backend as HeapBackend & RefCountingBackend & OffsetBackend;
  const map = backend.dataIdMap;
  if (typeof backend.makeOutput !== "function" || map === undefined) return null;
  const inPtrs: number[] = [];
  for (const t of inputs) {
    const offset = t.dtype === "float32" ? map.get(t.dataId)?.memoryOffset : undefined;
    if (offset === undefined) return null;
    inPtrs.push(offset);
  }
  const dims = shape.slice();
  const made = Array.from({ length: outputs }, () =>
    (backend.makeOutput as NonNullable<HeapBackend["makeOutput"]>)(dims, "float32"),
  );
  try {
    body(
      inPtrs,
      made.map((o) => map.get(o.dataId)?.memoryOffset as number),
    );
  } catch (err) {
    for (const o of made) backend.disposeData?.(o.dataId, true);
    throw err;
  }
  return made.map((o) => e.makeTensorFromDataId(o.dataId, dims.slice(), "float32", backend));
}

/** Where a tensor's values start in the wasm backend's memory (bytes), or `null` elsewhere. */
export function heapOffset(t: tfc.Tensor): number | null {
  const backend = engine().backend as unknown as OffsetBackend;
  return backend.dataIdMap?.get(t.dataId)?.memoryOffset ?? null;
}

/**
 * Runs `body` with the byte offset of `bytes` bytes of scratch memory in the wasm
 * backend's heap, aligned to a cache line (64 bytes) and freed after it returns; false,
 * not running it, on another backend. Allocating can grow the heap: views of it made
 * before are stale.
 */
export function withWasmScratch(bytes: number, body: (at: number) => void): boolean {
  const wasm = (engine().backend as unknown as OffsetBackend).wasm;
  const malloc = wasm?._malloc;
  const free = wasm?._free;
  if (typeof malloc !== "function" || typeof free !== "function") return false;
  const raw = malloc.call(wasm, bytes + 64) >>> 0;
  try {
    body(raw + ((64 - (raw % 64)) % 64));
  } finally {
    free.call(wasm, raw);
  }
  return true;
}
