import * as tfc from "@tensorflow/tfjs-core";
import {
  FailedPreconditionError,
  InternalError,
  OpError,
  InvalidArgumentError,
  OutOfRangeError,
  UnimplementedError,
} from "../errors.js";
import type { DType } from "../graph/dtypes.js";
import type { FuncGraph } from "../graph/func_graph.js";
import { functionAttrName, functionBody } from "../ops/control/function_call_ops.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor } from "../graph/tensor.js";
import type { TensorShape } from "../graph/tensor_shape.js";
import {
  noGradient,
  registerOp,
  type Kernel,
  type ShapeInferenceOp,
  type KernelRuntime,
  type Stashable,
} from "../ops/registry.js";
import type { OpDefSpec } from "../ops/op_def.js";
import { shareTensor, stringTensorBytes } from "../ops/tfjs_internals.js";
import { readScalar } from "../ops/tensor_util.js";
import { TFRecordOptions, tfRecordIterator, type TFRecordCompressionName } from "../io/tfrecord.js";
import { fixedLengthRecords, textLines } from "../io/files.js";
import { ShapeInference } from "../ops/shape_utils.js";
import { TensorShape as TensorShapeClass } from "../graph/tensor_shape.js";

/*
 * The run-time side of tf.data. A dataset op's output (a `variant`) is carried by an int32
 * scalar naming a dataset object the run stashed (`KernelRuntime.stash`); an iterator op's
 * (a `resource`) names nothing at run time: the ops that use it find the iterator op in
 * the graph, and its state is a per-session resource (`KernelRuntime.resource`), so that
 * each session iterates on its own and closing it frees what the iterator holds.
 */

/** One element: its components, owned by whoever holds the array. */
type Element = tfc.Tensor[];

/** A position in a dataset. `next` gives the next element, or `null` at the end. */
interface ElementIterator {
  next(rt: KernelRuntime): Element | null;
  dispose(): void;
}

/**
 * A dataset's run-time value. Shared by the run that made it, the datasets built on it and
 * the iterators over it; reference counted, freeing its tensors when the last lets go.
 */
abstract class RuntimeDataset implements Stashable {
  private refs = 1;

  retain(): this {
    this.refs += 1;
    return this;
  }

  dispose(): void {
    this.refs -= 1;
    if (this.refs === 0) this.free();
  }

  /** Frees what this dataset holds (its tensors, its inputs). */
  protected abstract free(): void;

  /** A new iterator from the first element. */
  abstract iterate(rt: KernelRuntime): ElementIterator;
}

function disposeAll(ts: readonly tfc.Tensor[]): void {
  for (const t of ts) t.dispose();
}

/** A dataset over `inputs` that releases them when freed. */
abstract class DerivedDataset extends RuntimeDataset {
  constructor(protected readonly inputs: readonly RuntimeDataset[]) {
    super();
    for (const d of inputs) d.retain();
  }

  protected free(): void {
    for (const d of this.inputs) d.dispose();
    this.freeOwn();
  }

  /** Frees this dataset's own tensors. */
  protected freeOwn(): void {}

  protected get input(): RuntimeDataset {
    return this.inputs[0] as RuntimeDataset;
  }
}

/**
 * A dataset applying a traced function (`map`, `filter`, `flat_map`, `interleave`) to its
 * input's elements: it owns the outer tensors the function captured, freed with it.
 */
abstract class FunctionDataset extends DerivedDataset {
  constructor(
    input: RuntimeDataset,
    protected readonly fn: FuncGraph,
    protected readonly captured: tfc.Tensor[],
  ) {
    super([input]);
  }

  protected override freeOwn(): void {
    disposeAll(this.captured);
  }
}

/** An iterator made from a `next` function, with something to free. */
function iteratorOf(
  next: (rt: KernelRuntime) => Element | null,
  dispose: () => void = () => {},
): ElementIterator {
  return { next, dispose };
}

/** A component's values, read once, from which rows are made. */
interface SlicedComponent {
  readonly values: tfc.TypedArray | string[];
  readonly rowShape: number[];
  readonly rowSize: number;
  readonly dtype: tfc.DataType;
}

class TensorSliceDataset extends RuntimeDataset {
  private readonly components: SlicedComponent[];
  private readonly rows: number;

  constructor(components: readonly tfc.Tensor[]) {
    super();
    // Rows are made from values read once: tfjs's slice of a large tensor costs time in
    // proportion to the whole tensor, which would make a pass over n rows cost n².
    this.components = components.map((c) => {
      const rowShape = c.shape.slice(1);
      return {
        values: c.dataSync() as tfc.TypedArray | string[],
        rowShape,
        rowSize: rowShape.reduce((a, b) => a * b, 1),
        dtype: c.dtype,
      };
    });
    this.rows = (components[0] as tfc.Tensor).shape[0] as number;
  }

  protected free(): void {}

  iterate(): ElementIterator {
    let i = 0;
    return iteratorOf(() => {
      if (i >= this.rows) return null;
      const row = i++;
      return this.components.map((c) => {
        const start = row * c.rowSize;
        const values = c.values.slice(start, start + c.rowSize);
        return tfc.tensor(values, c.rowShape, c.dtype);
      });
    });
  }
}

class TensorDataset extends RuntimeDataset {
  constructor(private readonly components: tfc.Tensor[]) {
    super();
  }

  protected free(): void {
    disposeAll(this.components);
  }

  iterate(): ElementIterator {
    let done = false;
    return iteratorOf(() => {
      if (done) return null;
      done = true;
      return this.components.map(shareTensor);
    });
  }
}

class RangeDataset extends RuntimeDataset {
  constructor(
    private readonly start: number,
    private readonly stop: number,
    private readonly step: number,
  ) {
    super();
  }

  protected free(): void {}

  iterate(): ElementIterator {
    let v = this.start;
    return iteratorOf(() => {
      if (this.step > 0 ? v >= this.stop : v <= this.stop) return null;
      const out = tfc.scalar(v, "int32");
      v += this.step;
      return [out];
    });
  }
}

/** Calls a traced function on one element's components (and the values it captured). */
function callFunction(
  rt: KernelRuntime,
  fn: FuncGraph,
  args: readonly tfc.Tensor[],
  captured: readonly tfc.Tensor[],
): tfc.Tensor[] {
  const feeds = [...fn.arguments, ...fn.captures.map(([, inner]) => inner)];
  const plan = rt.prepareSubgraph(fn.outputs, feeds);
  return rt.runSubgraph(plan, [...args, ...captured]);
}

