import * as tfc from "@tensorflow/tfjs-core";

/*
 * The values of small scalars the loop machinery reads at every iteration (resource
 * handles, time indices, loop counters), known without reading the backend's memory: a
 * tensor's data never changes once written, so its value is kept by its data, which every
 * tensor sharing it (`shareTensor`: what `Enter`, `Switch`, `Identity` pass on) has too.
 */
const known = new WeakMap<object, number>();

/** The value of a one-element tensor, read from the backend once per data. */
export function scalarOf(t: tfc.Tensor): number {
  const id = t.dataId as object;
  let v = known.get(id);
  if (v === undefined) {
    v = Number((t.dataSync() as ArrayLike<number>)[0]);
    known.set(id, v);
  }
  return v;
}

/** A new scalar tensor whose value {@link scalarOf} knows without reading it back. */
export function knownScalar(value: number, dtype: "int32" | "bool" | "float32"): tfc.Tensor {
  const t = tfc.scalar(dtype === "bool" ? value !== 0 : value, dtype);
  known.set(t.dataId as object, value);
  return t;
}
