import * as tfc from "@tensorflow/tfjs-core";

interface RefCountingBackend {
  incRef(dataId: object): void;
}

interface EngineInternals {
  backend: RefCountingBackend;
  makeTensorFromDataId(
    dataId: object,
    shape: number[],
    dtype: tfc.DataType,
    backend: RefCountingBackend,
  ): tfc.Tensor;
}

/**
 * A new tensor handle on the same data, without a copy: what `Identity`, variable reads
 * and assignments need. tfjs's own `clone` copies the buffer on wasm (its Identity kernel
 * does); sharing is safe because no kernel writes into an existing buffer, and the
 * backend's reference count frees the data when the last handle goes.
 */
export function shareTensor(t: tfc.Tensor): tfc.Tensor {
  const engine = tfc.engine() as unknown as EngineInternals;
  const backend = engine.backend;
  backend.incRef(t.dataId);
  return engine.makeTensorFromDataId(t.dataId, t.shape.slice(), t.dtype, backend);
}