class MapDataset extends FunctionDataset {
  iterate(rt: KernelRuntime): ElementIterator {
    const it = this.input.iterate(rt);
    return iteratorOf(
      (r) => {
        const element = it.next(r);
        if (element === null) return null;
        try {
          return callFunction(r, this.fn, element, this.captured);
        } finally {
          disposeAll(element);
        }
      },
      () => it.dispose(),
    );
  }
}

class FilterDataset extends FunctionDataset {
  iterate(rt: KernelRuntime): ElementIterator {
    const it = this.input.iterate(rt);
    return iteratorOf(
      (r) => {
        for (;;) {
          const element = it.next(r);
          if (element === null) return null;
          let keep: boolean;
          try {
            const [pred] = callFunction(r, this.fn, element, this.captured);
            keep = (pred as tfc.Tensor).dataSync()[0] !== 0;
            pred?.dispose();
          } catch (e) {
            disposeAll(element);
            throw e;
          }
          if (keep) return element;
          disposeAll(element);
        }
      },
      () => it.dispose(),
    );
  }
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** Stacks the elements of one batch component by component (`BatchDatasetV2`). */
function stackBatch(batch: readonly Element[], opName: string): Element {
  const first = batch[0] as Element;
  return first.map((c0, k) => {
    batch.forEach((e, j) => {
      const c = e[k] as tfc.Tensor;
      if (c.shape.length !== c0.shape.length || c.shape.some((d, a) => d !== c0.shape[a])) {
        throw new InvalidArgumentError(
          `Cannot batch tensors with different shapes in component ${k}. First element had shape ${shapeText(c0.shape)} and element ${j} had shape ${shapeText(c.shape)}.\n\t [[{{node ${opName}}}]]`,
          opName,
        );
      }
    });
    return tfc.stack(batch.map((e) => e[k] as tfc.Tensor));
  });
}

/** Pads each element of a batch to a common shape, then stacks (`PaddedBatchDatasetV2`). */
function padBatch(
  batch: readonly Element[],
  paddedShapes: readonly (readonly number[])[],
  paddingValues: readonly tfc.Tensor[],
  opName: string,
): Element {
  const first = batch[0] as Element;
  return first.map((c0, k) => {
    const wanted = paddedShapes[k] as readonly number[];
    const target = c0.shape.map((_, a) => {
      const w = wanted[a] ?? -1;
      return w >= 0 ? w : Math.max(...batch.map((e) => (e[k] as tfc.Tensor).shape[a] as number));
    });
    const padValue = readScalarValue(paddingValues[k] as tfc.Tensor);
    const padded = batch.map((e) => {
      const c = e[k] as tfc.Tensor;
      if (c.shape.length !== target.length) {
        throw new InvalidArgumentError(
          `All elements in a batch must have the same rank as the padded shape for component${k}: expected rank ${target.length} but got element with rank ${c.shape.length}\n\t [[{{node ${opName}}}]]`,
          opName,
        );
      }
      c.shape.forEach((d, a) => {
        if (d > (target[a] as number)) {
          throw new InvalidArgumentError(
            `Attempted to pad to a smaller size than the input element.\n\t [[{{node ${opName}}}]]`,
            opName,
          );
        }
      });
      // tfjs refuses to pad a scalar, which needs no padding.
      if (c.shape.length === 0) return shareTensor(c);
      return tfc.pad(
        c,
        c.shape.map((d, a) => [0, (target[a] as number) - d] as [number, number]),
        padValue,
      );
    });
    const out = tfc.stack(padded);
    disposeAll(padded);
    return out;
  });
}

function readScalarValue(t: tfc.Tensor): number {
  return Number((t.dataSync() as ArrayLike<number>)[0]);
}

class BatchDataset extends DerivedDataset {
  constructor(
    input: RuntimeDataset,
    private readonly batchSize: number,
    private readonly dropRemainder: boolean,
    private readonly opName: string,
    private readonly padding: {
      shapes: number[][];
      values: tfc.Tensor[];
    } | null = null,
  ) {
    super([input]);
  }

  protected override freeOwn(): void {
    if (this.padding !== null) disposeAll(this.padding.values);
  }

