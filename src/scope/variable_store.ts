import { ValueError } from "../errors.js";
import type { DType } from "../graph/dtypes.js";
import type { Graph } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import type { TensorShape } from "../graph/tensor_shape.js";
import { formatUserFrames } from "./call_site.js";
import type { ReuseMode } from "./reuse.js";

/** What the store needs to know of a variable to check a request for it. */
export interface StoredVariable {
  readonly shape: TensorShape;
  readonly dtype: DType;
  readonly op: Operation;
}

/** One `getVariable` request, after the variable scope has filled in its defaults. */
export interface VariableRequest<V> {
  /** The full name, `scope/name`: the store's key. */
  name: string;
  /** The requested shape; an unknown shape when none was given. */
  shape: TensorShape;
  dtype: DType;
  reuse: ReuseMode;
  /** Builds the variable when it does not exist yet. */
  create: () => V;
}

const STORE_KEY = Symbol("scopeflow.variableStore");

/**
 * The variables `getVariable` created, by full name (TensorFlow's `_VariableStore`), one
 * per graph. It decides between creating, returning the existing variable, and the two
 * errors that protect against accidental sharing.
 *
 * @example
 * ```ts
 * const tax = tf.variableScope("other_charge", () => tf.getVariable("tax", []));
 * const store = VariableStore.of(tf.getDefaultGraph());
 * store.get("other_charge/tax") === tax; // ==> true
 * ```
 */
export class VariableStore<V extends StoredVariable = StoredVariable> {
  /**
   * The variables by the part of their full name before its last `/` (their scope's name,
   * mostly), then by the rest: one map per scope rather than one of all variables, whose
   * lookups, in a graph of many, miss the cache at each step.
   */
  private readonly byScope = new Map<string, Map<string, V>>();
  /** The scope looked up last, and its map: a scope creates its variables in a row. */
  private lastScope: string | null = null;
  private lastVars: Map<string, V> | undefined = undefined;
  /** The variables and their full names in creation order (`entries()`). */
  private readonly order: V[] = [];
  private readonly orderNames: string[] = [];
  private readonly graph: Graph;
  /**
   * How many `…/part_0` names are stored: while none is, a request needs no second lookup
   * for a partitioned version of its variable (lookups in a large store cost cache misses).
   */
  private partitionedStored = 0;

  private constructor(graph: Graph) {
    this.graph = graph;
  }

  /** The store of `graph`. */
  static of<V extends StoredVariable = StoredVariable>(graph: Graph): VariableStore<V> {
    return graph.getExtension(
      STORE_KEY,
      () => new VariableStore<StoredVariable>(graph),
    ) as unknown as VariableStore<V>;
  }

  /** The variable stored under `fullName`, if any. */
  get(fullName: string): V | undefined {
    const slash = fullName.lastIndexOf("/");
    const vars = this.varsIn(slash < 0 ? "" : fullName.slice(0, slash), false);
    return vars?.get(fullName.slice(slash + 1));
  }

  /** Whether a variable is stored under `fullName`. */
  has(fullName: string): boolean {
    return this.get(fullName) !== undefined;
  }

  /** Number of variables created through the store. */
  get size(): number {
    return this.order.length;
  }

  /** The stored variables by full name, in creation order (`_vars.items()`). */
  *entries(): IterableIterator<[string, V]> {
    const { order, orderNames } = this;
    for (let i = 0; i < order.length; i++) yield [orderNames[i] as string, order[i] as V];
  }

  /** The map of the variables under `scope`, made when `create`. */
  private varsIn(scope: string, create: boolean): Map<string, V> | undefined {
    if (scope === this.lastScope) return this.lastVars;
    let vars = this.byScope.get(scope);
    if (vars === undefined) {
      if (!create) return undefined;
      vars = new Map();
      this.byScope.set(scope, vars);
    }
    this.lastScope = scope;
    this.lastVars = vars;
    return vars;
  }

  /**
   * Returns the existing variable or creates one, by TensorFlow's rules:
   * reuse `false` + existing → "already exists"; reuse `true` + missing → "does not
   * exist"; an existing variable must match the requested shape and dtype.
   */
  getOrCreate(request: VariableRequest<V>): V {
    const found = this.find(request.name, request.shape, request.dtype, request.reuse);
    if (found !== undefined) return found;
    const created = request.create();
    this.put(request.name, created);
    return created;
  }

  /**
   * `getOrCreate`'s decision without the building: the existing variable to return, or
   * `undefined` when the caller is to create it and {@link put} it; throws as
   * `getOrCreate` does.
   */
  find(name: string, shape: TensorShape, dtype: DType, reuse: ReuseMode): V | undefined {
    const found = this.get(name);
    if (found !== undefined) {
      if (reuse === false) throw alreadyExists(name, found);
      checkSharedShapeAndDType(name, shape, dtype, found);
      return found;
    }
    if (this.partitionedStored > 0 && this.has(`${name}/part_0`)) {
      throw new ValueError(
        `No partitioner was provided, but a partitioned version of the variable was found: ${name}/part_0. Perhaps a variable of the same name was already created with partitioning?`,
      );
    }
    if (reuse === true) throw doesNotExist(name);
    return undefined;
  }

  /** Records a variable under `fullName` (also used for the parts of partitioned ones). */
  put(fullName: string, variable: V): void {
    const slash = fullName.lastIndexOf("/");
    const vars = this.varsIn(slash < 0 ? "" : fullName.slice(0, slash), true) as Map<string, V>;
    const name = fullName.slice(slash + 1);
    vars.set(name, variable);
    this.order.push(variable);
    this.orderNames.push(fullName);
    const part = fullName.endsWith("/part_0");
    if (part) this.partitionedStored += 1;
    this.graph.onUndo(() => {
      vars.delete(name);
      this.order.pop();
      this.orderNames.pop();
      if (part) this.partitionedStored -= 1;
    });
  }
}

function alreadyExists(name: string, found: StoredVariable): ValueError {
  const message =
    `Variable ${name} already exists, disallowed. Did you mean to set reuse=True ` +
    `or reuse=tf.AUTO_REUSE in VarScope?`;
  // TensorFlow gives no traceback for a resource variable ("ResourceVariables don't have an
  // op associated with so no traceback").
  if (found.op.type === "VarHandleOp") return new ValueError(message);
  return new ValueError(
    `${message} Originally defined at:\n\n${formatUserFrames(found.op.definedAt)}`,
  );
}

function doesNotExist(name: string): ValueError {
  return new ValueError(
    `Variable ${name} does not exist, or was not created with tf.get_variable(). ` +
      `Did you mean to set reuse=tf.AUTO_REUSE in VarScope?`,
  );
}

function checkSharedShapeAndDType(
  name: string,
  shape: TensorShape,
  dtype: DType,
  found: StoredVariable,
): void {
  if (!shape.isCompatibleWith(found.shape)) {
    throw new ValueError(
      `Trying to share variable ${name}, but specified shape ${shape.toString()} and found shape ${found.shape.toString()}.`,
    );
  }
  if (dtype !== found.dtype) {
    // The found variable is a RefVariable: TensorFlow prints its dtype as `float32_ref`.
    throw new ValueError(
      `Trying to share variable ${name}, but specified dtype ${dtype} and found dtype ${found.dtype}_ref.`,
    );
  }
}
