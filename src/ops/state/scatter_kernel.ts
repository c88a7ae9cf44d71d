import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { Operation } from "../../graph/operation.js";
import { readInts } from "../tensor_util.js";

/*
 * The arithmetic of the scatter ops, shared by `ScatterAdd`/`ScatterSub`/`ScatterUpdate`
 * on reference variables and their `ResourceScatter*` twins on resource variables.
 */

export type ScatterMode = "add" | "sub" | "update";

/** Checks `indices` against the variable's first dimension, with TF's kernel message. */
function checkedRows(indices: tfc.Tensor, rows: number, op: Operation): number[] {
  const idx = readInts(indices);
  idx.forEach((r, i) => {
    if (r < 0 || r >= rows) {
      const where = indices.rank === 0 ? "" : `[${i}]`;
      throw new InvalidArgumentError(`indices${where} = ${r} is not in [0, ${rows})`, op.name);
    }
  });
  return idx;
}

/**
 * A variable's value after `updates` are added to, subtracted from or written over its
 * rows `indices` (the scatter kernels' arithmetic, for ref and resource variables alike).
 */
export function scatteredValue(
  mode: ScatterMode,
  current: tfc.Tensor,
  indices: tfc.Tensor,
  updates: tfc.Tensor,
  op: Operation,
): tfc.Tensor {
  const rows = current.shape[0] as number;
  const idx = checkedRows(indices, rows, op);
  const inner = current.shape.slice(1);
  const next = tfc.tidy(() => {
    const flatUpdates = tfc.reshape(updates, [idx.length, ...inner]);
    if (mode === "update") {
      // Rows written more than once keep the last write (TF leaves the order unspecified).
      const last = new Map<number, number>();
      idx.forEach((r, i) => last.set(r, i));
      const target = [...last.keys()];
      const source = [...last.values()];
      const at = tfc.tensor2d(target, [target.length, 1], "int32");
      const picked = tfc.gather(flatUpdates, tfc.tensor1d(source, "int32"));
      const scattered = tfc.scatterND(at, picked, current.shape);
      const written = tfc.greater(tfc.scatterND(at, tfc.onesLike(picked), current.shape), 0);
      return tfc.where(written, scattered, current);
    }
    // scatterND adds rows named twice, as ScatterAdd/ScatterSub do.
    const delta = tfc.scatterND(
      tfc.tensor2d(idx, [idx.length, 1], "int32"),
      flatUpdates,
      current.shape,
    );
    return mode === "add" ? tfc.add(current, delta) : tfc.sub(current, delta);
  });
  if (next.dtype === current.dtype) return next;
  const cast = tfc.cast(next, current.dtype);
  next.dispose();
  return cast;
}
