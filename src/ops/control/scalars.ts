import * as tfc from "@tensorflow/tfjs-core";
import type { KernelRuntime, Stashable } from "../registry.js";
import { shareTensor } from "../tfjs_internals.js";

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

/**
 * The scalars made during one run, one per dtype and value, handed out as new handles and
 * freed when the run ends. A loop's counters make the same values again and again (`i + 1`
 * of each counter, the forward count, the gradient loop counting back down, `true` from
 * every condition): each value costs one backend allocation per run instead of one per use.
 */
class RunScalars implements Stashable {
  private readonly made = {
    int32: new Map<number, tfc.Tensor>(),
    bool: new Map<number, tfc.Tensor>(),
    float32: new Map<number, tfc.Tensor>(),
  };
  private stashed = false;

  get(value: number, dtype: "int32" | "bool" | "float32", runtime: KernelRuntime): tfc.Tensor {
    if (!this.stashed) {
      runtime.stash(this);
      this.stashed = true;
    }
    const made = this.made[dtype];
    let t = made.get(value);
    if (t === undefined) {
      t = knownScalar(value, dtype);
      made.set(value, t);
    }
    return shareTensor(t);
  }

  dispose(): void {
    for (const made of Object.values(this.made)) {
      for (const t of made.values()) t.dispose();
      made.clear();
    }
    this.stashed = false;
  }
}

const runScalars = new WeakMap<KernelRuntime, RunScalars>();

/** A scalar {@link scalarOf} knows, shared with the run's other scalars of that value. */
export function runScalar(
  value: number,
  dtype: "int32" | "bool" | "float32",
  runtime: KernelRuntime,
): tfc.Tensor {
  let scalars = runScalars.get(runtime);
  if (scalars === undefined) {
    scalars = new RunScalars();
    runScalars.set(runtime, scalars);
  }
  return scalars.get(value, dtype, runtime);
}
