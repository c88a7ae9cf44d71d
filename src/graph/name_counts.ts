import { flat } from "./names.js";

/**
 * The names a graph has used and how often (TF's `Graph._names_in_use`): keys are whole
 * lowercased names, `"scope/sub/op"`, as in TensorFlow.
 *
 * Stored as one small map of last components per prefix (`"scope/sub"` → `"op"` → count)
 * rather than one map of whole names: a graph of 100k variables uses half a million names,
 * and a lookup in one map of them all misses the cache at every step, while the names one
 * scope makes share a small map that stays hot. The last components are mostly the
 * builders' literals (`"read"`, `"assign"`), whose hashes are cached, where every whole name
 * was a long string hashed once more per lookup.
 */
export class NameCounts {
  private readonly byPrefix = new Map<string, Map<string, number>>();
  /**
   * The maps of the name stacks (as given, not lowercased) names were made in last, most
   * recent first: building a variable goes in and out of three nested scopes, making a
   * name or two in each, and each return to a scope would otherwise lowercase its stack
   * again and look the copy up among all the graph's prefixes.
   */
  private readonly recentStacks: string[] = ["", "", ""];
  private readonly recentLeaves: (Map<string, number> | undefined)[] = [
    undefined,
    undefined,
    undefined,
  ];

  /** The map of last components under `prefix` (`""`: the root), made when `create`. */
  leavesOf(prefix: string, create: boolean): Map<string, number> | undefined {
    let leaves = this.byPrefix.get(prefix);
    if (leaves === undefined && create) {
      leaves = new Map();
      this.byPrefix.set(flat(prefix), leaves);
    }
    return leaves;
  }

  /** {@link leavesOf} the name stack `stack` (its lowercased form is the prefix). */
  leavesUnder(stack: string, create: boolean): Map<string, number> | undefined {
    const stacks = this.recentStacks;
    const recent = this.recentLeaves;
    for (let i = 0; i < stacks.length; i++) {
      const leaves = recent[i];
      if (leaves === undefined || stacks[i] !== stack) continue;
      if (i > 0) {
        // Most recent first.
        for (let j = i; j > 0; j--) {
          stacks[j] = stacks[j - 1] as string;
          recent[j] = recent[j - 1];
        }
        stacks[0] = stack;
        recent[0] = leaves;
      }
      return leaves;
    }
    const leaves = this.leavesOf(stack.toLowerCase(), create);
    if (leaves !== undefined) {
      for (let j = stacks.length - 1; j > 0; j--) {
        stacks[j] = stacks[j - 1] as string;
        recent[j] = recent[j - 1];
      }
      stacks[0] = stack;
      recent[0] = leaves;
    }
    return leaves;
  }
}

/**
 * Splits a whole lowercased name at its last `/`: `[prefix, last component]`, with `""`
 * as the prefix of a top-level name.
 */
export function splitNameKey(key: string): [string, string] {
  const slash = key.lastIndexOf("/");
  return slash < 0 ? ["", key] : [key.slice(0, slash), key.slice(slash + 1)];
}
