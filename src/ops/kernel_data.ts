import type { Operation } from "../graph/operation.js";

/*
 * What a kernel works out from an op's attrs once (a convolution's padding, a pool's
 * window): the builder stores it in `op.buildData`; an op built from a NodeDef (imported)
 * has none, so it is computed from TF's attrs at the first run and kept in the op's graph.
 */

const COMPUTED = Symbol("kernel data computed from attrs");

/** `op.buildData[key]`, or `fromAttrs(op)` computed once per op when the builder left none. */
export function kernelDataOf<T>(op: Operation, key: string, fromAttrs: (op: Operation) => T): T {
  const built = op.buildData[key] as T | undefined;
  if (built !== undefined) return built;
  const byKey = op.graph.getExtension(
    COMPUTED,
    () => new Map<string, WeakMap<Operation, unknown>>(),
  );
  let cache = byKey.get(key);
  if (cache === undefined) {
    cache = new WeakMap();
    byKey.set(key, cache);
  }
  if (!cache.has(op)) cache.set(op, fromAttrs(op));
  return cache.get(op) as T;
}
