import { ValueError } from "../errors.js";
import type { Graph } from "../graph/graph.js";
import { parseTensorName } from "../graph/names.js";
import { Operation } from "../graph/operation.js";
import { isTensorConvertible, Tensor, toTensorSymbol } from "../graph/tensor.js";
import { Variable } from "../variables/variable.js";
import type { NDArray } from "../ndarray/index.js";
import { IndexedSlices } from "../ops/indexed_slices.js";

/**
 * What `Session.run` gives for a fetched `IndexedSlices` (TF's `IndexedSlicesValue`): the
 * values of its three tensors.
 */
export class IndexedSlicesValue {
  constructor(
    readonly values: NDArray,
    readonly indices: NDArray,
    readonly denseShape: NDArray | null,
  ) {}

  toString(): string {
    return `IndexedSlicesValue(values=${String(this.values)}, indices=${String(this.indices)}, dense_shape=${String(this.denseShape)})`;
  }
}

/** What `Session.run` accepts as fetches: one fetchable or nested arrays / objects of them. */
export type Fetch = Tensor | Operation | { [toTensorSymbol](asRef: boolean): Tensor } | string;
/** A nested structure of fetches. */
export type Fetches = Fetch | readonly Fetches[] | { readonly [key: string]: Fetches };

/** The result for a fetch structure: `NDArray` for tensors, `null` for operations. */
export type FetchResult<F> = F extends Operation
  ? null
  : F extends IndexedSlices
    ? IndexedSlicesValue
    : F extends Tensor | string | { [toTensorSymbol](asRef: boolean): Tensor }
      ? NDArray
      : F extends readonly unknown[]
        ? { [K in keyof F]: FetchResult<F[K]> }
        : F extends Record<string, unknown>
          ? { [K in keyof F]: FetchResult<F[K]> }
          : unknown;

/** A leaf of the fetch structure, resolved to a tensor or an operation of `graph`. */
export type FetchTarget = Tensor | Operation;

function notInGraph(fetch: unknown, element: Tensor | Operation): ValueError {
  return new ValueError(
    `Fetch argument ${String(fetch)} cannot be interpreted as a Tensor. (${element instanceof Tensor ? "Tensor" : "Operation"} ${String(element)} is not an element of this graph.)`,
  );
}

/** `graph.as_graph_element` for a fetch. */
function resolveFetch(graph: Graph, fetch: unknown): FetchTarget {
  if (typeof fetch === "string") {
    if (parseTensorName(fetch) !== null) return graph.getTensorByName(fetch);
    return graph.getOperationByName(fetch);
  }
  let element: FetchTarget;
  if (fetch instanceof Tensor || fetch instanceof Operation) element = fetch;
  // A variable's graph element: a resource variable's `Read/ReadVariableOp`, where a
  // conversion would add a new read to the graph.
  else if (fetch instanceof Variable) element = fetch.snapshot;
  else if (isTensorConvertible(fetch)) element = fetch[toTensorSymbol](false);
  else {
    throw new TypeError(
      `Fetch argument ${String(fetch)} has invalid type ${fetch === null ? "null" : typeof fetch}, must be a string or Tensor. (Can not convert a ${fetch === null ? "null" : typeof fetch} into a Tensor or Operation.)`,
    );
  }
  if (element.graph !== graph) throw notInGraph(fetch, element);
  return element;
}

/** Whether a value is a fetch leaf rather than a structure. */
function isLeaf(value: unknown): boolean {
  return (
    typeof value === "string" ||
    value instanceof Tensor ||
    value instanceof Operation ||
    isTensorConvertible(value)
  );
}

/** Collects the leaves of a fetch structure, depth first. */
export function flattenFetches(
  graph: Graph,
  fetches: unknown,
  out: FetchTarget[] = [],
): FetchTarget[] {
  if (fetches instanceof IndexedSlices) {
    // Fetched as its tensors, not made dense (which would add ops to the graph).
    const parts = [fetches.values, fetches.indices, fetches.denseShape];
    for (const t of parts) if (t !== null) out.push(resolveFetch(graph, t));
  } else if (isLeaf(fetches)) {
    out.push(resolveFetch(graph, fetches));
  } else if (Array.isArray(fetches)) {
    for (const f of fetches) flattenFetches(graph, f, out);
  } else if (typeof fetches === "object" && fetches !== null) {
    for (const key of Object.keys(fetches))
      flattenFetches(graph, (fetches as Record<string, unknown>)[key], out);
  } else {
    throw new TypeError(
      `Fetch argument ${String(fetches)} has invalid type ${typeof fetches}, must be a string or Tensor.`,
    );
  }
  return out;
}

/** Rebuilds the fetch structure with results in place of leaves, in flattening order. */
export function packResults(
  fetches: unknown,
  results: readonly (NDArray | null)[],
  cursor = { i: 0 },
): unknown {
  if (fetches instanceof IndexedSlices) {
    const values = results[cursor.i++] as NDArray;
    const indices = results[cursor.i++] as NDArray;
    const denseShape = fetches.denseShape === null ? null : (results[cursor.i++] as NDArray);
    return new IndexedSlicesValue(values, indices, denseShape);
  }
  if (isLeaf(fetches)) return results[cursor.i++];
  if (Array.isArray(fetches)) return fetches.map((f) => packResults(f, results, cursor));
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(fetches as object))
    out[key] = packResults((fetches as Record<string, unknown>)[key], results, cursor);
  return out;
}
