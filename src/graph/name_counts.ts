import { flat } from "./names.js";

/**
 * A used name's count, or, once names are made under it, a node holding them. A count of
 * 0 is a name unused itself that names were made under (`"a"` of an op named `"a/b"`).
 */
export type NameEntry = number | NameNode;

interface NameNode {
  count: number;
  readonly children: Map<string, NameEntry>;
}

/** The use count in `entry`, `undefined` when unused. */
export function countOf(entry: NameEntry | undefined): number | undefined {
  const count = typeof entry === "object" ? entry.count : entry;
  return count === 0 ? undefined : count;
}

/**
 * The names a graph has used and how often (TF's `Graph._names_in_use`): whole lowercased
 * names (`"scope/sub/op"`), as in TensorFlow, kept as a tree of their `/`-separated parts.
 *
 * A tree rather than one map of whole names: a graph of 100k variables uses half a million
 * names, and a lookup among them all misses the cache at each step, where the names one
 * scope makes share a small map that stays hot. The parts are mostly the builders'
 * literals (`"read"`, `"assign"`), whose hashes are cached.
 *
 * Counts are set with {@link setCount}, which returns what a rollback restores; the tree's
 * nodes are never removed (a node left by a rolled-back name holds count 0: unused).
 */
export class NameCounts {
  private readonly root = new Map<string, NameEntry>();
  /**
   * The maps of the name stacks (as given, not lowercased) names were made in last, most
   * recent first: building a variable goes in and out of three nested scopes, making a
   * name or two in each.
   */
  private readonly recentStacks: string[] = ["", "", ""];
  private readonly recentMaps: (Map<string, NameEntry> | undefined)[] = [
    this.root,
    undefined,
    undefined,
  ];

  /**
   * The map of names made directly under the name stack `stack` (`""`: the top level),
   * made with the nodes on its path when `create` (else `undefined` if none was).
   */
  namesUnder(stack: string, create: boolean): Map<string, NameEntry> | undefined {
    const stacks = this.recentStacks;
    const maps = this.recentMaps;
    for (let i = 0; i < stacks.length; i++) {
      const map = maps[i];
      if (map !== undefined && stacks[i] === stack) {
        if (i > 0) this.remember(stack, map, i);
        return map;
      }
    }
    let map: Map<string, NameEntry> | undefined;
    // Mostly a scope just opened inside a recent one: one step down from it.
    for (let i = 0; i < stacks.length && map === undefined; i++) {
      const parent = maps[i];
      const outer = stacks[i] as string;
      if (parent === undefined || !isChildStack(stack, outer)) continue;
      const start = outer === "" ? 0 : outer.length + 1;
      map = childMap(parent, stack.slice(start).toLowerCase(), create);
      if (map === undefined) return undefined;
    }
    map ??= this.walk(this.root, stack.toLowerCase(), create);
    if (map !== undefined) this.remember(stack, map, stacks.length - 1);
    return map;
  }

  /** The map of names under `path` (lowercased, `/`-separated) inside `from`. */
  walk(
    from: Map<string, NameEntry>,
    path: string,
    create: boolean,
  ): Map<string, NameEntry> | undefined {
    if (path === "") return from;
    let map: Map<string, NameEntry> | undefined = from;
    let start = 0;
    while (map !== undefined) {
      const slash = path.indexOf("/", start);
      const part = slash < 0 ? path.slice(start) : path.slice(start, slash);
      map = childMap(map, part, create);
      if (slash < 0) return map;
      start = slash + 1;
    }
    return undefined;
  }

  /**
   * Sets the count of `name` in `map` (a map {@link namesUnder} or {@link walk} gave) and
   * returns its count before (`-1`: unused), which {@link restoreCount} puts back.
   */
  setCount(map: Map<string, NameEntry>, name: string, count: number): number {
    const entry = map.get(name);
    if (typeof entry === "object") {
      const before = entry.count;
      entry.count = count;
      return before === 0 ? -1 : before;
    }
    map.set(flat(name), count);
    return entry ?? -1;
  }

  /** Undoes a {@link setCount} that returned `before`. */
  restoreCount(map: Map<string, NameEntry>, name: string, before: number): void {
    const entry = map.get(name);
    if (typeof entry === "object") entry.count = before < 0 ? 0 : before;
    else if (before < 0) map.delete(name);
    else map.set(name, before);
  }

  /** Makes `stack` the most recent, moving the entries before `from` down one. */
  private remember(stack: string, map: Map<string, NameEntry>, from: number): void {
    const stacks = this.recentStacks;
    const maps = this.recentMaps;
    for (let j = from; j > 0; j--) {
      stacks[j] = stacks[j - 1] as string;
      maps[j] = maps[j - 1];
    }
    stacks[0] = stack;
    maps[0] = map;
  }
}

/** Whether `stack` is one scope inside `outer` (`"a/b"` in `"a"`; `"a"` in the top level). */
function isChildStack(stack: string, outer: string): boolean {
  if (outer === "") return stack !== "" && stack.indexOf("/") < 0;
  return (
    stack.length > outer.length + 1 &&
    stack.charCodeAt(outer.length) === 47 /* / */ &&
    stack.startsWith(outer) &&
    stack.indexOf("/", outer.length + 1) < 0
  );
}

/** The map of names under `part` in `map`, turning its count into a node when `create`. */
function childMap(
  map: Map<string, NameEntry>,
  part: string,
  create: boolean,
): Map<string, NameEntry> | undefined {
  const entry = map.get(part);
  if (typeof entry === "object") return entry.children;
  if (!create) return undefined;
  const node: NameNode = { count: entry ?? 0, children: new Map() };
  map.set(flat(part), node);
  return node.children;
}
