import type { Graph } from "./graph.js";

/**
 * Per-graph facts about a graph's objects (ops, tensors) that a higher layer records while
 * building and another reads later: kept in the graph's extensions, so they live and die
 * with the graph, and set inside a failing building call are undone with it.
 */
export class GraphTable<K extends object, V> {
  private readonly key: symbol;

  /** `description` names the table in debugging output. */
  constructor(description: string) {
    this.key = Symbol(description);
  }

  private entries(graph: Graph): WeakMap<K, V> {
    return graph.getExtension(this.key, () => new WeakMap<K, V>());
  }

  get(graph: Graph, key: K): V | undefined {
    return this.entries(graph).get(key);
  }

  has(graph: Graph, key: K): boolean {
    return this.entries(graph).has(key);
  }

  /** Records `value` for `key`; undone if the enclosing building call fails. */
  set(graph: Graph, key: K, value: V): void {
    const entries = this.entries(graph);
    const had = entries.has(key);
    const previous = entries.get(key);
    entries.set(key, value);
    graph.onUndo(() => {
      if (had) entries.set(key, previous as V);
      else entries.delete(key);
    });
  }
}
