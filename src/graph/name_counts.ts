import { flat } from "./names.js";

/**
 * A used name's count, or, once names are made under it, a node holding them. A count of
 * 0 is a name unused itself that names were made under (`"a"` of an op named `"a/b"`).
 */
export type NameEntry = number | NameNode;

/**
 * Up to this many names under one node are kept in the node and a flat array of key/entry
 * pairs, past it in a `Map`. Most nodes hold one to four (a variable's `initializer`,
 * `assign`, `read`): a `Map` with its table takes 190 bytes for them, the array 40 to 80.
 */
const FEW_NAMES = 8;

/** The names made under one name (the root: under none). */
export class NameNode {
  /** The name's own use count; 0 when only names under it were used. */
  count: number;
  /**
   * The first three names under it (`null`: a free slot) and their entries, in the node
   * itself: most nodes hold one to three, and an array for them would be two objects more
   * (the array and its store) for every collection to trace, two for each variable.
   */
  k0: string | null;
  e0: NameEntry;
  k1: string | null;
  e1: NameEntry;
  k2: string | null;
  e2: NameEntry;
  /**
   * The names past those three: `[key, entry, key, entry, …]` while there are at most
   * {@link FEW_NAMES} in all, replaced by a copy one pair longer on each new one (an array
   * that grows by `push` reserves room for 17 more); beyond, a map of all the names, the
   * three slots emptied.
   */
  more: (string | NameEntry)[] | Map<string, NameEntry> | null;

  constructor(count: number) {
    this.count = count;
    this.k0 = null;
    this.e0 = 0;
    this.k1 = null;
    this.e1 = 0;
    this.k2 = null;
    this.e2 = 0;
    this.more = null;
  }
}

/** The entry of `key` in `node`, `undefined` if none. */
function entryOf(node: NameNode, key: string): NameEntry | undefined {
  const more = node.more;
  if (more instanceof Map) return more.get(key);
  if (node.k0 === key) return node.e0;
  if (node.k1 === key) return node.e1;
  if (node.k2 === key) return node.e2;
  if (more === null) return undefined;
  for (let i = 0; i < more.length; i += 2) {
    if (more[i] === key) return more[i + 1] as NameEntry;
  }
  return undefined;
}

/** Sets the entry of `key` (new keys are flattened: see {@link flat}). */
function setEntry(node: NameNode, key: string, entry: NameEntry): void {
  const more = node.more;
  if (more instanceof Map) {
    more.set(more.has(key) ? key : flat(key), entry);
    return;
  }
  if (node.k0 === key) {
    node.e0 = entry;
    return;
  }
  if (node.k1 === key) {
    node.e1 = entry;
    return;
  }
  if (node.k2 === key) {
    node.e2 = entry;
    return;
  }
  const n = more === null ? 0 : more.length;
  for (let i = 0; i < n; i += 2) {
    if ((more as (string | NameEntry)[])[i] === key) {
      (more as (string | NameEntry)[])[i + 1] = entry;
      return;
    }
  }
  if (node.k0 === null) {
    node.k0 = flat(key);
    node.e0 = entry;
    return;
  }
  if (node.k1 === null) {
    node.k1 = flat(key);
    node.e1 = entry;
    return;
  }
  if (node.k2 === null) {
    node.k2 = flat(key);
    node.e2 = entry;
    return;
  }
  if (3 + n / 2 >= FEW_NAMES) {
    const map = new Map<string, NameEntry>();
    map.set(node.k0, node.e0);
    map.set(node.k1, node.e1);
    map.set(node.k2, node.e2);
    for (let i = 0; i < n; i += 2) {
      const names = more as (string | NameEntry)[];
      map.set(names[i] as string, names[i + 1] as NameEntry);
    }
    map.set(flat(key), entry);
    node.k0 = node.k1 = node.k2 = null;
    node.e0 = node.e1 = node.e2 = 0;
    node.more = map;
    return;
  }
  const longer = new Array<string | NameEntry>(n + 2);
  for (let i = 0; i < n; i++) longer[i] = (more as (string | NameEntry)[])[i] as string | NameEntry;
  longer[n] = flat(key);
  longer[n + 1] = entry;
  node.more = longer;
}

/** Removes `key` (a rollback of the name that added it). */
function deleteEntry(node: NameNode, key: string): void {
  const more = node.more;
  if (more instanceof Map) {
    more.delete(key);
    return;
  }
  if (node.k0 === key) {
    node.k0 = null;
    node.e0 = 0;
  } else if (node.k1 === key) {
    node.k1 = null;
    node.e1 = 0;
  } else if (node.k2 === key) {
    node.k2 = null;
    node.e2 = 0;
  } else if (more !== null) {
    const at = more.indexOf(key);
    if (at >= 0 && at % 2 === 0) {
      node.more = more.length === 2 ? null : [...more.slice(0, at), ...more.slice(at + 2)];
    }
  }
}

