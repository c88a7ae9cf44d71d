import type * as tfc from "@tensorflow/tfjs-core";
import { FailedPreconditionError } from "../errors.js";
import type { Operation } from "../graph/operation.js";
import type { ResourceVariableStore } from "../ops/registry.js";

/**
 * One session's variable values and random streams. Writes made during a run are held
 * aside and applied only when the run succeeds, so a failed run leaves every variable as
 * it was.
 */
export class VariableState implements ResourceVariableStore {
  private readonly values = new Map<Operation, tfc.Tensor>();
  private pending = new Map<Operation, tfc.Tensor>();
  private readonly randomCounts = new Map<Operation, number>();
  /** Philox-based random ops: the blocks their runs reserved (TF's `GuardedPhiloxRandom`). */
  private readonly philoxPositions = new Map<Operation, number>();
  /** Resource variables: handle → `[container, shared_name]`, and back by joined key. */
  private readonly handles: [string, string][] = [];
  private readonly handleKeys = new Map<string, number>();
  private readonly resourceValues = new Map<number, tfc.Tensor>();
  /** A run's resource writes; `null` marks a variable the run destroyed. */
  private readonly resourcePending = new Map<number, tfc.Tensor | null>();

  readVariable(variableOp: Operation, reader: Operation): tfc.Tensor {
    const value = this.pending.get(variableOp) ?? this.values.get(variableOp);
    if (value === undefined) {
      throw new FailedPreconditionError(
        `Attempting to use uninitialized value ${variableOp.name}\n\t [[{{node ${reader.name}}}]]`,
        reader.name,
      );
    }
    return value;
  }

  writeVariable(variableOp: Operation, value: tfc.Tensor): void {
    const replaced = this.pending.get(variableOp);
    if (replaced !== undefined) replaced.dispose();
    this.pending.set(variableOp, value);
  }

  isVariableInitialized(variableOp: Operation): boolean {
    return this.pending.has(variableOp) || this.values.has(variableOp);
  }

  nextRandomSeed(op: Operation): number | undefined {
    if (!isSeeded(op)) return undefined;
    const count = this.randomCounts.get(op) ?? 0;
    this.randomCounts.set(op, count + 1);
    // Random ops hold TF's seed/seed2 attrs; ShuffleDataset takes its seeds as inputs, and
    // its builder keeps their values as build data.
    const from =
      "seed" in op.attrs ? op.attrs : { seed: op.buildData._seed, seed2: op.buildData._seed2 };
    return mixSeeds(from.seed as number, from.seed2 as number, count);
  }

  reservePhiloxBlocks(op: Operation, blocks: number): number | undefined {
    if (!isSeeded(op)) return undefined;
    const at = this.philoxPositions.get(op) ?? 0;
    this.philoxPositions.set(op, at + blocks);
    return at;
  }

  handleOf(container: string, sharedName: string): number {
    // TF's resource manager puts a handle with no container in its default one.
    const c = container === "" ? "localhost" : container;
    const key = `${c}\u0000${sharedName}`;
    let handle = this.handleKeys.get(key);
    if (handle === undefined) {
      handle = this.handles.length;
      this.handles.push([c, sharedName]);
      this.handleKeys.set(key, handle);
    }
    return handle;
  }

  describe(handle: number): { container: string; name: string } {
    const pair = this.handles[handle];
    if (pair === undefined) throw new FailedPreconditionError(`No resource handle ${handle}`);
    return { container: pair[0], name: pair[1] };
  }

  private currentResource(handle: number): tfc.Tensor | undefined {
    const pending = this.resourcePending.get(handle);
    if (pending !== undefined) return pending ?? undefined;
    return this.resourceValues.get(handle);
  }

  read(handle: number, reader: Operation): tfc.Tensor {
    const value = this.currentResource(handle);
    if (value === undefined) {
      const { container, name } = this.describe(handle);
      throw new FailedPreconditionError(
        `Error while reading resource variable ${name} from Container: ${container}. This could mean that the variable was uninitialized. Not found: Resource ${container}/${name}/N10tensorflow3VarE does not exist.\n\t [[{{node ${reader.name}}}]]`,
        reader.name,
      );
    }
    return value;
  }

  write(handle: number, value: tfc.Tensor): void {
    this.resourcePending.get(handle)?.dispose();
    this.resourcePending.set(handle, value);
  }

  isInitialized(handle: number): boolean {
    return this.currentResource(handle) !== undefined;
  }

  destroy(handle: number): boolean {
    const existed = this.isInitialized(handle);
    this.resourcePending.get(handle)?.dispose();
    this.resourcePending.set(handle, null);
    return existed;
  }

  /** Makes the run's writes the variables' values. */
  commit(): void {
    for (const [op, value] of this.pending) {
      this.values.get(op)?.dispose();
      this.values.set(op, value);
    }
    this.pending.clear();
    for (const [handle, value] of this.resourcePending) {
      this.resourceValues.get(handle)?.dispose();
      if (value === null) this.resourceValues.delete(handle);
      else this.resourceValues.set(handle, value);
    }
    this.resourcePending.clear();
  }

  /** Drops the run's writes. */
  rollback(): void {
    for (const value of this.pending.values()) value.dispose();
    this.pending.clear();
    for (const value of this.resourcePending.values()) value?.dispose();
    this.resourcePending.clear();
  }

  /** Frees every value. */
  dispose(): void {
    this.rollback();
    for (const value of this.values.values()) value.dispose();
    this.values.clear();
    for (const value of this.resourceValues.values()) value.dispose();
    this.resourceValues.clear();
  }

  /** How many variables hold a value. */
  get size(): number {
    return this.values.size + this.resourceValues.size;
  }
}

/** A 32-bit seed from the graph seed, op seed and how often the op ran (splitmix-style). */
/** An imported random op has only TF's attrs: seeded unless both seeds are 0, as in TF. */
function isSeeded(op: Operation): boolean {
  return (
    (op.buildData._seeded as boolean | undefined) ??
    (typeof op.attrs.seed === "number" && (op.attrs.seed !== 0 || op.attrs.seed2 !== 0))
  );
}

function mixSeeds(a: number, b: number, n: number): number {
  let h =
    Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^
    Math.imul(b + 0x632be5ab, 0xc2b2ae35) ^
    Math.imul(n + 1, 0x27d4eb2f);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}
