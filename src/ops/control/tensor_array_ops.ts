import * as tfc from "@tensorflow/tfjs-core";
import { InternalError, InvalidArgumentError, UnimplementedError } from "../../errors.js";
import { runtimeDType, runtimeDTypeName, type DType } from "../../graph/dtypes.js";
import type { Graph } from "../../graph/graph.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import { TensorShape, type Dim } from "../../graph/tensor_shape.js";
import { convertToTensor } from "../convert.js";
import { inOpScope, makeOp, opNameOf } from "../op_scope.js";
import { registerOp, type Kernel, type KernelRuntime, type Stashable } from "../registry.js";
import { ShapeInference } from "../shape_utils.js";
import { shareTensor } from "../tfjs_internals.js";
import { knownScalar, scalarOf } from "./scalars.js";

/*
 * TensorFlow 1.15's TensorArray ops (`TensorArrayV3` and friends, data_flow_ops.cc): the
 * graph side (inputs, attrs, shape functions) and the kernels. A TensorArray lives for one
 * `Session.run`, as TF keeps it in the step's resource container: `TensorArrayV3` creates
 * it in the run's stash (`KernelRuntime.stash`, freed with its tensors when the run ends)
 * and its `handle` output (dtype `resource`) carries the stash number as an int32 scalar.
 * Every other op finds the array through that handle; the float `flow` scalar each op
 * takes and passes on orders them, as in TF.
 */

/** One index of a TensorArray (TF's `TensorAndState`). */
interface Entry {
  /** The value; `null` when only a shape is known (reads give zeros) or after clearing. */
  tensor: tfc.Tensor | null;
  shape: number[] | null;
  written: boolean;
  read: boolean;
  cleared: boolean;
}

const emptyEntry = (): Entry => ({
  tensor: null,
  shape: null,
  written: false,
  read: false,
  cleared: false,
});

/** The run-time TensorArray (TF's `TensorArray` resource, tensor_array.h). */
export class TensorArrayResource implements Stashable {
  /** The unique name errors print: `tensor_array_name` (or the op's name) and a number. */
  name = "";
  /** The stash number the array's handle carries. */
  id = 0;
  closed = false;
  /** Gradient arrays by `source`, created once each by `TensorArrayGradV3`. */
  readonly grads = new Map<string, TensorArrayResource>();
  entries: Entry[];

  constructor(
    readonly dtype: DType,
    size: number,
    public elementShape: TensorShape,
    readonly identicalElementShapes: boolean,
    public dynamicSize: boolean,
    /** Gradient arrays sum repeated writes to an index (the forward array's many reads). */
    readonly multipleWritesAggregate: boolean,
    readonly isGrad: boolean,
    public markedSize: number,
    readonly clearAfterRead: boolean,
  ) {
    this.entries = Array.from({ length: size }, emptyEntry);
  }

  /** Whether gradients may still be taken (no aggregated write happened). */
  gradientsAllowed = true;

  /**
   * The handle value, made once: a gradient loop's `TensorArrayGradV3` hands it out at
   * every iteration (a new scalar each time cost a backend allocation).
   */
  private handleValue: tfc.Tensor | null = null;

  /** A new handle on the array's handle value (an int32 scalar holding `id`). */
  handle(): tfc.Tensor {
    this.handleValue ??= knownScalar(this.id, "int32");
    return shareTensor(this.handleValue);
  }

  dispose(): void {
    for (const e of this.entries) e.tensor?.dispose();
    this.entries = [];
    this.handleValue?.dispose();
    this.handleValue = null;
  }

  checkOpen(): void {
    if (this.closed) {
      throw new InvalidArgumentError(`TensorArray ${this.name} has already been closed.`);
    }
  }