  iterate(rt: KernelRuntime): ElementIterator {
    const it = this.input.iterate(rt);
    return iteratorOf(
      (r) => {
        const batch: Element[] = [];
        try {
          while (batch.length < this.batchSize) {
            const e = it.next(r);
            if (e === null) break;
            batch.push(e);
          }
          if (batch.length === 0 || (this.dropRemainder && batch.length < this.batchSize)) {
            return null;
          }
          return this.padding === null
            ? stackBatch(batch, this.opName)
            : padBatch(batch, this.padding.shapes, this.padding.values, this.opName);
        } finally {
          for (const e of batch) disposeAll(e);
        }
      },
      () => it.dispose(),
    );
  }
}

/** A seeded stream of uniform numbers in [0, 1) (mulberry32). */
function uniformStream(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function freshSeed(): number {
  return Math.floor(Math.random() * 4294967296);
}

class ShuffleDataset extends DerivedDataset {
  /** The seed every iteration uses when the order is not reshuffled. */
  private readonly fixedSeed: number | null;

  constructor(
    input: RuntimeDataset,
    private readonly bufferSize: number,
    private readonly op: Operation,
    rt: KernelRuntime,
  ) {
    super([input]);
    this.fixedSeed =
      op.attrs.reshuffle_each_iteration === true ? null : (rt.nextRandomSeed(op) ?? freshSeed());
  }

  iterate(rt: KernelRuntime): ElementIterator {
    const it = this.input.iterate(rt);
    const uniform = uniformStream(this.fixedSeed ?? rt.nextRandomSeed(this.op) ?? freshSeed());
    const buffer: Element[] = [];
    let ended = false;
    return iteratorOf(
      (r) => {
        while (!ended && buffer.length < this.bufferSize) {
          const e = it.next(r);
          if (e === null) ended = true;
          else buffer.push(e);
        }
        if (buffer.length === 0) return null;
        const i = Math.floor(uniform() * buffer.length);
        const out = buffer[i] as Element;
        const last = buffer.pop() as Element;
        if (i < buffer.length) buffer[i] = last;
        return out;
      },
      () => {
        for (const e of buffer) disposeAll(e);
        buffer.length = 0;
        it.dispose();
      },
    );
  }
}

class RepeatDataset extends DerivedDataset {
  constructor(
    input: RuntimeDataset,
    private readonly count: number,
  ) {
    super([input]);
  }

  iterate(rt: KernelRuntime): ElementIterator {
    let epoch = 0;
    let it: ElementIterator | null = this.count === 0 ? null : this.input.iterate(rt);
    let seenInEpoch = false;
    return iteratorOf(
      (r) => {
        while (it !== null) {
          const e = it.next(r);
          if (e !== null) {
            seenInEpoch = true;
            return e;
          }
          it.dispose();
          it = null;
          epoch += 1;
          // An empty input ends an endless repeat too, as TensorFlow's does.
          if (!seenInEpoch || (this.count >= 0 && epoch >= this.count)) return null;
          seenInEpoch = false;
          it = this.input.iterate(r);
        }
        return null;
      },
      () => it?.dispose(),
    );
  }
}

class TakeDataset extends DerivedDataset {
  constructor(
    input: RuntimeDataset,
    private readonly count: number,
  ) {
    super([input]);
  }

  iterate(rt: KernelRuntime): ElementIterator {
    const it = this.input.iterate(rt);
    let taken = 0;
    return iteratorOf(
      (r) => {
        if (this.count >= 0 && taken >= this.count) return null;
        const e = it.next(r);
        if (e !== null) taken += 1;
        return e;
      },
      () => it.dispose(),
    );
  }
}

class SkipDataset extends DerivedDataset {
  constructor(
    input: RuntimeDataset,
    private readonly count: number,
  ) {
    super([input]);
  }

  iterate(rt: KernelRuntime): ElementIterator {
    const it = this.input.iterate(rt);
    let skipped = false;
    return iteratorOf(
      (r) => {
        if (!skipped) {
          skipped = true;
          for (let i = 0; this.count < 0 || i < this.count; i++) {
            const e = it.next(r);
            if (e === null) return null;
            disposeAll(e);
          }
        }
        return it.next(r);
      },
      () => it.dispose(),
    );
  }
}

/**
 * Keeps every element of the first complete pass in memory and replays them afterwards
 * (`CacheDataset` with no file name). A pass left unfinished caches nothing.
 */
class MemoryCacheDataset extends DerivedDataset {
  private cached: Element[] | null = null;

  protected override freeOwn(): void {
    for (const e of this.cached ?? []) disposeAll(e);
    this.cached = null;
  }

  iterate(rt: KernelRuntime): ElementIterator {
    const done = this.cached;
    if (done !== null) {
      let i = 0;
      return iteratorOf(() => (i < done.length ? (done[i++] as Element).map(shareTensor) : null));
    }
    const it = this.input.iterate(rt);
    let filling: Element[] | null = [];
    return iteratorOf(
      (r) => {
        const e = it.next(r);
        if (filling === null) return e;
        if (e === null) {
          if (this.cached === null) this.cached = filling;
          else for (const kept of filling) disposeAll(kept);
          filling = null;
          return null;
        }
        filling.push(e.map(shareTensor));
        return e;
      },
      () => {
        for (const kept of filling ?? []) disposeAll(kept);
        filling = null;
        it.dispose();
      },
    );
  }
}

/** Every `numShards`-th element, from the `index`-th (`ShardDataset`). */
class ShardDataset extends DerivedDataset {
  constructor(
    input: RuntimeDataset,
    private readonly numShards: number,
    private readonly index: number,
  ) {
    super([input]);
  }

  iterate(rt: KernelRuntime): ElementIterator {
    const it = this.input.iterate(rt);
    let position = 0;
    return iteratorOf(
      (r) => {
        for (;;) {
          const e = it.next(r);
          if (e === null) return null;
          if (position++ % this.numShards === this.index) return e;
          disposeAll(e);
        }
      },
      () => it.dispose(),
    );
  }
}

/**
 * Hands elements through: runs are synchronous, so there is nothing to prefetch into (and
 * rewrites or autotuning would change no value).
 */
class PrefetchDataset extends DerivedDataset {
  iterate(rt: KernelRuntime): ElementIterator {
    return this.input.iterate(rt);
  }
}

class ZipDataset extends DerivedDataset {
  iterate(rt: KernelRuntime): ElementIterator {
    const its = this.inputs.map((d) => d.iterate(rt));
    return iteratorOf(
      (r) => {
        const parts: Element[] = [];
        for (const it of its) {
          const e = it.next(r);
          if (e === null) {
            for (const p of parts) disposeAll(p);
            return null;
          }
          parts.push(e);
        }
        return parts.flat();
      },
      () => its.forEach((it) => it.dispose()),
    );
  }
}

class ConcatenateDataset extends DerivedDataset {
  iterate(rt: KernelRuntime): ElementIterator {
    let k = 0;
    let it: ElementIterator | null = (this.inputs[0] as RuntimeDataset).iterate(rt);
    return iteratorOf(
      (r) => {
        while (it !== null) {
          const e = it.next(r);
          if (e !== null) return e;
          it.dispose();
          k += 1;
          it = k < this.inputs.length ? (this.inputs[k] as RuntimeDataset).iterate(r) : null;
        }
        return null;
      },
      () => it?.dispose(),
    );
  }
}

/** The dataset a variant value names. */
function datasetOf(rt: KernelRuntime, handle: tfc.Tensor, op: Operation): RuntimeDataset {
  const value = rt.stashed(readScalar(handle));
  if (!(value instanceof RuntimeDataset)) {
    throw new InternalError(`${op.name} did not receive a dataset.`, op.name);
  }
  return value;
}

/** A variant value naming `dataset`, which the run now holds. */
function variantOf(rt: KernelRuntime, dataset: RuntimeDataset): tfc.Tensor {
  return tfc.scalar(rt.stash(dataset), "int32");
}

/** The body a dataset op's func attr names: traced by `tf.data`, or imported. */
function functionOf(op: Operation, attr: string): FuncGraph {
  return functionBody(op.graph, functionAttrName(op.attrs[attr]));
}

/** Registers a dataset op: stateful, so that a session never folds it into a constant. */
function registerDatasetOp(type: string, opDef: OpDefSpec, kernel: Kernel): void {
  registerOp({ type, opDef, kernel, stateful: true });
}

function scalarInput(inputs: readonly tfc.Tensor[], i: number): number {
  return readScalar(inputs[i] as tfc.Tensor);
}

registerDatasetOp(
  "TensorSliceDataset",
  {
    inputs: ["components: Toutput_types"],
    outputs: ["handle: variant"],
    attrs: ["Toutput_types: list(type) >= 1", "output_shapes: list(shape) >= 1"],
    stateful: true,
  },
  (inputs, op, rt) => {
    const n = inputs[0]?.shape[0];
    for (const c of inputs) {
      if (c.shape.length === 0 || c.shape[0] !== n) {
        throw new InvalidArgumentError(
          `All components must have the same size in the 0th dimension\n\t [[{{node ${op.name}}}]]`,
          op.name,
        );
      }
    }
    return [variantOf(rt, new TensorSliceDataset(inputs))];
  },
);

registerDatasetOp(
  "TensorDataset",
  {
    inputs: ["components: Toutput_types"],
    outputs: ["handle: variant"],
    attrs: ["Toutput_types: list(type) >= 1", "output_shapes: list(shape) >= 1"],
    stateful: true,
  },
  (inputs, _op, rt) => [variantOf(rt, new TensorDataset(inputs.map(shareTensor)))],
);

registerDatasetOp(
  "RangeDataset",
  {
    inputs: ["start: int64", "stop: int64", "step: int64"],
    outputs: ["handle: variant"],
    attrs: ["output_types: list(type) >= 1", "output_shapes: list(shape) >= 1"],
    stateful: true,
  },
  (inputs, op, rt) => {
    const [start, stop, step] = [0, 1, 2].map((i) => scalarInput(inputs, i)) as [
      number,
      number,
      number,
    ];
    if (step === 0) {
      throw new InvalidArgumentError(
        `step must be a non-zero integer.\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    return [variantOf(rt, new RangeDataset(start, stop, step))];
  },
);

const mapKernel: Kernel = (inputs, op, rt) => {
  const fn = functionOf(op, "f");
  // The op passes the function's captures (`other_arguments`) after the dataset.
  const captureCount = (op.attrs.Targuments as readonly unknown[]).length;
  const captured = inputs.slice(1, 1 + captureCount).map(shareTensor);
  const input = datasetOf(rt, inputs[0] as tfc.Tensor, op);
  return [variantOf(rt, new MapDataset(input, fn, captured))];
};
registerDatasetOp(
  "MapDataset",
  {
    inputs: ["input_dataset: variant", "other_arguments: Targuments"],
    outputs: ["handle: variant"],
    attrs: [
      "f: func",
      "Targuments: list(type) >= 0",
      "output_types: list(type) >= 1",
      "output_shapes: list(shape) >= 1",
      "use_inter_op_parallelism: bool = true",
      "preserve_cardinality: bool = false",
    ],
  },
  mapKernel,
);
registerDatasetOp(
  "ParallelMapDataset",
  {
    inputs: ["input_dataset: variant", "other_arguments: Targuments", "num_parallel_calls: int32"],
    outputs: ["handle: variant"],
    attrs: [
      "f: func",
      "Targuments: list(type) >= 0",
      "output_types: list(type) >= 1",
      "output_shapes: list(shape) >= 1",
      "use_inter_op_parallelism: bool = true",
      "sloppy: bool = false",
      "preserve_cardinality: bool = false",
    ],
  },
  mapKernel,
);

registerDatasetOp(
  "FilterDataset",
  {
    inputs: ["input_dataset: variant", "other_arguments: Targuments"],
    outputs: ["handle: variant"],
    attrs: [
      "predicate: func",
      "Targuments: list(type) >= 0",
      "output_types: list(type) >= 1",
      "output_shapes: list(shape) >= 1",
    ],
  },
  (inputs, op, rt) => {
    const fn = functionOf(op, "predicate");
    const captured = inputs.slice(1).map(shareTensor);
    const input = datasetOf(rt, inputs[0] as tfc.Tensor, op);
    return [variantOf(rt, new FilterDataset(input, fn, captured))];
  },
);

function positiveBatchSize(inputs: readonly tfc.Tensor[], op: Operation): number {
  const batchSize = scalarInput(inputs, 1);
  if (batchSize <= 0) {
    throw new InvalidArgumentError(
      `Batch size must be greater than zero.\n\t [[{{node ${op.name}}}]]`,
      op.name,
    );
  }
  return batchSize;
}

registerDatasetOp(
  "BatchDatasetV2",
  {
    inputs: ["input_dataset: variant", "batch_size: int64", "drop_remainder: bool"],
    outputs: ["handle: variant"],
    attrs: [
      "parallel_copy: bool = false",
      "output_types: list(type) >= 1",
      "output_shapes: list(shape) >= 1",
    ],
  },
  (inputs, op, rt) => {
    const batchSize = positiveBatchSize(inputs, op);
    const drop = scalarInput(inputs, 2) !== 0;
    const input = datasetOf(rt, inputs[0] as tfc.Tensor, op);
    return [variantOf(rt, new BatchDataset(input, batchSize, drop, op.name))];
  },
);

registerDatasetOp(
  "PaddedBatchDatasetV2",
  {
    inputs: [
      "input_dataset: variant",
      "batch_size: int64",
      "padded_shapes: N * int64",
      "padding_values: Toutput_types",
      "drop_remainder: bool",
    ],
    outputs: ["handle: variant"],
    attrs: [
      "parallel_copy: bool = false",
      "Toutput_types: list(type) >= 1",
      "output_shapes: list(shape) >= 1",
      "N: int >= 1",
    ],
  },
  (inputs, op, rt) => {
    const batchSize = positiveBatchSize(inputs, op);
    const n = op.attrs.N as number;
    const shapes = inputs
      .slice(2, 2 + n)
      .map((t) => Array.from(t.dataSync() as ArrayLike<number>, Number));
    const values = inputs.slice(2 + n, 2 + 2 * n).map(shareTensor);
    const drop = scalarInput(inputs, 2 + 2 * n) !== 0;
    const input = datasetOf(rt, inputs[0] as tfc.Tensor, op);
    return [variantOf(rt, new BatchDataset(input, batchSize, drop, op.name, { shapes, values }))];
  },
);

registerDatasetOp(
  "ShuffleDataset",
  {
    inputs: ["input_dataset: variant", "buffer_size: int64", "seed: int64", "seed2: int64"],
    outputs: ["handle: variant"],
    attrs: [
      "reshuffle_each_iteration: bool = true",
      "output_types: list(type) >= 1",
      "output_shapes: list(shape) >= 1",
    ],
  },
  (inputs, op, rt) => {
    const bufferSize = scalarInput(inputs, 1);
    if (bufferSize <= 0) {
      throw new InvalidArgumentError(
        `buffer_size must be greater than zero.\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    const input = datasetOf(rt, inputs[0] as tfc.Tensor, op);
    return [variantOf(rt, new ShuffleDataset(input, bufferSize, op, rt))];
  },
);

// `repeat`, `take` and `skip`: an input dataset and an int64 count, the same OpDef shape.
for (const [type, Counted] of [
  ["RepeatDataset", RepeatDataset],
  ["TakeDataset", TakeDataset],
  ["SkipDataset", SkipDataset],
] as const) {
  registerDatasetOp(
    type,
    {
      inputs: ["input_dataset: variant", "count: int64"],
      outputs: ["handle: variant"],
      attrs: ["output_types: list(type) >= 1", "output_shapes: list(shape) >= 1"],
    },
    (inputs, op, rt) => {
      const input = datasetOf(rt, inputs[0] as tfc.Tensor, op);
      return [variantOf(rt, new Counted(input, scalarInput(inputs, 1)))];
    },
  );
}

registerDatasetOp(
  "PrefetchDataset",
  {
    inputs: ["input_dataset: variant", "buffer_size: int64"],
    outputs: ["handle: variant"],
    attrs: [
      "output_types: list(type) >= 1",
      "output_shapes: list(shape) >= 1",
      "slack_period: int = 0",
    ],
  },
  (inputs, op, rt) => {
    const input = datasetOf(rt, inputs[0] as tfc.Tensor, op);
    return [variantOf(rt, new PrefetchDataset([input]))];
  },
);

registerDatasetOp(
  "CacheDataset",
  {
    inputs: ["input_dataset: variant", "filename: string"],
    outputs: ["handle: variant"],
    attrs: ["output_types: list(type) >= 1", "output_shapes: list(shape) >= 1"],
  },
  (inputs, op, rt) => {
    const filename = new TextDecoder().decode(stringTensorBytes(inputs[1] as tfc.Tensor)[0]);
    if (filename !== "") {
      throw new UnimplementedError(
        `Caching to files ('${filename}') is not supported: cache in memory with an empty filename.\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    const input = datasetOf(rt, inputs[0] as tfc.Tensor, op);
    return [variantOf(rt, new MemoryCacheDataset([input]))];
  },
);

registerDatasetOp(
  "ShardDataset",
  {
    inputs: ["input_dataset: variant", "num_shards: int64", "index: int64"],
    outputs: ["handle: variant"],
    attrs: [
      "require_non_empty: bool = false",
      "output_types: list(type) >= 1",
      "output_shapes: list(shape) >= 1",
    ],
  },
  (inputs, op, rt) => {
    const numShards = scalarInput(inputs, 1);
    const index = scalarInput(inputs, 2);
    if (numShards <= 0 || index < 0 || index >= numShards) {
      throw new InvalidArgumentError(
        `Index must be between 0 and ${numShards - 1} (currently index = ${index}).\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    const input = datasetOf(rt, inputs[0] as tfc.Tensor, op);
    return [variantOf(rt, new ShardDataset(input, numShards, index))];
  },
);

// Graph rewrites and autotuning: the elements are the input's.
const elementsOfInput: Kernel = (inputs, op, rt) => {
  const input = datasetOf(rt, inputs[0] as tfc.Tensor, op);
  return [variantOf(rt, new PrefetchDataset([input]))];
};
registerDatasetOp(
  "OptimizeDataset",
  {
    inputs: ["input_dataset: variant", "optimizations: string"],
    outputs: ["handle: variant"],
    attrs: [
      "output_types: list(type) >= 1",
      "output_shapes: list(shape) >= 1",
      "optimization_configs: list(string) = []",
    ],
  },
  elementsOfInput,
);
registerDatasetOp(
  "ModelDataset",
  {
    inputs: ["input_dataset: variant"],
    outputs: ["handle: variant"],
    attrs: [
      "algorithm: int = 0",
      "cpu_budget: int = 0",
      "output_types: list(type) >= 1",
      "output_shapes: list(shape) >= 1",
    ],
  },
  elementsOfInput,
);

registerDatasetOp(
  "ZipDataset",
  {
    inputs: ["input_datasets: N * variant"],
    outputs: ["handle: variant"],
    attrs: ["output_types: list(type) >= 1", "output_shapes: list(shape) >= 1", "N: int >= 1"],
  },
  (inputs, op, rt) => {
    const datasets = inputs.map((t) => datasetOf(rt, t, op));
    return [variantOf(rt, new ZipDataset(datasets))];
  },
);

registerDatasetOp(
  "ConcatenateDataset",
  {
    inputs: ["input_dataset: variant", "another_dataset: variant"],
    outputs: ["handle: variant"],
    attrs: ["output_types: list(type) >= 1", "output_shapes: list(shape) >= 1"],
  },
  (inputs, op, rt) => {
    const datasets = inputs.map((t) => datasetOf(rt, t, op));
    return [variantOf(rt, new ConcatenateDataset(datasets))];
  },
);

/** Calls a dataset-returning function on one element; the dataset it made, retained. */
function datasetFromFunction(
  rt: KernelRuntime,
  fn: FuncGraph,
  element: Element,
  captured: readonly tfc.Tensor[],
  op: Operation,
): RuntimeDataset {
  const [handle] = callFunction(rt, fn, element, captured);
  try {
    return datasetOf(rt, handle as tfc.Tensor, op).retain();
  } finally {
    handle?.dispose();
  }
}

/** An input element's dataset being read, and where in it. */
interface OpenDataset {
  readonly dataset: RuntimeDataset;
  readonly it: ElementIterator;
}

function openFrom(
  rt: KernelRuntime,
  fn: FuncGraph,
  element: Element,
  captured: readonly tfc.Tensor[],
  op: Operation,
): OpenDataset {
  let dataset: RuntimeDataset;
  try {
    dataset = datasetFromFunction(rt, fn, element, captured, op);
  } finally {
    disposeAll(element);
  }
  return { dataset, it: dataset.iterate(rt) };
}

function closeOpen(o: OpenDataset): void {
  o.it.dispose();
  o.dataset.dispose();
}

/**
 * `InterleaveDataset` and, with `sloppy` false, `ParallelInterleaveDataset` (which TF runs
 * on threads but delivers in this same order): up to `cycleLength` of the datasets the
 * function makes from input elements are read in turn, `blockLength` elements from each;
 * one that ends is replaced by the next input element's. `FlatMapDataset` is the cycle of 1.
 */
class InterleaveDataset extends FunctionDataset {
  constructor(
    input: RuntimeDataset,
    fn: FuncGraph,
    captured: tfc.Tensor[],
    private readonly cycleLength: number,
    private readonly blockLength: number,
    private readonly op: Operation,
  ) {
    super(input, fn, captured);
  }

  iterate(rt: KernelRuntime): ElementIterator {
    const input = this.input.iterate(rt);
    // Slots are filled when the turn comes to them, as TensorFlow's kernel fills them.
    const cycle: (OpenDataset | null)[] = new Array<OpenDataset | null>(this.cycleLength).fill(
      null,
    );
    let open = 0;
    let inputEnded = false;
    let slot = 0;
    let inBlock = 0;
    const advance = (): void => {
      inBlock = 0;
      slot = (slot + 1) % this.cycleLength;
    };
    return iteratorOf(
      (r) => {
        while (!inputEnded || open > 0) {
          const current = cycle[slot];
          if (current !== null && current !== undefined) {
            const e = current.it.next(r);
            if (e !== null) {
              inBlock += 1;
              if (inBlock >= this.blockLength) advance();
              return e;
            }
            closeOpen(current);
            cycle[slot] = null;
            open -= 1;
            advance();
          } else if (!inputEnded) {
            const e = input.next(r);
            if (e === null) inputEnded = true;
            else {
              cycle[slot] = openFrom(r, this.fn, e, this.captured, this.op);
              open += 1;
            }
          } else {
            advance();
          }
        }
        return null;
      },
      () => {
        for (const o of cycle) if (o !== null) closeOpen(o);
        cycle.fill(null);
        input.dispose();
      },
    );
  }
}

function interleaveKernel(
  lengths: (inputs: readonly tfc.Tensor[], n: number) => [number, number],
): Kernel {
  return (inputs, op, rt) => {
    const fn = functionOf(op, "f");
    const n = (op.attrs.Targuments as readonly unknown[]).length;
    const captured = inputs.slice(1, 1 + n).map(shareTensor);
    const [cycleLength, blockLength] = lengths(inputs, n);
    if (cycleLength <= 0 || blockLength <= 0) {
      disposeAll(captured);
      throw new InvalidArgumentError(
        `${cycleLength <= 0 ? "cycle_length" : "block_length"} must be greater than zero.\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    const input = datasetOf(rt, inputs[0] as tfc.Tensor, op);
    return [
      variantOf(rt, new InterleaveDataset(input, fn, captured, cycleLength, blockLength, op)),
    ];
  };
}

registerDatasetOp(
  "FlatMapDataset",
  {
    inputs: ["input_dataset: variant", "other_arguments: Targuments"],
    outputs: ["handle: variant"],
    attrs: [
      "f: func",
      "Targuments: list(type) >= 0",
      "output_types: list(type) >= 1",
      "output_shapes: list(shape) >= 1",
    ],
  },
  interleaveKernel(() => [1, 1]),
);
registerDatasetOp(
  "ParallelInterleaveDataset",
  {
    inputs: [
      "input_dataset: variant",
      "other_arguments: Targuments",
      "cycle_length: int64",
      "block_length: int64",
      "sloppy: bool",
      "buffer_output_elements: int64",
      "prefetch_input_elements: int64",
    ],
    outputs: ["handle: variant"],
    attrs: [
      "f: func",
      "Targuments: list(type) >= 0",
      "output_types: list(type) >= 1",
      "output_shapes: list(shape) >= 1",
    ],
  },
  interleaveKernel((inputs, n) => [scalarInput(inputs, 1 + n), scalarInput(inputs, 2 + n)]),
);

/** TF's compression names for the `compression_type` input. */
const COMPRESSION: Record<string, TFRecordCompressionName> = { "": "", ZLIB: "ZLIB", GZIP: "GZIP" };

registerDatasetOp(
  "TFRecordDataset",
  {
    inputs: ["filenames: string", "compression_type: string", "buffer_size: int64"],
    outputs: ["handle: variant"],
    stateful: true,
  },
  (inputs, op, rt) => {
    const decoder = new TextDecoder();
    const files = stringTensorBytes(inputs[0] as tfc.Tensor).map((b) => decoder.decode(b));
    const kind = decoder.decode(stringTensorBytes(inputs[1] as tfc.Tensor)[0]);
    const compression = COMPRESSION[kind];
    if (compression === undefined) {
      throw new InvalidArgumentError(
        `Unsupported compression_type: ${kind}.\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    const bufferSize = scalarInput(inputs, 2);
    if (bufferSize < 0) {
      throw new InvalidArgumentError(
        `\`buffer_size\` must be >= 0 (0 == no buffering)\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    const options = new TFRecordOptions({
      compressionType: compression,
      // TF's 0 means unbuffered: read a record's worth at a time, here 1 KiB chunks.
      inputBufferSize: bufferSize === 0 ? 1024 : bufferSize,
    });
    return [variantOf(rt, new FileRecordsDataset(files, (f) => tfRecordIterator(f, options)))];
  },
);

/** A scalar argument of a reader op (`ParseScalarArgument`): TF's error when it is not one. */
function scalarArgument(
  inputs: readonly tfc.Tensor[],
  i: number,
  name: string,
  op: Operation,
): tfc.Tensor {
  const t = inputs[i] as tfc.Tensor;
  if (t.rank !== 0) {
    throw new InvalidArgumentError(`${name} must be a scalar\n\t [[{{node ${op.name}}}]]`, op.name);
  }
  return t;
}

/** A reader op's file names (a scalar or a vector) and compression type, checked as TF does. */
function readerFiles(inputs: readonly tfc.Tensor[], op: Operation): string[] {
  const names = inputs[0] as tfc.Tensor;
  if (names.rank > 1) {
    throw new InvalidArgumentError(
      `\`filenames\` must be a scalar or a vector.\n\t [[{{node ${op.name}}}]]`,
      op.name,
    );
  }
  const decoder = new TextDecoder();
  return stringTensorBytes(names).map((b) => decoder.decode(b));
}

function readerCompression(t: tfc.Tensor, op: Operation): ReaderCompression {
  const kind = new TextDecoder().decode(stringTensorBytes(t)[0]);
  if (kind !== "" && kind !== "ZLIB" && kind !== "GZIP") {
    throw new InvalidArgumentError(
      `Unsupported compression_type.\n\t [[{{node ${op.name}}}]]`,
      op.name,
    );
  }
  return kind;
}

type ReaderCompression = "" | "ZLIB" | "GZIP";

/** The records of files, in file order, one scalar string each, from a per-file reader. */
class FileRecordsDataset extends RuntimeDataset {
  constructor(
    private readonly files: readonly string[],
    private readonly read: (path: string) => Iterator<Uint8Array>,
  ) {
    super();
  }

  protected free(): void {}

  iterate(): ElementIterator {
    let k = 0;
    let records: Iterator<Uint8Array> | null = null;
    return iteratorOf(
      () => {
        for (;;) {
          if (records === null) {
            if (k >= this.files.length) return null;
            records = this.read(this.files[k++] as string);
          }
          const r = records.next();
          if (r.done !== true) return [tfc.tensor([r.value] as unknown as string[], [], "string")];
          records = null;
        }
      },
      () => {
        records?.return?.(undefined);
        records = null;
      },
    );
  }
}

/**
 * TF's reader shape functions: file names a scalar or a vector, the other inputs scalars
 * (but for `FixedLengthRecordDatasetV2`'s `compression_type`, which TF does not check).
 */
export function checkReaderShapes(
  opName: string,
  type: string,
  shapes: readonly TensorShape[],
): TensorShape {
  const c = new ShapeInference(opName, type, shapes);
  c.withRankAtMost(shapes[0] as TensorShape, 1);
  const scalars = type.startsWith("FixedLengthRecordDataset") ? 4 : shapes.length - 1;
  for (const s of shapes.slice(1, 1 + scalars)) c.withRank(s, 0);
  return TensorShapeClass.scalar();
}

function readerShapes(op: ShapeInferenceOp): TensorShape[] {
  return [
    checkReaderShapes(
      op.name,
      op.type,
      op.inputs.map((t) => t.shape),
    ),
  ];
}

registerOp({
  type: "TextLineDataset",
  opDef: {
    inputs: ["filenames: string", "compression_type: string", "buffer_size: int64"],
    outputs: ["handle: variant"],
    stateful: true,
  },
  stateful: true,
  inferShapes: readerShapes,
  kernel: (inputs, op, rt) => {
    const files = readerFiles(inputs, op);
    const compression = readerCompression(scalarArgument(inputs, 1, "compression_type", op), op);
    const bufferSize = readScalar(scalarArgument(inputs, 2, "buffer_size", op));
    if (bufferSize < 0) {
      throw new InvalidArgumentError(
        `\`buffer_size\` must be >= 0 (0 == default)\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    // TF's 0 keeps zlib's default input buffer (256 KiB).
    const chunk = bufferSize === 0 ? 256 * 1024 : bufferSize;
    return [variantOf(rt, new FileRecordsDataset(files, (f) => textLines(f, compression, chunk)))];
  },
});

function fixedLengthKernel(version: 1 | 2): Kernel {
  return (inputs, op, rt) => {
    const files = readerFiles(inputs, op);
    const fail = (message: string): never => {
      throw new InvalidArgumentError(`${message}\n\t [[{{node ${op.name}}}]]`, op.name);
    };
    const header = readScalar(scalarArgument(inputs, 1, "header_bytes", op));
    if (header < 0) fail("`header_bytes` must be >= 0");
    const record = readScalar(scalarArgument(inputs, 2, "record_bytes", op));
    if (record <= 0) fail("`record_bytes` must be > 0");
    const footer = readScalar(scalarArgument(inputs, 3, "footer_bytes", op));
    if (footer < 0) fail("`footer_bytes` must be >= 0");
    let bufferSize = readScalar(scalarArgument(inputs, 4, "buffer_size", op));
    if (bufferSize < 0) fail("`buffer_size` must be >= 0");
    if (bufferSize === 0) bufferSize = 256 * 1024;
    const compression =
      version === 2 ? readerCompression(scalarArgument(inputs, 5, "compression_type", op), op) : "";
    return [
      variantOf(
        rt,
        new FileRecordsDataset(files, (f) =>
          fixedLengthRecords(f, header, record, footer, compression, bufferSize),
        ),
      ),
    ];
  };
}

const FIXED_LENGTH_INPUTS = [
  "filenames: string",
  "header_bytes: int64",
  "record_bytes: int64",
  "footer_bytes: int64",
  "buffer_size: int64",
];
registerOp({
  type: "FixedLengthRecordDataset",
  opDef: { inputs: FIXED_LENGTH_INPUTS, outputs: ["handle: variant"], stateful: true },
  stateful: true,
  inferShapes: readerShapes,
  kernel: fixedLengthKernel(1),
});
registerOp({
  type: "FixedLengthRecordDatasetV2",
  opDef: {
    inputs: [...FIXED_LENGTH_INPUTS, "compression_type: string"],
    outputs: ["handle: variant"],
    stateful: true,
  },
  stateful: true,
  inferShapes: readerShapes,
  kernel: fixedLengthKernel(2),
});

/** An iterator's state in one session: the dataset it was made from and its position. */
class IteratorState implements Stashable {
  private dataset: RuntimeDataset | null = null;
  private position: ElementIterator | null = null;

  get initialized(): boolean {
    return this.position !== null;
  }

  /** Starts iterating `dataset` from its first element (`MakeIterator`). */
  reset(dataset: RuntimeDataset, rt: KernelRuntime): void {
    const position = dataset.iterate(rt);
    this.dispose();
    this.dataset = dataset.retain();
    this.position = position;
  }

  next(rt: KernelRuntime): Element | null {
    return (this.position as ElementIterator).next(rt);
  }

  dispose(): void {
    this.position?.dispose();
    this.position = null;
    this.dataset?.dispose();
    this.dataset = null;
  }
}

const ITERATOR_TYPES = new Set(["IteratorV2", "OneShotIterator"]);

/** An iterator named by a string handle, for the ops of the run that looked it up. */
class IteratorRef implements Stashable {
  constructor(readonly iteratorOp: Operation) {}
  dispose(): void {}
}

/**
 * The iterator op a resource input stands for: the op that made it (through `Identity`s),
 * or, for `IteratorFromStringHandleV2`, the one its string handle named in this run.
 */
function iteratorOpOf(rt: KernelRuntime, t: Tensor, value: tfc.Tensor): Operation {
  let op = t.op;
  while (op.type === "Identity") op = (op.inputs[0] as Tensor).op;
  if (ITERATOR_TYPES.has(op.type)) return op;
  if (op.type === "IteratorFromStringHandleV2") {
    const ref = rt.stashed(readScalar(value));
    if (ref instanceof IteratorRef) return ref.iteratorOp;
  }
  throw new InternalError(`${t.name} is not an iterator resource.`, op.name);
}

/** What a string handle starts with; the iterator op's name follows. */
const HANDLE_PREFIX = "scopeflow-iterator:";

/** The string handle of an iterator op (`Iterator.string_handle()`'s value). */
function stringHandleOf(iteratorOp: Operation): string {
  return `${HANDLE_PREFIX}${iteratorOp.name}`;
}

registerOp({
  type: "IteratorToStringHandle",
  opDef: {
    inputs: ["resource_handle: resource"],
    outputs: ["string_handle: string"],
    stateful: true,
  },
  stateful: true,
  kernel: (inputs, op, rt) => [
    tfc.scalar(stringHandleOf(iteratorOpOf(rt, op.inputs[0] as Tensor, inputs[0] as tfc.Tensor))),
  ],
});

registerOp({
  type: "IteratorFromStringHandleV2",
  opDef: {
    inputs: ["string_handle: string"],
    outputs: ["resource_handle: resource"],
    attrs: ["output_types: list(type) >= 0 = []", "output_shapes: list(shape) >= 0 = []"],
    stateful: true,
  },
  stateful: true,
  kernel: (inputs, op, rt) => {
    const bytes = stringTensorBytes(inputs[0] as tfc.Tensor);
    const handle = bytes.length === 1 ? new TextDecoder().decode(bytes[0]) : "";
    const target = handle.startsWith(HANDLE_PREFIX)
      ? op.graph.findOperation(handle.slice(HANDLE_PREFIX.length))
      : undefined;
    if (target === undefined || !ITERATOR_TYPES.has(target.type)) {
      throw new InvalidArgumentError(
        `Could not parse string handle as a valid iterator handle: '${handle}'\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    const want = op.attrs.output_types as DType[];
    const have = target.attrs.output_types as DType[];
    if (want.length !== have.length || want.some((d, i) => d !== have[i])) {
      throw new InvalidArgumentError(
        `The iterator's output types [${have.join(", ")}] do not match [${want.join(", ")}].\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    return [tfc.scalar(rt.stash(new IteratorRef(target)), "int32")];
  },
});

function iteratorState(rt: KernelRuntime, iteratorOp: Operation): IteratorState {
  return rt.resource(iteratorOp, () => new IteratorState());
}

/** The iterator resource itself holds nothing at run time: a placeholder handle. */
const handleKernel: Kernel = () => [tfc.scalar(0, "int32")];

registerOp({
  type: "IteratorV2",
  opDef: {
    outputs: ["handle: resource"],
    attrs: [
      "shared_name: string",
      "container: string",
      "output_types: list(type) >= 1",
      "output_shapes: list(shape) >= 1",
    ],
    stateful: true,
  },
  kernel: handleKernel,
  stateful: true,
});

registerOp({
  type: "OneShotIterator",
  opDef: {
    outputs: ["handle: resource"],
    attrs: [
      "dataset_factory: func",
      "output_types: list(type) >= 1",
      "output_shapes: list(shape) >= 1",
      "container: string = ''",
      "shared_name: string = ''",
    ],
    stateful: true,
  },
  stateful: true,
  kernel: (_inputs, op, rt) => {
    const state = iteratorState(rt, op);
    if (!state.initialized) {
      // The factory function runs once per session, on first use, as TensorFlow's does;
      // what it captured (the dataset, built in the graph) is computed for it first.
      const factory = functionOf(op, "dataset_factory");
      const outer = factory.captures.map(([t]) => t);
      const captured = rt.runSubgraph(rt.prepareSubgraph(outer, []), []);
      let handles: tfc.Tensor[] = [];
      try {
        handles = callFunction(rt, factory, [], captured);
        state.reset(datasetOf(rt, handles[0] as tfc.Tensor, op), rt);
      } finally {
        disposeAll(captured);
        disposeAll(handles);
      }
    }
    return [tfc.scalar(0, "int32")];
  },
});

registerOp({
  type: "MakeIterator",
  opDef: { inputs: ["dataset: variant", "iterator: resource"], stateful: true },
  stateful: true,
  kernel: (inputs, op, rt) => {
    const dataset = datasetOf(rt, inputs[0] as tfc.Tensor, op);
    const iteratorOp = iteratorOpOf(rt, op.inputs[1] as Tensor, inputs[1] as tfc.Tensor);
    iteratorState(rt, iteratorOp).reset(dataset, rt);
    return [];
  },
});

registerOp({
  type: "IteratorGetNext",
  opDef: {
    inputs: ["iterator: resource"],
    outputs: ["components: output_types"],
    attrs: ["output_types: list(type) >= 1", "output_shapes: list(shape) >= 1"],
    stateful: true,
  },
  stateful: true,
  kernel: (inputs, op, rt) => {
    const iteratorOp = iteratorOpOf(rt, op.inputs[0] as Tensor, inputs[0] as tfc.Tensor);
    const state = iteratorState(rt, iteratorOp);
    if (!state.initialized) {
      throw new FailedPreconditionError(
        `GetNext() failed because the iterator has not been initialized. Ensure that you have run the initializer operation for this iterator before getting the next element.\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    let element: Element | null;
    try {
      element = state.next(rt);
    } catch (e) {
      throw atNode(e, op);
    }
    if (element === null) {
      throw new OutOfRangeError(`End of sequence\n\t [[{{node ${op.name}}}]]`, op.name);
    }
    checkElement(element, op);
    return element;
  },
});

/**
 * An error a dataset raised while producing an element (a file that is missing, a damaged
 * record), reported at the op that asked for the element, as TensorFlow reports it.
 */
function atNode(e: unknown, op: Operation): unknown {
  if (!(e instanceof OpError) || e.opName !== null) return e;
  const make = e.constructor as new (message: string, opName: string) => OpError;
  return new make(`${e.message}\n\t [[{{node ${op.name}}}]]`, op.name);
}

/** Checks a produced element against the types and shapes the op declares. */
function checkElement(element: Element, op: Operation): void {
  const shapes = op.attrs.output_shapes as TensorShape[];
  element.forEach((t, i) => {
    const want = shapes[i] as TensorShape;
    if (!want.isCompatibleWith(t.shape)) {
      throw new InvalidArgumentError(
        `Incompatible shapes at component ${i}: expected ${want.toString()} but got ${shapeText(t.shape)}.\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
  });
}

// TensorFlow registers no gradient for these (a path to them from a differentiated value
// goes through a variant or resource, which carries none).
noGradient(
  false,
  "TensorSliceDataset",
  "TensorDataset",
  "RangeDataset",
  "MapDataset",
  "ParallelMapDataset",
  "FilterDataset",
  "BatchDatasetV2",
  "PaddedBatchDatasetV2",
  "ShuffleDataset",
  "RepeatDataset",
  "TakeDataset",
  "SkipDataset",
  "PrefetchDataset",
  "ZipDataset",
  "ConcatenateDataset",
  "FlatMapDataset",
  "ParallelInterleaveDataset",
  "TFRecordDataset",
  "TextLineDataset",
  "FixedLengthRecordDataset",
  "FixedLengthRecordDatasetV2",
  "OptimizeDataset",
  "ModelDataset",
  "CacheDataset",
  "ShardDataset",
  "IteratorV2",
  "OneShotIterator",
  "IteratorToStringHandle",
  "IteratorFromStringHandleV2",
  "MakeIterator",
  "IteratorGetNext",
);