/**
 * The names a graph has used and how often (TF's `Graph._names_in_use`): whole lowercased
 * names (`"scope/sub/op"`), as in TensorFlow, kept as a tree of their `/`-separated parts.
 *
 * A tree rather than one map of whole names: a graph of 100k variables uses half a million
 * names, and a lookup among them all misses the cache at each step, where the names one
 * scope makes share a small node that stays hot. The parts are mostly the builders'
 * literals (`"read"`, `"assign"`), whose hashes are cached, and their lowercased forms are
 * kept once ({@link lower}).
 *
 * Counts are set with {@link setCount}, which returns what a rollback restores; the tree's
 * nodes are never removed (a node left by a rolled-back name holds count 0: unused).
 */
export class NameCounts {
  private readonly root = new NameNode(0);
  /**
   * The nodes of the name stacks (as given, not lowercased) names were made in last, most
   * recent first: building a variable goes in and out of three nested scopes, making a
   * name or two in each.
   */
  private readonly recentStacks: string[] = ["", "", ""];
  private readonly recentNodes: (NameNode | undefined)[] = [this.root, undefined, undefined];
  /**
   * The last names lowercased that changed (`"Assign"` → `"assign"`), slot by length: the
   * builders pass the same few literals again and again, and each `toLowerCase` of one
   * makes a new string, which the tree would keep once per node it is added to.
   */
  private readonly lowerFrom: string[] = new Array<string>(16).fill("");
  private readonly lowerTo: string[] = new Array<string>(16).fill("");

  /** `name.toLowerCase()`, the same string for the same recent names. */
  lower(name: string): string {
    const slot = name.length & 15;
    if (this.lowerFrom[slot] === name) return this.lowerTo[slot] as string;
    const lowered = name.toLowerCase();
    if (lowered !== name) {
      this.lowerFrom[slot] = name;
      this.lowerTo[slot] = lowered;
    }
    return lowered;
  }

  /**
   * The node of names made directly under the name stack `stack` (`""`: the top level),
   * made with the nodes on its path when `create` (else `undefined` if none was).
   */
  namesUnder(stack: string, create: boolean): NameNode | undefined {
    const stacks = this.recentStacks;
    const nodes = this.recentNodes;
    for (let i = 0; i < stacks.length; i++) {
      const node = nodes[i];
      if (node !== undefined && stacks[i] === stack) {
        if (i > 0) this.remember(stack, node, i);
        return node;
      }
    }
    let node: NameNode | undefined;
    // Mostly a scope just opened inside a recent one: one step down from it.
    for (let i = 0; i < stacks.length && node === undefined; i++) {
      const parent = nodes[i];
      const outer = stacks[i] as string;
      if (parent === undefined || !isChildStack(stack, outer)) continue;
      const start = outer === "" ? 0 : outer.length + 1;
      node = childNode(parent, this.lower(stack.slice(start)), create);
      if (node === undefined) return undefined;
    }
    node ??= this.walk(this.root, stack.toLowerCase(), create);
    if (node !== undefined) this.remember(stack, node, stacks.length - 1);
    return node;
  }

  /** The node of names under `path` (lowercased, `/`-separated) inside `from`. */
  walk(from: NameNode, path: string, create: boolean): NameNode | undefined {
    if (path === "") return from;
    let node: NameNode | undefined = from;
    let start = 0;
    while (node !== undefined) {
      const slash = path.indexOf("/", start);
      const part = slash < 0 ? path.slice(start) : path.slice(start, slash);
      node = childNode(node, part, create);
      if (slash < 0) return node;
      start = slash + 1;
    }
    return undefined;
  }

  /** The use count of `name` (lowercased, one part) in `node`, `undefined` when unused. */
  countIn(node: NameNode, name: string): number | undefined {
    const entry = entryOf(node, name);
    const count = typeof entry === "object" ? entry.count : entry;
    return count === 0 ? undefined : count;
  }

  /**
   * Sets the count of `name` in `node` (a node {@link namesUnder} or {@link walk} gave) and
   * returns its count before (`-1`: unused), which {@link restoreCount} puts back.
   */
  setCount(node: NameNode, name: string, count: number): number {
    const entry = entryOf(node, name);
    if (typeof entry === "object") {
      const before = entry.count;
      entry.count = count;
      return before === 0 ? -1 : before;
    }
    setEntry(node, name, count);
    return entry ?? -1;
  }

  /** Undoes a {@link setCount} that returned `before`. */
  restoreCount(node: NameNode, name: string, before: number): void {
    const entry = entryOf(node, name);
    if (typeof entry === "object") entry.count = before < 0 ? 0 : before;
    else if (before < 0) deleteEntry(node, name);
    else setEntry(node, name, before);
  }

  /** Makes `stack` the most recent, moving the entries before `from` down one. */
  private remember(stack: string, node: NameNode, from: number): void {
    const stacks = this.recentStacks;
    const nodes = this.recentNodes;
    for (let j = from; j > 0; j--) {
      stacks[j] = stacks[j - 1] as string;
      nodes[j] = nodes[j - 1];
    }
    stacks[0] = stack;
    nodes[0] = node;
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

/** The node of names under `part` in `node`, turning its count into a node when `create`. */
function childNode(node: NameNode, part: string, create: boolean): NameNode | undefined {
  const entry = entryOf(node, part);
  if (typeof entry === "object") return entry;
  if (!create) return undefined;
  const child = new NameNode(entry ?? 0);
  setEntry(node, part, child);
  return child;
}