  /** Stores `value` at `index`, taking ownership of it (TF's `LockedWriteOrAggregate`). */
  write(index: number, value: tfc.Tensor): void {
    try {
      this.checkOpen();
      const n = this.entries.length;
      if (index < 0 || (!this.dynamicSize && index >= n)) {
        throw new InvalidArgumentError(
          `TensorArray ${this.name}: Tried to write to index ${index} but array is not resizeable and size is: ${n}`,
        );
      }
      while (this.entries.length <= index) this.entries.push(emptyEntry());
      const t = this.entries[index] as Entry;
      const shape = value.shape;
      if (!this.elementShape.isCompatibleWith(shape)) {
        throw new InvalidArgumentError(
          `TensorArray ${this.name}: Could not write to TensorArray index ${index} because the value shape is ${runtimeShape(shape)} which is incompatible with the TensorArray's inferred element shape: ${this.elementShape.toRuntimeString()} (consider setting infer_shape=False).`,
        );
      } else if (this.identicalElementShapes && !this.elementShape.isFullyDefined()) {
        this.elementShape = new TensorShape(shape);
      }
      if (t.read) {
        throw new InvalidArgumentError(
          `TensorArray ${this.name}: Could not write to TensorArray index ${index} because it has already been read.`,
        );
      }
      if (!this.multipleWritesAggregate && t.written) {
        throw new InvalidArgumentError(
          `TensorArray ${this.name}: Could not write to TensorArray index ${index} because it has already been written to.`,
        );
      }
      if (t.written) {
        if (!sameShape(shape, t.shape as number[])) {
          throw new InvalidArgumentError(
            `TensorArray ${this.name}: Could not aggregate to TensorArray index ${index} because the existing shape is ${runtimeShape(t.shape as number[])} but the new input shape is ${runtimeShape(shape)}.`,
          );
        }
        if (t.tensor === null) {
          // Only a shape was known (zeros): the value replaces it.
          t.tensor = value;
          return;
        }
        const sum = tfc.add(t.tensor, value);
        t.tensor.dispose();
        value.dispose();
        t.tensor = sum;
        this.gradientsAllowed = false;
        return;
      }
      t.tensor = value;
      t.shape = shape.slice();
      t.written = true;
    } catch (e) {
      value.dispose();
      throw e;
    }
  }

  /** The value at `index`, the caller's to free (TF's `LockedRead`). */
  read(index: number): tfc.Tensor {
    this.checkOpen();
    const n = this.entries.length;
    if (index < 0 || (!this.isGrad && index >= n)) {
      throw new InvalidArgumentError(`Tried to read from index ${index} but array size is: ${n}`);
    }
    const unwritten = index >= n || !(this.entries[index] as Entry).written;
    if (unwritten) {
      // An index never written reads as zeros when its shape is known (a gradient array
      // knows the forward array's shapes), as in TF.
      let shape: number[];
      const known = index < n ? (this.entries[index] as Entry).shape : null;
      if (this.isGrad && known !== null && known.length > 0) {
        shape = known;
      } else if (!this.elementShape.isFullyDefined()) {
        throw new InvalidArgumentError(
          `TensorArray ${this.name}: Could not read from TensorArray index ${index}.  Furthermore, the element shape is not fully defined: ${this.elementShape.toRuntimeString()}.  It is possible you are working with a resizeable TensorArray and stop_gradients is not allowing the gradients to be written.  If you set the full element_shape property on the forward TensorArray, the proper all-zeros tensor will be returned instead of incurring this error.`,
        );
      } else {
        shape = this.elementShape.dims as number[];
      }
      while (this.entries.length <= index) {
        this.entries.push({ ...emptyEntry(), shape: shape.slice(), written: true });
      }
      const e = this.entries[index] as Entry;
      e.shape = shape.slice();
      e.written = true;
    }
    const t = this.entries[index] as Entry;
    if (t.cleared) {
      throw new InvalidArgumentError(
        `TensorArray ${this.name}: Could not read index ${index} twice because it was cleared after a previous read (perhaps try setting clear_after_read = false?).`,
      );
    }
    if (t.tensor === null) t.tensor = tfc.zeros(t.shape as number[], runtimeDType(this.dtype));
    let out: tfc.Tensor;
    if (this.clearAfterRead) {
      out = t.tensor;
      t.tensor = null;
      t.cleared = true;
    } else {
      out = shareTensor(t.tensor);
    }
    t.read = true;
    return out;
  }

  /** Reads `indices` in order; on failure frees what was read. */
  readMany(indices: readonly number[]): tfc.Tensor[] {
    const out: tfc.Tensor[] = [];
    try {
      for (const i of indices) out.push(this.read(i));
    } catch (e) {
      for (const t of out) t.dispose();
      throw e;
    }
    return out;
  }

  /** Writes each value (owned) at its index; the values not yet written are freed on failure. */
  writeMany(indices: readonly number[], values: tfc.Tensor[]): void {
    let k = 0;
    try {
      for (; k < indices.length; k++) this.write(indices[k] as number, values[k] as tfc.Tensor);
    } finally {
      for (let j = k + 1; j < values.length; j++) values[j]?.dispose();
    }
  }

  /** `SetElemShape`: merges `shape` into the element shape. */
  mergeElementShape(shape: TensorShape): void {
    if (!this.elementShape.isCompatibleWith(shape)) {
      throw new InvalidArgumentError(
        `Incompatible shapes during merge: ${this.elementShape.toRuntimeString()} vs. ${shape.toRuntimeString()}`,
      );
    }
    this.elementShape = this.elementShape.mergeWith(shape);
  }

  /** The number of elements `TensorArrayConcatV3` reads (`PackOrConcatSize`). */
  concatSize(): number {
    this.checkOpen();
    return this.isGrad ? this.markedSize : this.entries.length;
  }

  size(): number {
    this.checkOpen();
    return this.entries.length;
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** A run-time shape as TF's `TensorShape::DebugString` prints it: `[2,3]`. */
function runtimeShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** The TensorArray a handle value names. */
function lookup(runtime: KernelRuntime, handle: tfc.Tensor, op: Operation): TensorArrayResource {
  const resource = runtime.stashed(scalarOf(handle));
  if (!(resource instanceof TensorArrayResource)) {
    throw new InternalError(`${op.name}: the handle does not name a TensorArray.`, op.name);
  }
  return resource;
}

/** The array's dtype must be the one the op reads (`Op requested dtype`). */
function checkReadDType(ta: TensorArrayResource, op: Operation): void {
  const dtype = op.attrs.dtype as DType;
  if (dtype !== ta.dtype) {
    throw new InvalidArgumentError(
      `TensorArray dtype is ${runtimeDTypeName(ta.dtype)} but Op requested dtype ${runtimeDTypeName(dtype)}.`,
    );
  }
}

/** The value written must have the array's dtype (the op's `T` attr names it). */
function checkWriteDType(ta: TensorArrayResource, op: Operation): void {
  const dtype = op.attrs.T as DType;
  if (dtype !== ta.dtype) {
    throw new InvalidArgumentError(
      `TensorArray dtype is ${runtimeDTypeName(ta.dtype)} but Op is trying to write dtype ${runtimeDTypeName(dtype)}.`,
    );
  }
}

function checkScalarIndex(index: tfc.Tensor): number {
  if (index.rank !== 0) {
    throw new InvalidArgumentError(
      `TensorArray index must be scalar, but had shape: ${runtimeShape(index.shape)}`,
    );
  }
  return scalarOf(index);
}

/** The values of a vector input; `message` (TF's, ending with the shape) otherwise. */
function vectorValues(t: tfc.Tensor, message: string): number[] {
  if (t.rank !== 1) throw new InvalidArgumentError(`${message}${runtimeShape(t.shape)}`);
  return Array.from(t.dataSync() as Int32Array);
}

/**
 * A kernel whose own errors name its node, as TF's runtime errors do (the executor adds
 * the node only to errors that are not already `OpError`s).
 */
function namingNode(kernel: Kernel): Kernel {
  return (inputs, op, runtime) => {
    try {
      return kernel(inputs, op, runtime);
    } catch (e) {
      const node = `\n\t [[{{node ${op.name}}}]]`;
      if (e instanceof InvalidArgumentError && e.opName === null) {
        throw new InvalidArgumentError(`${e.message}${node}`, op.name);
      }
      if (e instanceof UnimplementedError && e.opName === null) {
        throw new UnimplementedError(`${e.message}${node}`, op.name);
      }
      throw e;
    }
  };
}

/** The flow output: the flow input passed on (a kernel never returns its input as is). */
const passFlow = (flow: tfc.Tensor): tfc.Tensor => shareTensor(flow);

registerOp({
  type: "TensorArrayV3",
  opDef: {
    inputs: ["size: int32"],
    outputs: ["handle: resource", "flow: float"],
    attrs: [
      "dtype: type",
      "element_shape: shape = ?",
      "dynamic_size: bool = false",
      "clear_after_read: bool = true",
      "identical_element_shapes: bool = false",
      "tensor_array_name: string = ''",
    ],
    stateful: true,
  },
  stateful: true,
  kernel: namingNode(([size], op, runtime) => {
    const s = size as tfc.Tensor;
    if (s.rank !== 0) {
      throw new InvalidArgumentError(
        `TensorArray size must be scalar, but had shape: ${runtimeShape(s.shape)}`,
      );
    }
    const n = s.dataSync()[0] as number;
    if (n < 0) throw new InvalidArgumentError("Size should be >= 0.");
    const a = op.attrs;
    const ta = new TensorArrayResource(
      a.dtype as DType,
      n,
      a.element_shape as TensorShape,
      a.identical_element_shapes as boolean,
      a.dynamic_size as boolean,
      false,
      false,
      -1,
      a.clear_after_read as boolean,
    );
    ta.id = runtime.stash(ta);
    // TF numbers every TensorArray it creates; the run's stash number serves here.
    ta.name = `${(a.tensor_array_name as string) || op.name}_${ta.id}`;
    return [knownScalar(ta.id, "int32"), tfc.scalar(0, "float32")];
  }),
});

registerOp({
  type: "TensorArrayGradV3",
  opDef: {
    inputs: ["handle: resource", "flow_in: float"],
    outputs: ["grad_handle: resource", "flow_out: float"],
    attrs: ["source: string"],
    stateful: true,
  },
  stateful: true,
  kernel: namingNode(([handle, flow], op, runtime) => {
    const forward = lookup(runtime, handle as tfc.Tensor, op);
    const source = op.attrs.source as string;
    let grad = forward.grads.get(source);
    if (grad === undefined) {
      // Once gradients are being computed, the forward array may no longer grow.
      forward.dynamicSize = false;
      const size = forward.size();
      if (!forward.gradientsAllowed) {
        throw new InvalidArgumentError(
          `Unable to create a gradients TensorArray for ${forward.name}.  Perhaps you used the multiple_writes_aggregate flag on a previous write?  Gradient calculation is impossible when multiple writes are performed to the same index.`,
        );
      }
      const g = new TensorArrayResource(
        forward.dtype,
        size,
        forward.elementShape,
        forward.identicalElementShapes,
        false,
        true,
        true,
        forward.markedSize,
        true,
      );
      // `CopyShapesFrom`: each index the forward array wrote reads as zeros of its shape
      // until a gradient is written there.
      forward.entries.forEach((e, i) => {
        if (!e.written) return;
        const ge = g.entries[i] as Entry;
        ge.shape = (e.shape as number[]).slice();
        ge.written = true;
      });
      g.id = runtime.stash(g);
      g.name = `${forward.name}@${source}`;
      forward.grads.set(source, g);
      grad = g;
    }
    return [grad.handle(), passFlow(flow as tfc.Tensor)];
  }),
});

registerOp({
  type: "TensorArrayWriteV3",
  opDef: {
    inputs: ["handle: resource", "index: int32", "value: T", "flow_in: float"],
    outputs: ["flow_out: float"],
    attrs: ["T: type"],
    stateful: true,
  },
  stateful: true,
  kernel: namingNode(([handle, index, value, flow], op, runtime) => {
    const i = checkScalarIndex(index as tfc.Tensor);
    const ta = lookup(runtime, handle as tfc.Tensor, op);
    checkWriteDType(ta, op);
    ta.write(i, shareTensor(value as tfc.Tensor));
    return [passFlow(flow as tfc.Tensor)];
  }),
});

registerOp({
  type: "TensorArrayReadV3",
  opDef: {
    inputs: ["handle: resource", "index: int32", "flow_in: float"],
    outputs: ["value: dtype"],
    attrs: ["dtype: type"],
    stateful: true,
  },
  stateful: true,
  kernel: namingNode(([handle, index], op, runtime) => {
    const i = checkScalarIndex(index as tfc.Tensor);
    const ta = lookup(runtime, handle as tfc.Tensor, op);
    checkReadDType(ta, op);
    return [ta.read(i)];
  }),
});

registerOp({
  type: "TensorArrayGatherV3",
  opDef: {
    inputs: ["handle: resource", "indices: int32", "flow_in: float"],
    outputs: ["value: dtype"],
    attrs: ["dtype: type", "element_shape: shape = ?"],
    stateful: true,
  },
  stateful: true,
  kernel: namingNode(([handle, indices], op, runtime) => {
    const ta = lookup(runtime, handle as tfc.Tensor, op);
    checkReadDType(ta, op);
    const elementShape = op.attrs.element_shape as TensorShape;
    ta.mergeElementShape(elementShape);
    const idx = vectorValues(
      indices as tfc.Tensor,
      "Expected indices to be a vector, but received shape: ",
    );
    if (idx.length === 0) {
      if (!elementShape.isFullyDefined()) {
        throw new UnimplementedError(
          `TensorArray has size zero, but element shape ${elementShape.toRuntimeString()} is not fully defined. Currently only static shapes are supported when packing zero-size TensorArrays.`,
        );
      }
      return [tfc.zeros([0, ...(elementShape.dims as number[])], runtimeDType(ta.dtype))];
    }
    const values = ta.readMany(idx);
    try {
      const first = (values[0] as tfc.Tensor).shape;
      if (!elementShape.isCompatibleWith(first)) {
        throw new InvalidArgumentError(
          `TensorArray was passed element_shape ${elementShape.toRuntimeString()} which does not match the Tensor at index 0: ${runtimeShape(first)}`,
        );
      }
      values.forEach((v, i) => {
        if (!sameShape(first, v.shape)) {
          throw new InvalidArgumentError(
            `TensorArray has inconsistent shapes.  Index 0 has shape: ${runtimeShape(first)} but index ${i} has shape: ${runtimeShape(v.shape)}`,
          );
        }
      });
      return [tfc.stack(values)];
    } finally {
      for (const v of values) v.dispose();
    }
  }),
});

registerOp({
  type: "TensorArrayConcatV3",
  opDef: {
    inputs: ["handle: resource", "flow_in: float"],
    outputs: ["value: dtype", "lengths: int64"],
    attrs: ["dtype: type", "element_shape_except0: shape = ?"],
    stateful: true,
  },
  stateful: true,
  kernel: namingNode(([handle], op, runtime) => {
    const ta = lookup(runtime, handle as tfc.Tensor, op);
    checkReadDType(ta, op);
    const except0 = op.attrs.element_shape_except0 as TensorShape;
    const n = ta.concatSize();
    if (n === 0) {
      if (!except0.isFullyDefined()) {
        throw new UnimplementedError(
          `TensorArray has size zero, but element_shape_except0 ${except0.toRuntimeString()} is not fully defined. Currently only static shapes are supported when concatenating zero-size TensorArrays.`,
        );
      }
      return [
        tfc.zeros([0, ...(except0.dims as number[])], runtimeDType(ta.dtype)),
        tfc.zeros([0], "int32"),
      ];
    }
    const values = ta.readMany(Array.from({ length: n }, (_, i) => i));
    try {
      let rest: number[] = [];
      const lengths: number[] = [];
      values.forEach((v, i) => {
        if (v.rank === 0) {
          throw new InvalidArgumentError(
            `Concat saw a scalar shape at index ${i} but requires at least vectors.  Did you mean to call pack?`,
          );
        }
        lengths.push(v.shape[0] as number);
        const except = v.shape.slice(1);
        if (i === 0) {
          rest = except;
          if (!except0.isCompatibleWith(except)) {
            throw new InvalidArgumentError(
              `TensorArray was passed element_shape_except0 ${except0.toRuntimeString()} but index 0 has (excepting dimension 0) shape: ${runtimeShape(except)} which does not match.`,
            );
          }
        } else if (!sameShape(rest, except)) {
          throw new InvalidArgumentError(
            `TensorArray has inconsistent shapes.  Index 0 has (excepting dimension 0) shape: ${runtimeShape(rest)} but index ${i} has (excepting dimension 0) shape: ${runtimeShape(except)}`,
          );
        }
      });
      return [tfc.concat(values, 0), tfc.tensor1d(lengths, "int32")];
    } finally {
      for (const v of values) v.dispose();
    }
  }),
});

registerOp({
  type: "TensorArrayScatterV3",
  opDef: {
    inputs: ["handle: resource", "indices: int32", "value: T", "flow_in: float"],
    outputs: ["flow_out: float"],
    attrs: ["T: type"],
    stateful: true,
  },
  stateful: true,
  kernel: namingNode(([handle, indices, value, flow], op, runtime) => {
    const ta = lookup(runtime, handle as tfc.Tensor, op);
    const x = value as tfc.Tensor;
    checkWriteDType(ta, op);
    if (x.rank === 0) {
      throw new InvalidArgumentError(
        `Input value for unpack must be at least a vector but received shape: ${runtimeShape(x.shape)}`,
      );
    }
    let size = ta.size();
    const idx = vectorValues(
      indices as tfc.Tensor,
      "Expected indices to be a vector, but received shape: ",
    );
    if (idx.length !== x.shape[0]) {
      throw new InvalidArgumentError(
        `Expected len(indices) == values.shape[0], but saw: ${idx.length} vs. ${x.shape[0] as number}`,
      );
    }
    const maxIndex = idx.length === 0 ? -1 : Math.max(...idx);
    if (ta.dynamicSize && size < maxIndex + 1) size = maxIndex + 1;
    if (maxIndex >= size) {
      throw new InvalidArgumentError(
        `Max scatter index must be < array size (${maxIndex} vs. ${size})`,
      );
    }
    ta.writeMany(
      idx,
      cutRows(
        x,
        idx.map(() => 1),
        true,
      ),
    );
    return [passFlow(flow as tfc.Tensor)];
  }),
});

registerOp({
  type: "TensorArraySplitV3",
  opDef: {
    inputs: ["handle: resource", "value: T", "lengths: int64", "flow_in: float"],
    outputs: ["flow_out: float"],
    attrs: ["T: type"],
    stateful: true,
  },
  stateful: true,
  kernel: namingNode(([handle, value, lengthsIn, flow], op, runtime) => {
    const ta = lookup(runtime, handle as tfc.Tensor, op);
    const x = value as tfc.Tensor;
    const lengths = vectorValues(
      lengthsIn as tfc.Tensor,
      "Expected lengths to be a vector, received shape: ",
    );
    const total = lengths.reduce((a, b) => a + b, 0);
    if (x.rank === 0) {
      throw new InvalidArgumentError(
        `Expected value to be at least a vector, but received shape: ${runtimeShape(x.shape)}`,
      );
    }
    if (total !== x.shape[0]) {
      throw new InvalidArgumentError(
        `Expected sum of lengths to be equal to values.shape[0], but sum of lengths is ${total} and value's shape is: ${runtimeShape(x.shape)}`,
      );
    }
    let size = ta.size();
    if (ta.dynamicSize && size < lengths.length) size = lengths.length;
    if (size !== lengths.length) {
      throw new InvalidArgumentError(
        `TensorArray's size is not equal to the size of lengths (${size} vs. ${lengths.length}), and the TensorArray is not marked as dynamically resizeable`,
      );
    }
    checkWriteDType(ta, op);
    const pieces = splitRows(x, lengths);
    if (!ta.isGrad) ta.markedSize = size;
    ta.writeMany(
      lengths.map((_, i) => i),
      pieces,
    );
    return [passFlow(flow as tfc.Tensor)];
  }),
});

/** `x` cut along axis 0 into pieces of `lengths` rows (zero rows allowed). */
function splitRows(x: tfc.Tensor, lengths: readonly number[]): tfc.Tensor[] {
  return cutRows(x, lengths, false);
}

/**
 * `x` cut along axis 0 into pieces of `lengths` rows, each piece dropping that axis if
 * `squeeze` (then every length is 1). The values are read once and each piece written from
 * them: tfjs-wasm's `Slice`, which `unstack` and `slice` run once per piece, copies the
 * whole input out of the heap each time (a gradient loop's `[time, batch, units]`
 * scatter would copy it `time` times).
 */
function cutRows(x: tfc.Tensor, lengths: readonly number[], squeeze: boolean): tfc.Tensor[] {
  if (lengths.length === 0) return [];
  if (x.dtype === "string" || x.dtype === "complex64") {
    if (squeeze) return tfc.unstack(x);
    let start = 0;
    return lengths.map((len) => {
      const begin = x.shape.map(() => 0);
      begin[0] = start;
      const size = x.shape.slice();
      size[0] = len;
      start += len;
      return tfc.slice(x, begin, size);
    });
  }
  const inner = x.shape.slice(1);
  const rowSize = inner.reduce((a, b) => a * b, 1);
  const data = x.dataSync() as Float32Array | Int32Array | Uint8Array;
  let start = 0;
  return lengths.map((len) => {
    const piece = data.slice(start * rowSize, (start + len) * rowSize);
    start += len;
    return tfc.tensor(piece, squeeze ? inner : [len, ...inner], x.dtype);
  });
}

registerOp({
  type: "TensorArraySizeV3",
  opDef: {
    inputs: ["handle: resource", "flow_in: float"],
    outputs: ["size: int32"],
    stateful: true,
  },
  stateful: true,
  kernel: namingNode(([handle], op, runtime) => [
    tfc.scalar(lookup(runtime, handle as tfc.Tensor, op).size(), "int32"),
  ]),
});

registerOp({
  type: "TensorArrayCloseV3",
  opDef: { inputs: ["handle: resource"], stateful: true },
  stateful: true,
  kernel: namingNode(([handle], op, runtime) => {
    const ta = lookup(runtime, handle as tfc.Tensor, op);
    // As in TF, the array is emptied and marked closed; the run frees what is left.
    for (const e of ta.entries) e.tensor?.dispose();
    ta.entries = [];
    ta.closed = true;
    return [];
  }),
});

// Every TensorArray op is registered `stateful`: each reads or changes a run's array, so
// no plan pass may fold it into a constant, hoist it out of a loop or share it between runs.

// ---------------------------------------------------------------------------------------
// The graph side: TF's op definitions (inputs, attrs, shape functions), built as its
// generated wrappers build them: inputs given as JS values become constants named after
// the input (`TensorArrayReadV3/index`) inside the op's name scope.

/** The handle input is a 2-vector in TF's shape functions (a legacy of string handles). */
function checkHandle(si: ShapeInference, handle: Tensor): void {
  const dims = si.withRank(handle.shape, 1);
  si.withValue(dims[0] as Dim, 2);
}

const HANDLE_SHAPE = new TensorShape([2]);
const FLOW = { dtype: "float32", shape: TensorShape.scalar() } as const;

/** An input of fixed dtype, converted as `_apply_op_helper` converts it. */
function fixedInput(value: TensorLike, arg: string, opType: string, dtype: DType): Tensor {
  const t = convertToTensor(value, { name: arg, preferredDtype: dtype });
  if (t.dtype !== dtype) {
    throw new TypeError(
      `Input '${arg}' of '${opType}' Op has type ${t.dtype} that does not match expected type of ${dtype}.`,
    );
  }
  return t;
}

/** Builds op `type` named `name ?? type` in the current name scope. */
function buildIn<T>(
  name: string | undefined,
  type: string,
  values: readonly unknown[],
  build: (scope: string, graph: Graph) => T,
): T {
  return inOpScope(name, type, values, build);
}

/** What `TensorArrayV3` records (its attrs). */
export interface TensorArrayAttrs {
  dtype: DType;
  elementShape: TensorShape;
  dynamicSize: boolean;
  clearAfterRead: boolean;
  identicalElementShapes: boolean;
  tensorArrayName: string;
}

/** `gen_data_flow_ops.tensor_array_v3`, named exactly `scope`: `[handle, flow]`. */
export function tensorArrayV3(
  graph: Graph,
  scope: string,
  sizeIn: TensorLike,
  attrs: TensorArrayAttrs,
): [Tensor, Tensor] {
  const size = fixedInput(sizeIn, "size", "TensorArrayV3", "int32");
  const si = new ShapeInference(opNameOf(scope), "TensorArrayV3", [size.shape]);
  si.withRank(size.shape, 0);
  const op = makeOp(
    graph,
    "TensorArrayV3",
    scope,
    [size],
    [{ dtype: "resource", shape: HANDLE_SHAPE }, FLOW],
    {
      dtype: attrs.dtype,
      element_shape: attrs.elementShape,
      dynamic_size: attrs.dynamicSize,
      clear_after_read: attrs.clearAfterRead,
      identical_element_shapes: attrs.identicalElementShapes,
      tensor_array_name: attrs.tensorArrayName,
    },
  );
  return [op.outputs[0] as Tensor, op.outputs[1] as Tensor];
}

/** `tensor_array_grad_v3`: `[grad_handle, flow_out]`. */
export function tensorArrayGradV3(
  handle: Tensor,
  flow: Tensor,
  source: string,
  name?: string,
): [Tensor, Tensor] {
  return buildIn(name, "TensorArrayGradV3", [handle, flow], (scope, graph) => {
    const si = new ShapeInference(opNameOf(scope), "TensorArrayGradV3", [handle.shape, flow.shape]);
    checkHandle(si, handle);
    const op = makeOp(
      graph,
      "TensorArrayGradV3",
      scope,
      [handle, flow],
      [{ dtype: "resource", shape: HANDLE_SHAPE }, FLOW],
      { source },
    );
    return [op.outputs[0] as Tensor, op.outputs[1] as Tensor];
  });
}

/** `tensor_array_write_v3`: the flow out. */
export function tensorArrayWriteV3(
  handle: Tensor,
  indexIn: TensorLike,
  value: Tensor,
  flow: Tensor,
  name?: string,
): Tensor {
  return buildIn(name, "TensorArrayWriteV3", [handle, indexIn, value, flow], (scope, graph) => {
    const index = fixedInput(indexIn, "index", "TensorArrayWriteV3", "int32");
    const si = new ShapeInference(opNameOf(scope), "TensorArrayWriteV3", [
      handle.shape,
      index.shape,
      value.shape,
      flow.shape,
    ]);
    checkHandle(si, handle);
    si.withRank(index.shape, 0);
    si.withRank(flow.shape, 0);
    return makeOp(graph, "TensorArrayWriteV3", scope, [handle, index, value, flow], [FLOW], {
      T: value.dtype,
    }).outputs[0] as Tensor;
  });
}

/** `tensor_array_read_v3`: the value (shape unknown to the op; the caller sets it). */
export function tensorArrayReadV3(
  handle: Tensor,
  indexIn: TensorLike,
  flow: Tensor,
  dtype: DType,
  name?: string,
): Tensor {
  return buildIn(name, "TensorArrayReadV3", [handle, indexIn, flow], (scope, graph) => {
    const index = fixedInput(indexIn, "index", "TensorArrayReadV3", "int32");
    const si = new ShapeInference(opNameOf(scope), "TensorArrayReadV3", [
      handle.shape,
      index.shape,
      flow.shape,
    ]);
    checkHandle(si, handle);
    si.withRank(index.shape, 0);
    si.withRank(flow.shape, 0);
    return makeOp(
      graph,
      "TensorArrayReadV3",
      scope,
      [handle, index, flow],
      [{ dtype, shape: TensorShape.unknown() }],
      { dtype },
    ).outputs[0] as Tensor;
  });
}

/** `tensor_array_gather_v3`: `[len(indices)] + element_shape`. */
export function tensorArrayGatherV3(
  handle: Tensor,
  indicesIn: TensorLike,
  flow: Tensor,
  dtype: DType,
  elementShape: TensorShape,
  name?: string,
): Tensor {
  return buildIn(name, "TensorArrayGatherV3", [handle, indicesIn, flow], (scope, graph) => {
    const indices = fixedInput(indicesIn, "indices", "TensorArrayGatherV3", "int32");
    const si = new ShapeInference(opNameOf(scope), "TensorArrayGatherV3", [
      handle.shape,
      indices.shape,
      flow.shape,
    ]);
    si.withRank(handle.shape, 1);
    const idx = si.withRank(indices.shape, 1);
    checkHandle(si, handle);
    si.withRank(flow.shape, 0);
    const shape =
      elementShape.dims === null
        ? TensorShape.unknown()
        : new TensorShape([idx[0] as Dim, ...elementShape.dims]);
    return makeOp(
      graph,
      "TensorArrayGatherV3",
      scope,
      [handle, indices, flow],
      [{ dtype, shape }],
      { dtype, element_shape: elementShape },
    ).outputs[0] as Tensor;
  });
}

/** `tensor_array_scatter_v3`: the flow out. */
export function tensorArrayScatterV3(
  handle: Tensor,
  indicesIn: TensorLike,
  value: Tensor,
  flow: Tensor,
  name?: string,
): Tensor {
  return buildIn(name, "TensorArrayScatterV3", [handle, indicesIn, value, flow], (scope, graph) => {
    const indices = fixedInput(indicesIn, "indices", "TensorArrayScatterV3", "int32");
    const si = new ShapeInference(opNameOf(scope), "TensorArrayScatterV3", [
      handle.shape,
      indices.shape,
      value.shape,
      flow.shape,
    ]);
    si.withRank(indices.shape, 1);
    checkHandle(si, handle);
    si.withRank(flow.shape, 0);
    return makeOp(graph, "TensorArrayScatterV3", scope, [handle, indices, value, flow], [FLOW], {
      T: value.dtype,
    }).outputs[0] as Tensor;
  });
}

/** `tensor_array_concat_v3`: `[value, lengths]` (lengths int64). */
export function tensorArrayConcatV3(
  handle: Tensor,
  flow: Tensor,
  dtype: DType,
  elementShapeExcept0: TensorShape,
  name?: string,
): [Tensor, Tensor] {
  return buildIn(name, "TensorArrayConcatV3", [handle, flow], (scope, graph) => {
    const si = new ShapeInference(opNameOf(scope), "TensorArrayConcatV3", [
      handle.shape,
      flow.shape,
    ]);
    checkHandle(si, handle);
    si.withRank(flow.shape, 0);
    const op = makeOp(
      graph,
      "TensorArrayConcatV3",
      scope,
      [handle, flow],
      [
        { dtype, shape: TensorShape.unknown() },
        { dtype: "int64", shape: new TensorShape([null]) },
      ],
      { dtype, element_shape_except0: elementShapeExcept0 },
    );
    return [op.outputs[0] as Tensor, op.outputs[1] as Tensor];
  });
}

/** `tensor_array_split_v3`: the flow out. */
export function tensorArraySplitV3(
  handle: Tensor,
  value: Tensor,
  lengthsIn: TensorLike,
  flow: Tensor,
  name?: string,
): Tensor {
  return buildIn(name, "TensorArraySplitV3", [handle, value, lengthsIn, flow], (scope, graph) => {
    const lengths = fixedInput(lengthsIn, "lengths", "TensorArraySplitV3", "int64");
    const si = new ShapeInference(opNameOf(scope), "TensorArraySplitV3", [
      handle.shape,
      value.shape,
      lengths.shape,
      flow.shape,
    ]);
    checkHandle(si, handle);
    si.withRank(lengths.shape, 1);
    si.withRank(flow.shape, 0);
    return makeOp(graph, "TensorArraySplitV3", scope, [handle, value, lengths, flow], [FLOW], {
      T: value.dtype,
    }).outputs[0] as Tensor;
  });
}

/** `tensor_array_size_v3`: an int32 scalar. */
export function tensorArraySizeV3(handle: Tensor, flow: Tensor, name?: string): Tensor {
  return buildIn(name, "TensorArraySizeV3", [handle, flow], (scope, graph) => {
    const si = new ShapeInference(opNameOf(scope), "TensorArraySizeV3", [handle.shape, flow.shape]);
    checkHandle(si, handle);
    return makeOp(
      graph,
      "TensorArraySizeV3",
      scope,
      [handle, flow],
      [{ dtype: "int32", shape: TensorShape.scalar() }],
    ).outputs[0] as Tensor;
  });
}

/** `tensor_array_close_v3`: an op without outputs. */
export function tensorArrayCloseV3(handle: Tensor, name?: string): Operation {
  return buildIn(name, "TensorArrayCloseV3", [handle], (scope, graph) => {
    const si = new ShapeInference(opNameOf(scope), "TensorArrayCloseV3", [handle.shape]);
    checkHandle(si, handle);
    return makeOp(graph, "TensorArrayCloseV3", scope, [handle], []);
  });
}
