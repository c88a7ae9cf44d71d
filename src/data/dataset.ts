import { ValueError } from "../errors.js";
import {
  booleanKind,
  declare,
  defineParams,
  functionKind,
  intKind,
  intOrTensorKind,
  isPlainObject,
  kind,
  opt,
  req,
  stringKind,
  tensorKind,
  type CallArgs,
  type Kind,
} from "../graph/call_args.js";
import type { DType } from "../graph/dtypes.js";
import { FuncGraph, functionLibrary, uniqueFunctionName } from "../graph/func_graph.js";
import { getDefaultGraph, withDefaultGraph, type Graph } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import { Tensor, type TensorLike } from "../graph/tensor.js";
import { TensorShape, type ShapeLike } from "../graph/tensor_shape.js";
import { convertToTensor } from "../ops/convert.js";
import { identity } from "../ops/math/unary.js";
import { makeOp } from "../ops/op_scope.js";
import { getSeed } from "../ops/random/seed.js";
import { constantValue } from "../ops/tensor_util.js";
import { graphFromValues, withNameScope } from "../scope/name_scope.js";
import "./dataset_ops.js";
import {
  flatten,
  isTensorLeaf,
  isValueLeaf,
  packAs,
  sameStructure,
  type Nested,
} from "./structure.js";

/** The dtype and static shape of one component of a dataset's elements. */
export class ComponentSpec {
  constructor(
    readonly dtype: DType,
    readonly shape: TensorShape,
  ) {}
}

/** An element's structure with a spec at each leaf. */
export type ElementSpec = Nested<ComponentSpec>;

function specLeaves(spec: ElementSpec): ComponentSpec[] {
  return flatten<ComponentSpec>(spec, isTensorLeaf);
}

/** A value that converts to one dataset element: tensors or JS values, nested. */
export type ElementValue = Nested<TensorLike>;

/**
 * A nested structure, which may be a dict (a plain object): a plain object whose keys are
 * all parameter names of the function is its options object instead.
 */
function structureKind<T>(expected: string, names: readonly string[]): Kind<T> {
  return kind<T>(
    expected,
    () => true,
    (v) => !Object.keys(v).every((k) => names.includes(k)),
  );
}

const ELEMENT = "a (nested) structure of tensors";
const datasetKind = kind<Dataset>("a Dataset", (v) => v instanceof Dataset);
const NO_PARAMS = [] as const;

/** `(tf.float32, tf.int32)`-like text of a structure's leaves, for messages. */
function structureText(value: Nested<unknown>): string {
  if (isTensorLeaf(value)) {
    return value instanceof TensorShape ? value.toString() : `tf.${String(value)}`;
  }
  if (Array.isArray(value))
    return `(${value.map((v) => structureText(v as Nested<unknown>)).join(", ")})`;
  const o = value as Record<string, Nested<unknown>>;
  return `{${Object.keys(o)
    .sort()
    .map((k) => `'${k}': ${structureText(o[k] as Nested<unknown>)}`)
    .join(", ")}}`;
}

/**
 * Builds in the graph of `values` (the default one if none), all or nothing: a failing
 * call leaves the graph as it was.
 */
export function building<T>(values: readonly unknown[], fn: (graph: Graph) => T): T {
  const graph = graphFromValues(values);
  return withDefaultGraph(graph, () => graph.atomically(() => fn(graph)));
}

/** Converts an int argument to an int64 tensor named as TensorFlow names it. */
function int64Tensor(value: number | TensorLike, name: string): Tensor {
  return convertToTensor(value, { dtype: "int64", name });
}

/** One property of each component, in the element's structure (`output_types`, …). */
function specView<T>(spec: ElementSpec, pick: (s: ComponentSpec) => T): Nested<T> {
  return packAs(spec, specLeaves(spec).map(pick), isTensorLeaf);
}

function flatAttrs(spec: ElementSpec): Record<string, unknown> {
  const leaves = specLeaves(spec);
  return { output_types: leaves.map((s) => s.dtype), output_shapes: leaves.map((s) => s.shape) };
}

/**
 * An op's attrs plus TF's flat structure attributes: `output_types`, or none where the op
 * types its components itself (`Toutput_types`: TensorSliceDataset, PaddedBatchDatasetV2).
 */
function withFlatAttrs(attrs: Record<string, unknown>, spec: ElementSpec): Record<string, unknown> {
  const flat = flatAttrs(spec);
  if ("Toutput_types" in attrs) delete flat.output_types;
  return { ...attrs, ...flat };
}

/** Adds a dataset op (a `variant` scalar) with TF's flat structure attributes. */
export function datasetOp(
  graph: Graph,
  type: string,
  inputs: readonly Tensor[],
  spec: ElementSpec,
  attrs: Record<string, unknown> = {},
): Tensor {
  const op = makeOp(
    graph,
    type,
    type,
    inputs,
    [{ dtype: "variant", shape: TensorShape.scalar() }],
    withFlatAttrs(attrs, spec),
  );
  return op.outputs[0] as Tensor;
}

/** Converts a user's element (`structure.normalize_element`): tensors under `normalize_element/`. */
function normalizeElement(graph: Graph, element: ElementValue): Nested<Tensor> {
  const leaves = flatten<TensorLike>(element, isValueLeaf);
  const tensors = withNameScope(graph, "normalize_element", () =>
    leaves.map((v, i) => convertToTensor(v, { name: `component_${i}` })),
  );
  return packAs<Tensor>(element, tensors, isValueLeaf);
}

function specOf(element: Nested<Tensor>, shape: (t: Tensor) => TensorShape): ElementSpec {
  const leaves = flatten<Tensor>(element, isTensorLeaf);
  return packAs(
    element,
    leaves.map((t) => new ComponentSpec(t.dtype, shape(t))),
    isTensorLeaf,
  );
}

/** A function traced into the graph's library (`StructuredFunctionWrapper`). */
interface TracedFunction {
  readonly body: FuncGraph;
  /** The structure of its results, with their specs. */
  readonly output: ElementSpec;
}

/**
 * Traces `fn` once on placeholders standing for an element (`args_0`, …) into a function
 * body of its own; a tuple element is passed as separate arguments, as TensorFlow does.
 */
function traceFunction(
  graph: Graph,
  transformation: string,
  fn: (...args: never[]) => unknown,
  input: ElementSpec,
): TracedFunction {
  const base = `__inference_Dataset_${transformation}_${fn.name === "" ? "lambda" : fn.name}`;
  const name = uniqueFunctionName(graph, base);
  const body = new FuncGraph(name, graph);
  const output = withDefaultGraph(body, () => {
    const args = specLeaves(input).map((s, i) => body.addArgument(s.dtype, s.shape, `args_${i}`));
    const element = packAs<Tensor>(input, args, isTensorLeaf);
    const call = fn as (...a: unknown[]) => unknown;
    const result = (Array.isArray(element) ? call(...element) : call(element)) as ElementValue;
    if (result === undefined || result === null) {
      throw new ValueError(`The function passed to Dataset.${transformation}() returned None.`);
    }
    // TF makes a returned list a tuple (it would rather not stack its tensors); lists
    // nested inside stay values.
    const isResultLeaf = (v: unknown): boolean =>
      !(Array.isArray(result) && v === result) && isValueLeaf(v);
    const leaves = flatten<TensorLike>(result, isResultLeaf).map((v) => {
      const t = convertToTensor(v);
      // A result read from outside the body is returned through the body, as a capture.
      return t.graph === body ? t : identity(t);
    });
    body.outputs = leaves;
    return packAs<Tensor>(result, leaves, isResultLeaf);
  });
  const library = functionLibrary(graph);
  library.set(name, body);
  graph.onUndo(() => library.delete(name));
  return { body, output: specOf(output, (t) => t.shape) };
}

function capturedInputs(fn: TracedFunction): Tensor[] {
  return fn.body.captures.map(([outer]) => outer);
}

const FROM_TENSOR_SLICES = defineParams("data.Dataset.fromTensorSlices", [
  req("tensors", structureKind<ElementValue>(ELEMENT, ["tensors"])),
] as const);
const FROM_TENSORS = defineParams("data.Dataset.fromTensors", [
  req("tensors", structureKind<ElementValue>(ELEMENT, ["tensors"])),
] as const);
const RANGE = defineParams("data.Dataset.range", [
  req("start", intOrTensorKind),
  opt("stop", intOrTensorKind),
  opt("step", intOrTensorKind),
] as const);
const ZIP = defineParams("data.Dataset.zip", [
  req("datasets", structureKind<Nested<Dataset>>("a (nested) structure of Datasets", ["datasets"])),
] as const);
const MAP = defineParams("Dataset.map", [
  req("mapFunc", functionKind),
  opt("numParallelCalls", intOrTensorKind),
] as const);
const FILTER = defineParams("Dataset.filter", [req("predicate", functionKind)] as const);
const FLAT_MAP = defineParams("Dataset.flatMap", [req("mapFunc", functionKind)] as const);
const BATCH = defineParams("Dataset.batch", [
  req("batchSize", intOrTensorKind),
  opt("dropRemainder", booleanKind),
] as const);
const PADDED_BATCH = defineParams("Dataset.paddedBatch", [
  req("batchSize", intOrTensorKind),
  req(
    "paddedShapes",
    structureKind<Nested<ShapeLike>>("a (nested) structure of shapes", [
      "batchSize",
      "paddedShapes",
      "paddingValues",
      "dropRemainder",
    ]),
  ),
  opt(
    "paddingValues",
    structureKind<ElementValue>(ELEMENT, [
      "batchSize",
      "paddedShapes",
      "paddingValues",
      "dropRemainder",
    ]),
  ),
  opt("dropRemainder", booleanKind),
] as const);
const SHUFFLE = defineParams("Dataset.shuffle", [
  req("bufferSize", intOrTensorKind),
  opt("seed", intKind),
  opt("reshuffleEachIteration", booleanKind),
] as const);
const REPEAT = defineParams("Dataset.repeat", [opt("count", intOrTensorKind)] as const);
const PREFETCH = defineParams("Dataset.prefetch", [req("bufferSize", intOrTensorKind)] as const);
const TAKE = defineParams("Dataset.take", [req("count", intOrTensorKind)] as const);
const SKIP = defineParams("Dataset.skip", [req("count", intOrTensorKind)] as const);
const CONCATENATE = defineParams("Dataset.concatenate", [req("dataset", datasetKind)] as const);
const CACHE = defineParams("Dataset.cache", [opt("filename", stringKind)] as const);
const SHARD = defineParams("Dataset.shard", [
  req("numShards", intOrTensorKind),
  req("index", intOrTensorKind),
] as const);
const APPLY = defineParams("Dataset.apply", [
  req(
    "transformationFunc",
    kind<(dataset: Dataset) => Dataset>("a function", (v) => typeof v === "function"),
  ),
] as const);
const MAKE_ONE_SHOT = defineParams("Dataset.makeOneShotIterator", NO_PARAMS);
const MAKE_INITIALIZABLE = defineParams("Dataset.makeInitializableIterator", [
  opt("sharedName", stringKind),
] as const);

/**
 * A sequence of elements computed by graph ops (`tf.data.Dataset`, TF 1.15's `DatasetV1`).
 * Each transformation adds one op (`TensorSliceDataset`, `MapDataset`, `BatchDatasetV2`,
 * …) whose `variant` output stands for the dataset; an iterator's ops read elements from
 * it when a session runs them.
 *
 * @example
 * ```ts
 * const ds = tf.data.Dataset.range(5).map((x) => tf.multiply(x, 2)).batch(2);
 * const next = ds.makeOneShotIterator().getNext() as tf.Tensor;
 * using sess = new tf.Session();
 * String(sess.run(next)); // ==> [0 2]
 * String(sess.run(next)); // ==> [4 6]
 * String(sess.run(next)); // ==> [8]
 * ```
 */
export class Dataset {
  /** The `variant` tensor the dataset's op makes (`dataset._variant_tensor`). */
  readonly variantTensor: Tensor;
  private readonly spec: ElementSpec;

  protected constructor(variantTensor: Tensor, spec: ElementSpec) {
    this.variantTensor = variantTensor;
    this.spec = spec;
  }

  /** The dtypes of an element's components, in the element's structure. */
  get outputTypes(): Nested<DType> {
    return specView(this.spec, (s) => s.dtype);
  }

  /** The static shapes of an element's components, in the element's structure. */
  get outputShapes(): Nested<TensorShape> {
    return specView(this.spec, (s) => s.shape);
  }

  /** The class of each component (always `Tensor`: sparse and ragged ones are not here). */
  get outputClasses(): Nested<typeof Tensor> {
    return specView(this.spec, () => Tensor);
  }

  /** @internal A dataset over `variantTensor` with elements of `spec`. */
  static wrap(variantTensor: Tensor, spec: ElementSpec): Dataset {
    return new Dataset(variantTensor, spec);
  }

  /** @internal The element spec, for iterators. */
  get elementSpec(): ElementSpec {
    return this.spec;
  }

  /**
   * The slices of `tensors` along their first dimension, one element each
   * (`from_tensor_slices`, op `TensorSliceDataset`). Arrays holding tensors are tuples
   * (JavaScript has no tuple type); arrays of numbers are values.
   *
   * @example
   * ```ts
   * const ds = tf.data.Dataset.fromTensorSlices([[1, 2], [3, 4]]);
   * ds.outputShapes.toString(); // ==> (2,)
   * ds.variantTensor.op.type; // ==> TensorSliceDataset
   * ```
   */
  static fromTensorSlices(...args: CallArgs<typeof FROM_TENSOR_SLICES.params>): Dataset {
    const { tensors } = FROM_TENSOR_SLICES.parse(args);
    return building(flatten<unknown>(tensors, isValueLeaf), (graph) => {
      const element = normalizeElement(graph, tensors);
      const leaves = flatten<Tensor>(element, isTensorLeaf);
      let batch = new TensorShape([null]);
      for (const t of leaves) {
        if (t.shape.rank === 0) {
          throw new ValueError("Unbatching a tensor is only supported for rank >= 1");
        }
        const first = new TensorShape([t.shape.rank === null ? null : (t.shape.dims?.[0] ?? null)]);
        if (!batch.isCompatibleWith(first)) {
          throw new ValueError(
            `Dimensions ${String(batch.dims?.[0])} and ${String(first.dims?.[0])} are not compatible`,
          );
        }
        batch = batch.mergeWith(first);
      }
      const spec = specOf(element, (t) =>
        t.shape.rank === null
          ? TensorShape.unknown()
          : new TensorShape(t.shape.dims?.slice(1) ?? null),
      );
      return new Dataset(
        datasetOp(graph, "TensorSliceDataset", leaves, spec, {
          Toutput_types: leaves.map((t) => t.dtype),
        }),
        spec,
      );
    });
  }

  /**
   * A dataset of one element, `tensors` (`from_tensors`, op `TensorDataset`).
   *
   * @example
   * ```ts
   * const ds = tf.data.Dataset.fromTensors([[1, 2], [3, 4]]);
   * ds.outputShapes.toString(); // ==> (2, 2)
   * ```
   */
  static fromTensors(...args: CallArgs<typeof FROM_TENSORS.params>): Dataset {
    const { tensors } = FROM_TENSORS.parse(args);
    return building(flatten<unknown>(tensors, isValueLeaf), (graph) => {
      const element = normalizeElement(graph, tensors);
      const leaves = flatten<Tensor>(element, isTensorLeaf);
      const spec = specOf(element, (t) => t.shape);
      return new Dataset(
        datasetOp(graph, "TensorDataset", leaves, spec, {
          Toutput_types: leaves.map((t) => t.dtype),
        }),
        spec,
      );
    });
  }

  /**
   * int64 numbers from `start` below `stop` by `step` (`Dataset.range(*args)`, op
   * `RangeDataset`); one argument is the stop, as in Python's `range`.
   *
   * @example
   * ```ts
   * tf.data.Dataset.range(2, 8, 3).outputTypes; // ==> int64
   * ```
   */
  static range(...args: CallArgs<typeof RANGE.params>): Dataset {
    const a = RANGE.parse(args);
    let start: number | TensorLike = 0;
    let stop: number | TensorLike = a.start;
    if (a.stop !== undefined && a.stop !== null) {
      start = a.start;
      stop = a.stop;
    }
    const step = a.step ?? 1;
    return building([start, stop, step], (graph) => {
      const inputs = [
        int64Tensor(start, "start"),
        int64Tensor(stop, "stop"),
        int64Tensor(step, "step"),
      ];
      if (constantScalarOf(inputs[2] as Tensor) === 0) {
        throw new ValueError("step must be a non-zero integer.");
      }
      const spec = new ComponentSpec("int64", TensorShape.scalar());
      return new Dataset(datasetOp(graph, "RangeDataset", inputs, spec), spec);
    });
  }

  /**
   * Elements made of the elements of `datasets` side by side, until the shortest ends
   * (`Dataset.zip`, op `ZipDataset`); the structure of `datasets` is the element's.
   *
   * @example
   * ```ts
   * const a = tf.data.Dataset.range(3);
   * const b = tf.data.Dataset.fromTensorSlices([5, 6]);
   * const [x, y] = tf.data.Dataset.zip([a, b]).makeOneShotIterator().getNext() as tf.Tensor[];
   * using sess = new tf.Session();
   * sess.run([x, y]).join(" "); // ==> 0 5.0
   * ```
   */
  static zip(...args: CallArgs<typeof ZIP.params>): Dataset {
    const { datasets } = ZIP.parse(args);
    const isDatasetLeaf = (v: unknown): boolean => v instanceof Dataset;
    const list = flatten<Dataset>(datasets, (v) => !Array.isArray(v) && !isPlainObject(v));
    if (list.length === 0 || !list.every(isDatasetLeaf)) {
      throw new TypeError(
        "The argument to `Dataset.zip()` must be a nested structure of `Dataset` objects.",
      );
    }
    return building(
      list.map((d) => d.variantTensor),
      (graph) => {
        const spec = packAs<ElementSpec>(
          datasets,
          list.map((d) => d.spec),
          isDatasetLeaf,
        ) as ElementSpec;
        return new Dataset(
          datasetOp(
            graph,
            "ZipDataset",
            list.map((d) => d.variantTensor),
            spec,
            { N: list.length },
          ),
          spec,
        );
      },
    );
  }

  /**
   * Applies `mapFunc` to each element (`map`, op `MapDataset`, or `ParallelMapDataset`
   * with `numParallelCalls`). The function is traced once into a function of the graph's
   * library, on placeholders for an element's components (a tuple's are separate
   * arguments); tensors it reads from the graph are captured, their values taken when the
   * dataset's op runs. An array it returns is a tuple, as TF makes a returned list one.
   *
   * @example
   * ```ts
   * const ds = tf.data.Dataset.fromTensorSlices([1, 2, 3]).map((x) => tf.square(x));
   * const next = ds.makeOneShotIterator().getNext() as tf.Tensor;
   * using sess = new tf.Session();
   * [sess.run(next), sess.run(next)].join(" "); // ==> 1.0 4.0
   * ds.variantTensor.op.type; // ==> MapDataset
   * ```
   */
  map(...args: CallArgs<typeof MAP.params>): Dataset {
    const a = MAP.parse(args);
    return building([this.variantTensor], (graph) => {
      const fn = traceFunction(graph, "map", a.mapFunc, this.spec);
      const captured = capturedInputs(fn);
      const attrs = {
        f: fn.body.name,
        Targuments: captured.map((t) => t.dtype),
        use_inter_op_parallelism: true,
        preserve_cardinality: false,
      };
      if (a.numParallelCalls === undefined || a.numParallelCalls === null) {
        const v = datasetOp(
          graph,
          "MapDataset",
          [this.variantTensor, ...captured],
          fn.output,
          attrs,
        );
        return new Dataset(v, fn.output);
      }
      const calls = convertToTensor(a.numParallelCalls, {
        dtype: "int32",
        name: "num_parallel_calls",
      });
      const v = datasetOp(
        graph,
        "ParallelMapDataset",
        [this.variantTensor, ...captured, calls],
        fn.output,
        { ...attrs, sloppy: false },
      );
      return new Dataset(v, fn.output);
    });
  }

  /**
   * Keeps the elements for which `predicate` gives true (`filter`, op `FilterDataset`).
   *
   * @example
   * ```ts
   * const ds = tf.data.Dataset.range(6).filter((x) => tf.equal(tf.floormod(x, 2), 0));
   * const next = ds.makeOneShotIterator().getNext() as tf.Tensor;
   * using sess = new tf.Session();
   * [sess.run(next), sess.run(next), sess.run(next)].join(" "); // ==> 0 2 4
   * ```
   */
  filter(...args: CallArgs<typeof FILTER.params>): Dataset {
    const a = FILTER.parse(args);
    return building([this.variantTensor], (graph) => {
      const fn = traceFunction(graph, "filter", a.predicate, this.spec);
      const out = specLeaves(fn.output);
      const only = out[0];
      if (
        out.length !== 1 ||
        !isTensorLeaf(fn.output) ||
        only?.dtype !== "bool" ||
        !only.shape.isCompatibleWith([])
      ) {
        throw new ValueError(
          `\`predicate\` return type must be convertible to a scalar boolean tensor. Was ${structureText(
            packAs(
              fn.output,
              out.map((s) => s.dtype),
              isTensorLeaf,
            ),
          )}.`,
        );
      }
      const captured = capturedInputs(fn);
      const v = datasetOp(graph, "FilterDataset", [this.variantTensor, ...captured], this.spec, {
        predicate: fn.body.name,
        Targuments: captured.map((t) => t.dtype),
      });
      return new Dataset(v, this.spec);
    });
  }

  /**
   * Maps each element to a dataset and reads them one after the other (`flat_map`, op
   * `FlatMapDataset`). `mapFunc` is traced once, as for `map`, and must return a `Dataset`;
   * the elements have that dataset's structure.
   *
   * @example
   * ```ts
   * const ds = tf.data.Dataset.range(1, 4).flatMap((n) => tf.data.Dataset.range(n));
   * const next = ds.makeOneShotIterator().getNext() as tf.Tensor;
   * using sess = new tf.Session();
   * [0, 1, 2, 3, 4, 5].map(() => sess.run(next)).join(" "); // ==> 0 0 1 0 1 2
   * ds.variantTensor.op.type; // ==> FlatMapDataset
   * ```
   */
  flatMap(...args: CallArgs<typeof FLAT_MAP.params>): Dataset {
    const a = FLAT_MAP.parse(args);
    return building([this.variantTensor], (graph) =>
      datasetFunctionOp(graph, this, "flat_map", a.mapFunc, "FlatMapDataset", () => [], {}),
    );
  }

  /**
   * Stacks consecutive elements into batches of `batchSize` (`batch`, op
   * `BatchDatasetV2`); the last batch may be smaller unless `dropRemainder`. Batches have
   * shape `[?, ...]`, or `[batchSize, ...]` with `dropRemainder`.
   *
   * @example
   * ```ts
   * const ds = tf.data.Dataset.range(7).batch(3, true);
   * ds.outputShapes.toString(); // ==> (3,)
   * tf.data.Dataset.range(7).batch(3).outputShapes.toString(); // ==> (?,)
   * ```
   */
  batch(...args: CallArgs<typeof BATCH.params>): Dataset {
    const a = BATCH.parse(args);
    const drop = a.dropRemainder ?? false;
    return building([this.variantTensor, a.batchSize], (graph) => {
      const size = int64Tensor(a.batchSize, "batch_size");
      const dropT = convertToTensor(drop, { dtype: "bool", name: "drop_remainder" });
      const known = drop ? constantScalarOf(size) : null;
      const spec = this.mapSpec((s) => new ComponentSpec(s.dtype, prepend(known, s.shape)));
      const v = datasetOp(graph, "BatchDatasetV2", [this.variantTensor, size, dropT], spec, {
        parallel_copy: false,
      });
      return new Dataset(v, spec);
    });
  }

  /**
   * Batches elements, padding each component to `paddedShapes` (`-1` or `null`: the
   * longest in the batch) with `paddingValues` (zeros, or `""` for strings) (`padded_batch`,
   * op `PaddedBatchDatasetV2`).
   *
   * @example
   * ```ts
   * const ds = tf.data.Dataset.range(1, 4).map((n) => tf.fill(tf.expandDims(n, 0), n));
   * const next = ds.paddedBatch(3, [-1]).makeOneShotIterator().getNext() as tf.Tensor;
   * using sess = new tf.Session();
   * (sess.run(next).toArray() as bigint[][]).join(" | "); // ==> 1,0,0 | 2,2,0 | 3,3,3
   * ```
   */
  paddedBatch(...args: CallArgs<typeof PADDED_BATCH.params>): Dataset {
    const a = PADDED_BATCH.parse(args);
    const drop = a.dropRemainder ?? false;
    return building([this.variantTensor, a.batchSize], (graph) => {
      const size = int64Tensor(a.batchSize, "batch_size");
      const leaves = specLeaves(this.spec);
      const isShapeLeaf = (v: unknown): boolean =>
        v instanceof TensorShape ||
        v === null ||
        (Array.isArray(v) && v.every((d) => d === null || typeof d === "number"));
      const shapes = flattenUpTo(this.spec, a.paddedShapes, isShapeLeaf, "padded_shapes");
      const padded = shapes.map((s, i) => {
        const wanted = TensorShape.from(s as ShapeLike);
        const own = (leaves[i] as ComponentSpec).shape;
        if (wanted.rank !== null && own.rank !== null && wanted.rank !== own.rank) {
          throw new ValueError(
            `The padded shape ${wanted.toString()} is not compatible with the corresponding input component shape ${own.toString()}.`,
          );
        }
        return wanted;
      });
      const shapeTensors = padded.map((s) =>
        convertToTensor(
          (s.dims ?? []).map((d) => d ?? -1),
          { dtype: "int64", name: "padded_shapes" },
        ),
      );
      const values =
        a.paddingValues === undefined || a.paddingValues === null
          ? leaves.map((s) =>
              convertToTensor(s.dtype === "string" ? "" : 0, {
                dtype: s.dtype,
                name: "padding_value",
              }),
            )
          : flattenUpTo(this.spec, a.paddingValues, isValueLeaf, "padding_values").map((v, i) =>
              convertToTensor(v as TensorLike, {
                dtype: (leaves[i] as ComponentSpec).dtype,
                name: "padding_value",
              }),
            );
      const dropT = convertToTensor(drop, { dtype: "bool", name: "drop_remainder" });
      const known = drop ? constantScalarOf(size) : null;
      let k = 0;
      const spec = this.mapSpec(
        (s) =>
          new ComponentSpec(
            s.dtype,
            prepend(
              known,
              (padded[k++] as TensorShape).rank === null ? s.shape : (padded[k - 1] as TensorShape),
            ),
          ),
      );
      const v = datasetOp(
        graph,
        "PaddedBatchDatasetV2",
        [this.variantTensor, size, ...shapeTensors, ...values, dropT],
        spec,
        { Toutput_types: leaves.map((s) => s.dtype), N: leaves.length, parallel_copy: false },
      );
      return new Dataset(v, spec);
    });
  }

  /**
   * Shuffles elements with a buffer of `bufferSize` (`shuffle`, op `ShuffleDataset`).
   * With a graph or op seed the order repeats in every new session; each iteration (each
   * epoch of a `repeat`, each re-initialization) gets a new order unless
   * `reshuffleEachIteration` is false. Orders differ from TensorFlow's (its Philox stream).
   *
   * @example
   * ```ts
   * const next = tf.data.Dataset.range(4).shuffle(4, 7).batch(4).makeOneShotIterator().getNext() as tf.Tensor;
   * using sess = new tf.Session();
   * Array.from(sess.run(next).data as BigInt64Array).map(Number).sort().join(" "); // ==> 0 1 2 3
   * ```
   */
  shuffle(...args: CallArgs<typeof SHUFFLE.params>): Dataset {
    const a = SHUFFLE.parse(args);
    return building([this.variantTensor, a.bufferSize], (graph) => {
      const bufferSize = int64Tensor(a.bufferSize, "buffer_size");
      const [graphSeed, opSeed] = getSeed(a.seed);
      const seed = int64Tensor(graphSeed ?? 0, "seed");
      const seed2 = int64Tensor(opSeed ?? 0, "seed2");
      const v = datasetOp(
        graph,
        "ShuffleDataset",
        [this.variantTensor, bufferSize, seed, seed2],
        this.spec,
        {
          reshuffle_each_iteration: a.reshuffleEachIteration ?? true,
          _seeded: graphSeed !== null,
          _seed: graphSeed ?? 0,
          _seed2: opSeed ?? 0,
        },
      );
      return new Dataset(v, this.spec);
    });
  }

  /**
   * Repeats the dataset `count` times, forever when `count` is null or -1 (`repeat`,
   * op `RepeatDataset`).
   *
   * @example
   * ```ts
   * const next = tf.data.Dataset.range(2).repeat(2).batch(4).makeOneShotIterator().getNext() as tf.Tensor;
   * using sess = new tf.Session();
   * String(sess.run(next)); // ==> [0 1 0 1]
   * ```
   */
  repeat(...args: CallArgs<typeof REPEAT.params>): Dataset {
    const a = REPEAT.parse(args);
    return this.withCount("RepeatDataset", a.count ?? -1);
  }

  /**
   * The same elements, computed ahead by up to `bufferSize` (`prefetch`, op
   * `PrefetchDataset`). Runs are synchronous here, so nothing is computed ahead.
   *
   * @example
   * ```ts
   * tf.data.Dataset.range(3).prefetch(1).variantTensor.op.type; // ==> PrefetchDataset
   * ```
   */
  prefetch(...args: CallArgs<typeof PREFETCH.params>): Dataset {
    const a = PREFETCH.parse(args);
    return building([this.variantTensor, a.bufferSize], (graph) => {
      const size = int64Tensor(a.bufferSize, "buffer_size");
      const v = datasetOp(graph, "PrefetchDataset", [this.variantTensor, size], this.spec, {
        slack_period: 0,
      });
      return new Dataset(v, this.spec);
    });
  }

  /**
   * The first `count` elements (all of them for -1) (`take`, op `TakeDataset`).
   *
   * @example
   * ```ts
   * const next = tf.data.Dataset.range(10).take(3).batch(5).makeOneShotIterator().getNext() as tf.Tensor;
   * using sess = new tf.Session();
   * String(sess.run(next)); // ==> [0 1 2]
   * ```
   */
  take(...args: CallArgs<typeof TAKE.params>): Dataset {
    return this.withCount("TakeDataset", TAKE.parse(args).count);
  }

  /**
   * All but the first `count` elements (`skip`, op `SkipDataset`).
   *
   * @example
   * ```ts
   * const next = tf.data.Dataset.range(5).skip(3).batch(5).makeOneShotIterator().getNext() as tf.Tensor;
   * using sess = new tf.Session();
   * String(sess.run(next)); // ==> [3 4]
   * ```
   */
  skip(...args: CallArgs<typeof SKIP.params>): Dataset {
    return this.withCount("SkipDataset", SKIP.parse(args).count);
  }

  /**
   * This dataset's elements, then `dataset`'s (`concatenate`, op `ConcatenateDataset`).
   *
   * @example
   * ```ts
   * const ds = tf.data.Dataset.range(2).concatenate(tf.data.Dataset.range(5, 6));
   * const next = ds.batch(3).makeOneShotIterator().getNext() as tf.Tensor;
   * using sess = new tf.Session();
   * String(sess.run(next)); // ==> [0 1 5]
   * ```
   */
  concatenate(...args: CallArgs<typeof CONCATENATE.params>): Dataset {
    const { dataset } = CONCATENATE.parse(args);
    const mine = this.outputTypes;
    const theirs = dataset.outputTypes;
    if (
      !sameStructure(mine, theirs, isTensorLeaf) ||
      specLeaves(this.spec).some((s, i) => s.dtype !== specLeaves(dataset.spec)[i]?.dtype)
    ) {
      throw new TypeError(
        `Two datasets to concatenate have different types ${structureText(mine)} and ${structureText(theirs)}`,
      );
    }
    return building([this.variantTensor, dataset.variantTensor], (graph) => {
      const other = specLeaves(dataset.spec);
      let i = 0;
      const spec = this.mapSpec((s) => {
        const o = other[i++] as ComponentSpec;
        return new ComponentSpec(s.dtype, mostSpecificCompatible(s.shape, o.shape));
      });
      const v = datasetOp(
        graph,
        "ConcatenateDataset",
        [this.variantTensor, dataset.variantTensor],
        spec,
      );
      return new Dataset(v, spec);
    });
  }

  /**
   * Keeps the elements of the first complete pass in memory, so later passes (the epochs
   * of a `repeat`) replay them instead of recomputing (`cache`, op `CacheDataset`). Only
   * the in-memory cache (`filename` `""`) is supported; a file name fails when the
   * dataset is made.
   *
   * @example
   * ```ts
   * const ds = tf.data.Dataset.range(3).map((x) => tf.add(tf.cast(x, tf.float32), tf.randomUniform([]))).cache().repeat(2);
   * const next = ds.batch(6).makeOneShotIterator().getNext() as tf.Tensor;
   * using sess = new tf.Session();
   * const v = sess.run(next).data as Float32Array;
   * v[0] === v[3] && v[2] === v[5]; // ==> true
   * ```
   */
  cache(...args: CallArgs<typeof CACHE.params>): Dataset {
    const a = CACHE.parse(args);
    return building([this.variantTensor], (graph) => {
      const filename = convertToTensor(a.filename ?? "", { dtype: "string", name: "filename" });
      const v = datasetOp(graph, "CacheDataset", [this.variantTensor, filename], this.spec);
      return new Dataset(v, this.spec);
    });
  }

  /**
   * Every `numShards`-th element, starting at `index` (`shard`, op `ShardDataset`), for
   * splitting the input between workers.
   *
   * @example
   * ```ts
   * const next = tf.data.Dataset.range(10).shard(3, 1).batch(5).makeOneShotIterator().getNext() as tf.Tensor;
   * using sess = new tf.Session();
   * String(sess.run(next)); // ==> [1 4 7]
   * ```
   */
  shard(...args: CallArgs<typeof SHARD.params>): Dataset {
    const a = SHARD.parse(args);
    return building([this.variantTensor, a.numShards, a.index], (graph) => {
      const numShards = int64Tensor(a.numShards, "num_shards");
      const index = int64Tensor(a.index, "index");
      const n = constantScalarOf(numShards);
      const i = constantScalarOf(index);
      if (n !== null && n <= 0) throw new ValueError("num_shards must be >= 1");
      if (n !== null && i !== null && (i < 0 || i >= n)) {
        throw new ValueError("index must be >= 0 and < num_shards");
      }
      const v = datasetOp(
        graph,
        "ShardDataset",
        [this.variantTensor, numShards, index],
        this.spec,
        {
          require_non_empty: false,
        },
      );
      return new Dataset(v, this.spec);
    });
  }

  /**
   * Applies a transformation function to the dataset (`apply`): `fn(dataset)`, which must
   * return a dataset.
   *
   * @example
   * ```ts
   * const twice = (ds: tf.data.Dataset) => ds.repeat(2);
   * tf.data.Dataset.range(3).apply(twice).variantTensor.op.type; // ==> RepeatDataset
   * ```
   */
  apply(...args: CallArgs<typeof APPLY.params>): Dataset {
    const { transformationFunc } = APPLY.parse(args);
    const result: unknown = transformationFunc(this);
    if (!(result instanceof Dataset)) {
      throw new TypeError("`transformation_func` must return a Dataset.");
    }
    return result;
  }

  /**
   * An iterator that needs no initialization (`make_one_shot_iterator`, op
   * `OneShotIterator`): the first run that reads it makes the dataset, once per session.
   * The dataset may not depend on placeholders or variables, as in TensorFlow.
   *
   * @example
   * ```ts
   * const next = tf.data.Dataset.range(2).makeOneShotIterator().getNext() as tf.Tensor;
   * using sess = new tf.Session();
   * sess.run(next); // ==> 0
   * sess.run(next); // ==> 1
   * sess.run(next); // throws OutOfRangeError: End of sequence
   * ```
   */
  makeOneShotIterator(...args: CallArgs<typeof MAKE_ONE_SHOT.params>): Iterator {
    MAKE_ONE_SHOT.parse(args);
    refuseUncapturable(this.variantTensor);
    return building([this.variantTensor], (graph) => {
      // The factory is a function of the library that applies the dataset's options to
      // the dataset; TF's captures the whole pipeline by value, which changes nothing here.
      const name = uniqueFunctionName(graph, "_make_dataset");
      const body = new FuncGraph(name, graph);
      body.outputs = [
        withDefaultGraph(body, () => applyOptions(body, this.variantTensor, this.spec)),
      ];
      const library = functionLibrary(graph);
      library.set(name, body);
      graph.onUndo(() => library.delete(name));
      const op = makeOp(
        graph,
        "OneShotIterator",
        "OneShotIterator",
        [],
        [{ dtype: "resource", shape: TensorShape.scalar() }],
        { dataset_factory: name, container: "", shared_name: "", ...flatAttrs(this.spec) },
      );
      return new Iterator(op.outputs[0] as Tensor, null, this.spec);
    });
  }

  /**
   * An iterator that starts over each time its `initializer` runs
   * (`make_initializable_iterator`, ops `IteratorV2` and `MakeIterator`): the dataset may
   * read placeholders, fed when the initializer runs.
   *
   * @example
   * ```ts
   * const n = tf.placeholder(tf.int64, []);
   * const it = tf.data.Dataset.range(n).makeInitializableIterator();
   * const next = it.getNext() as tf.Tensor;
   * using sess = new tf.Session();
   * sess.run(it.initializer, new Map([[n, 3]]));
   * sess.run(next); // ==> 0
   * it.initializer.type; // ==> MakeIterator
   * ```
   */
  makeInitializableIterator(...args: CallArgs<typeof MAKE_INITIALIZABLE.params>): Iterator {
    const a = MAKE_INITIALIZABLE.parse(args);
    return building([this.variantTensor], (graph) => {
      const dataset = applyOptions(graph, this.variantTensor, this.spec);
      const resource = iteratorResource(graph, a.sharedName ?? "", this.spec);
      const init = makeOp(graph, "MakeIterator", "MakeIterator", [dataset, resource], []);
      return new Iterator(resource, init, this.spec);
    });
  }

  /** A dataset op taking one int64 count (`count`), keeping the element spec. */
  private withCount(type: string, count: number | TensorLike): Dataset {
    return building([this.variantTensor, count], (graph) => {
      const c = int64Tensor(count, "count");
      return new Dataset(datasetOp(graph, type, [this.variantTensor, c], this.spec), this.spec);
    });
  }

  private mapSpec(fn: (s: ComponentSpec) => ComponentSpec): ElementSpec {
    return packAs(this.spec, specLeaves(this.spec).map(fn), isTensorLeaf);
  }
}

/** The leaves of `value` matched to `spec`'s structure (`nest.flatten_up_to`). */
function flattenUpTo(
  spec: ElementSpec,
  value: unknown,
  isLeaf: (v: unknown) => boolean,
  what: string,
): unknown[] {
  const out: unknown[] = [];
  const walk = (s: unknown, v: unknown): void => {
    if (isTensorLeaf(s)) {
      if (!isLeaf(v))
        throw new ValueError(`The structure of ${what} does not match the dataset's elements.`);
      out.push(v);
    } else if (Array.isArray(s)) {
      if (!Array.isArray(v) || v.length !== s.length) {
        throw new ValueError(`The structure of ${what} does not match the dataset's elements.`);
      }
      s.forEach((x, i) => walk(x, v[i]));
    } else {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(s as object).sort()) {
        if (!isPlainObject(v) || !(k in o)) {
          throw new ValueError(`The structure of ${what} does not match the dataset's elements.`);
        }
        walk((s as Record<string, unknown>)[k], o[k]);
      }
    }
  };
  walk(spec, value);
  return out;
}

function constantScalarOf(t: Tensor): number | null {
  const v = constantValue(t);
  return v === null ? null : Number(v.values[0]);
}

function prepend(dim: number | null, shape: TensorShape): TensorShape {
  return shape.rank === null
    ? TensorShape.unknown()
    : new TensorShape([dim, ...(shape.dims ?? [])]);
}

function mostSpecificCompatible(a: TensorShape, b: TensorShape): TensorShape {
  if (a.rank === null || b.rank === null || a.rank !== b.rank) return TensorShape.unknown();
  const bd = b.dims ?? [];
  return new TensorShape((a.dims ?? []).map((d, i) => (d === bd[i] ? d : null)));
}

/** The graph rewrites TF 1.15's default `tf.data.Options` ask for. */
const DEFAULT_OPTIMIZATIONS = [
  "map_and_batch_fusion",
  "noop_elimination",
  "shuffle_and_repeat_fusion",
];

/**
 * What an iterator reads (`dataset._apply_options()`): the dataset under TF 1.15's default
 * options, an `OptimizeDataset` (graph rewrites) and a `ModelDataset` (autotuning). Both
 * hand elements through unchanged here: rewrites and autotuning change no value.
 */
/**
 * A dataset op whose function makes a dataset from each input element (`FlatMapDataset`,
 * `ParallelInterleaveDataset`): `mapFunc` is traced as `Dataset.<transformation>`'s, its
 * result must be a `Dataset`, whose element spec the new dataset takes. `extra` makes the
 * op's inputs after the captured ones, in the graph, once the function is traced.
 */
export function datasetFunctionOp(
  graph: Graph,
  input: Dataset,
  transformation: string,
  mapFunc: (...args: never[]) => unknown,
  type: string,
  extra: () => Tensor[],
  attrs: Record<string, unknown>,
): Dataset {
  let inner: ElementSpec | null = null;
  const wrapped = (...xs: never[]): Tensor => {
    const result = (mapFunc as (...a: never[]) => unknown)(...xs);
    if (!(result instanceof Dataset)) {
      throw new TypeError(
        `\`map_func\` must return a \`Dataset\` object. Got ${result === null ? "None" : typeof result}`,
      );
    }
    inner = result.elementSpec;
    return result.variantTensor;
  };
  Object.defineProperty(wrapped, "name", { value: mapFunc.name });
  const fn = traceFunction(graph, transformation, wrapped, input.elementSpec);
  const spec = inner as ElementSpec | null;
  if (spec === null) {
    throw new ValueError(`The function passed to Dataset.${transformation}() returned None.`);
  }
  const captured = capturedInputs(fn);
  const v = datasetOp(graph, type, [input.variantTensor, ...captured, ...extra()], spec, {
    f: fn.body.name,
    Targuments: captured.map((t) => t.dtype),
    ...attrs,
  });
  return Dataset.wrap(v, spec);
}

function applyOptions(graph: Graph, variant: Tensor, spec: ElementSpec): Tensor {
  const optimizations = convertToTensor(DEFAULT_OPTIMIZATIONS, {
    dtype: "string",
    name: "optimizations",
  });
  const optimized = datasetOp(graph, "OptimizeDataset", [variant, optimizations], spec, {
    optimization_configs: [],
  });
  return datasetOp(graph, "ModelDataset", [optimized], spec, { algorithm: 0, cpu_budget: 0 });
}

/** Adds an `IteratorV2` op (the iterator's resource). */
function iteratorResource(graph: Graph, sharedName: string, spec: ElementSpec): Tensor {
  const op = makeOp(
    graph,
    "IteratorV2",
    "IteratorV2",
    [],
    [{ dtype: "resource", shape: TensorShape.scalar() }],
    { container: "", shared_name: sharedName, ...flatAttrs(spec) },
  );
  return op.outputs[0] as Tensor;
}

/**
 * A one-shot iterator's factory captures its dataset by value, so the dataset may not
 * read placeholders or variables (TensorFlow's `Defun(capture_by_value=True)` refuses them).
 */
function refuseUncapturable(variant: Tensor): void {
  const seen = new Set<Operation>();
  const stack = [variant.op];
  while (stack.length > 0) {
    const op = stack.pop() as Operation;
    if (seen.has(op)) continue;
    seen.add(op);
    if (op.type === "Placeholder" || op.type === "PlaceholderWithDefault") {
      throw new ValueError(
        `Cannot capture a placeholder (name:${op.name}, type:${op.type}) by value.`,
      );
    }
    if (op.type === "VariableV2" || op.type === "Variable" || op.type === "VarHandleOp") {
      throw new ValueError(
        `Cannot capture a stateful node (name:${op.name}, type:${op.type}) by value.`,
      );
    }
    for (const t of op.inputs) stack.push(t.op);
    for (const c of op.controlInputs) stack.push(c);
  }
}

const GET_NEXT = defineParams("Iterator.getNext", [opt("name", stringKind)] as const);
const MAKE_INITIALIZER = defineParams("Iterator.makeInitializer", [
  req("dataset", datasetKind),
  opt("name", stringKind),
] as const);
const FROM_STRUCTURE = defineParams("data.Iterator.fromStructure", [
  req(
    "outputTypes",
    structureKind<Nested<DType>>("a (nested) structure of dtypes", [
      "outputTypes",
      "outputShapes",
      "sharedName",
      "outputClasses",
    ]),
  ),
  opt(
    "outputShapes",
    structureKind<Nested<ShapeLike>>("a (nested) structure of shapes", [
      "outputTypes",
      "outputShapes",
      "sharedName",
      "outputClasses",
    ]),
  ),
  opt("sharedName", stringKind),
  opt(
    "outputClasses",
    structureKind<unknown>("a (nested) structure of classes", [
      "outputTypes",
      "outputShapes",
      "sharedName",
      "outputClasses",
    ]),
  ),
] as const);

const STRING_HANDLE = defineParams("Iterator.stringHandle", [opt("name", stringKind)] as const);
const FROM_STRING_HANDLE_NAMES = ["stringHandle", "outputTypes", "outputShapes", "outputClasses"];
const FROM_STRING_HANDLE = defineParams("data.Iterator.fromStringHandle", [
  req("stringHandle", tensorKind),
  req(
    "outputTypes",
    structureKind<Nested<DType>>("a (nested) structure of dtypes", FROM_STRING_HANDLE_NAMES),
  ),
  opt(
    "outputShapes",
    structureKind<Nested<ShapeLike>>("a (nested) structure of shapes", FROM_STRING_HANDLE_NAMES),
  ),
  opt(
    "outputClasses",
    structureKind<unknown>("a (nested) structure of classes", FROM_STRING_HANDLE_NAMES),
  ),
] as const);

/**
 * Reads a dataset's elements one run at a time (`tf.data.Iterator`). Its state lives in
 * each session that runs it: sessions iterate independently, and closing one frees it.
 *
 * @example
 * ```ts
 * const it = tf.data.Dataset.fromTensorSlices({ x: [1, 2], y: [3, 4] }).makeOneShotIterator();
 * const { x, y } = it.getNext() as { x: tf.Tensor; y: tf.Tensor };
 * using sess = new tf.Session();
 * sess.run([x, y]).join(" "); // ==> 1.0 3.0
 * ```
 */
export class Iterator {
  /** The iterator's `resource` tensor (`iterator._iterator_resource`). */
  readonly iteratorResource: Tensor;
  private readonly init: Operation | null;
  private readonly spec: ElementSpec;
  private handle: Tensor | null = null;

  /** @internal Made by datasets and `Iterator.fromStructure`. */
  constructor(resource: Tensor, initializer: Operation | null, spec: ElementSpec) {
    this.iteratorResource = resource;
    this.init = initializer;
    this.spec = spec;
  }

  /**
   * The op that (re)starts the iterator from its dataset's first element; a one-shot
   * iterator has none (`ValueError`, as in TensorFlow).
   */
  get initializer(): Operation {
    if (this.init === null) throw new ValueError("Iterator does not have an initializer.");
    return this.init;
  }

  /** The dtypes of an element's components, in the element's structure. */
  get outputTypes(): Nested<DType> {
    return specView(this.spec, (s) => s.dtype);
  }

  /** The static shapes of an element's components, in the element's structure. */
  get outputShapes(): Nested<TensorShape> {
    return specView(this.spec, (s) => s.shape);
  }

  /** The class of each component (always `Tensor`). */
  get outputClasses(): Nested<typeof Tensor> {
    return specView(this.spec, () => Tensor);
  }

  /**
   * The next element, as tensors a run computes (`get_next`, op `IteratorGetNext`): each
   * run that fetches them advances the iterator by one element; past the last, the run
   * fails with `OutOfRangeError` (`End of sequence`).
   *
   * @example
   * ```ts
   * const next = tf.data.Dataset.range(1).makeOneShotIterator().getNext() as tf.Tensor;
   * next.op.type; // ==> IteratorGetNext
   * ```
   */
  getNext(...args: CallArgs<typeof GET_NEXT.params>): Nested<Tensor> {
    const { name } = GET_NEXT.parse(args);
    const leaves = specLeaves(this.spec);
    const graph = this.iteratorResource.graph;
    return withDefaultGraph(graph, () =>
      graph.atomically(() => {
        const op = makeOp(
          graph,
          "IteratorGetNext",
          name ?? "IteratorGetNext",
          [this.iteratorResource],
          leaves.map((s) => ({ dtype: s.dtype, shape: s.shape })),
          flatAttrs(this.spec),
        );
        return packAs<Tensor>(this.spec, op.outputs, isTensorLeaf);
      }),
    );
  }

  /**
   * An op that starts this iterator over `dataset`, whose elements must have this
   * iterator's types and compatible shapes (`make_initializer`, op `MakeIterator` named
   * `make_initializer`).
   *
   * @example
   * ```ts
   * const it = tf.data.Iterator.fromStructure(tf.int64, []);
   * const next = it.getNext() as tf.Tensor;
   * const init = it.makeInitializer(tf.data.Dataset.range(3, 5));
   * using sess = new tf.Session();
   * sess.run(init);
   * sess.run(next); // ==> 3
   * ```
   */
  makeInitializer(...args: CallArgs<typeof MAKE_INITIALIZER.params>): Operation {
    const { dataset, name } = MAKE_INITIALIZER.parse(args);
    const mine = this.outputTypes;
    const theirs = dataset.outputTypes;
    const ours = specLeaves(this.spec);
    const other = specLeaves(dataset.elementSpec);
    if (!sameStructure(mine, theirs, isTensorLeaf)) {
      throw new TypeError(
        `The two structures don't have the same nested structure.\n\nFirst structure: ${structureText(mine)}\n\nSecond structure: ${structureText(theirs)}`,
      );
    }
    if (ours.some((s, i) => s.dtype !== other[i]?.dtype)) {
      throw new TypeError(
        `Expected output types ${structureText(mine)} but got dataset with output types ${structureText(theirs)}.`,
      );
    }
    if (ours.some((s, i) => !s.shape.isCompatibleWith((other[i] as ComponentSpec).shape))) {
      throw new TypeError(
        `Expected output shapes compatible with ${structureText(this.outputShapes)} but got dataset with output shapes ${structureText(dataset.outputShapes)}.`,
      );
    }
    return building([dataset.variantTensor, this.iteratorResource], (graph) =>
      withNameScope(graph, name ?? "make_initializer", (scope) =>
        makeOp(graph, "MakeIterator", scope, [dataset.variantTensor, this.iteratorResource], []),
      ),
    );
  }

  /**
   * An iterator not bound to a dataset (`Iterator.from_structure`), started over any
   * dataset of this structure by `makeInitializer` (TF's reinitializable iterator).
   *
   * @example
   * ```ts
   * const it = tf.data.Iterator.fromStructure([tf.float32, tf.int32], [[2], []]);
   * it.outputShapes.toString(); // ==> (2,),()
   * ```
   */
  static fromStructure(...args: CallArgs<typeof FROM_STRUCTURE.params>): Iterator {
    const a = FROM_STRUCTURE.parse(args);
    const spec = specFromStructure(a.outputTypes, a.outputShapes);
    const graph = getDefaultGraph();
    return graph.atomically(
      () => new Iterator(iteratorResource(graph, a.sharedName ?? "", spec), null, spec),
    );
  }

  /**
   * A string naming this iterator, computed by a run (`string_handle`, op
   * `IteratorToStringHandle`): fed to the placeholder of `Iterator.fromStringHandle`, it
   * selects this iterator (TF's feedable iterator).
   *
   * @example
   * ```ts
   * const it = tf.data.Dataset.range(3).makeOneShotIterator();
   * it.stringHandle().op.type; // ==> IteratorToStringHandle
   * it.stringHandle() === it.stringHandle(); // ==> true
   * ```
   */
  stringHandle(...args: CallArgs<typeof STRING_HANDLE.params>): Tensor {
    const { name } = STRING_HANDLE.parse(args);
    // TF keeps the unnamed handle op, so that asking again adds nothing.
    if ((name === undefined || name === null) && this.handle !== null) return this.handle;
    const graph = this.iteratorResource.graph;
    const handle = withDefaultGraph(graph, () =>
      graph.atomically(
        () =>
          makeOp(
            graph,
            "IteratorToStringHandle",
            name ?? "IteratorToStringHandle",
            [this.iteratorResource],
            [{ dtype: "string", shape: TensorShape.scalar() }],
          ).outputs[0] as Tensor,
      ),
    );
    if (name === undefined || name === null) this.handle = handle;
    return handle;
  }

  /**
   * An iterator that reads whichever iterator the fed string handle names
   * (`Iterator.from_string_handle`, op `IteratorFromStringHandleV2`): TF's feedable
   * iterator, switching between datasets by a feed instead of re-initializing.
   *
   * @example
   * ```ts
   * const handle = tf.placeholder(tf.string, []);
   * const train = tf.data.Dataset.range(3).makeOneShotIterator();
   * const valid = tf.data.Dataset.range(10, 12).makeOneShotIterator();
   * const next = tf.data.Iterator.fromStringHandle(handle, tf.int64, []).getNext() as tf.Tensor;
   * using sess = new tf.Session();
   * const [t, v] = sess.run([train.stringHandle(), valid.stringHandle()]);
   * sess.run(next, new Map([[handle, t]])); // ==> 0
   * sess.run(next, new Map([[handle, v]])); // ==> 10
   * sess.run(next, new Map([[handle, t]])); // ==> 1
   * ```
   */
  static fromStringHandle(...args: CallArgs<typeof FROM_STRING_HANDLE.params>): Iterator {
    const a = FROM_STRING_HANDLE.parse(args);
    const spec = specFromStructure(a.outputTypes, a.outputShapes);
    return building([a.stringHandle], (graph) => {
      const handle = convertToTensor(a.stringHandle, { dtype: "string" });
      const op = makeOp(
        graph,
        "IteratorFromStringHandleV2",
        "IteratorFromStringHandleV2",
        [handle],
        [{ dtype: "resource", shape: TensorShape.scalar() }],
        flatAttrs(spec),
      );
      return new Iterator(op.outputs[0] as Tensor, null, spec);
    });
  }
}

/** An element spec from a structure of dtypes and one of shapes (unknown if not given). */
function specFromStructure(
  outputTypes: Nested<DType>,
  outputShapes: Nested<ShapeLike> | null | undefined,
): ElementSpec {
  const isDTypeLeaf = (v: unknown): boolean => typeof v === "string";
  const types = flatten<DType>(outputTypes, isDTypeLeaf);
  let shapes: TensorShape[];
  if (outputShapes === undefined || outputShapes === null) {
    shapes = types.map(() => TensorShape.unknown());
  } else {
    const isShapeLeaf = (v: unknown): boolean =>
      v instanceof TensorShape ||
      v === null ||
      (Array.isArray(v) && v.every((d) => d === null || typeof d === "number"));
    const given = flatten<ShapeLike>(outputShapes, isShapeLeaf);
    if (given.length !== types.length) {
      throw new ValueError(
        "The two structures don't have the same number of elements (output_types and output_shapes).",
      );
    }
    shapes = given.map((s) => TensorShape.from(s));
  }
  return packAs(
    outputTypes,
    types.map((t, i) => new ComponentSpec(t, shapes[i] as TensorShape)),
    isDTypeLeaf,
  );
}

/** TF 1.15's `tf.compat.v1.data.make_one_shot_iterator(dataset)`. */
const MAKE_ONE_SHOT_FN = [req("dataset", datasetKind)] as const;
/** TF 1.15's `tf.compat.v1.data.make_initializable_iterator(dataset, shared_name=None)`. */
const MAKE_INITIALIZABLE_FN = [req("dataset", datasetKind), opt("sharedName", stringKind)] as const;

/**
 * `dataset.makeOneShotIterator()` as a function (`tf.data.make_one_shot_iterator`).
 *
 * @example
 * ```ts
 * const it = tf.data.makeOneShotIterator(tf.data.Dataset.range(3));
 * it.iteratorResource.op.type; // ==> OneShotIterator
 * ```
 */
export function makeOneShotIterator(...args: CallArgs<typeof MAKE_ONE_SHOT_FN>): Iterator {
  return MAKE_ONE_SHOT_FN_P.parse(args).dataset.makeOneShotIterator();
}
const MAKE_ONE_SHOT_FN_P = defineParams("data.makeOneShotIterator", MAKE_ONE_SHOT_FN);

/**
 * `dataset.makeInitializableIterator()` as a function (`tf.data.make_initializable_iterator`).
 *
 * @example
 * ```ts
 * const it = tf.data.makeInitializableIterator(tf.data.Dataset.range(3));
 * it.initializer.type; // ==> MakeIterator
 * ```
 */
export function makeInitializableIterator(
  ...args: CallArgs<typeof MAKE_INITIALIZABLE_FN>
): Iterator {
  const a = MAKE_INITIALIZABLE_FN_P.parse(args);
  return a.dataset.makeInitializableIterator(a.sharedName);
}
const MAKE_INITIALIZABLE_FN_P = defineParams(
  "data.makeInitializableIterator",
  MAKE_INITIALIZABLE_FN,
);

declare(makeOneShotIterator, MAKE_ONE_SHOT_FN_P);
declare(makeInitializableIterator, MAKE_INITIALIZABLE_FN_P);
declare(Dataset.fromTensorSlices, FROM_TENSOR_SLICES);
declare(Dataset.fromTensors, FROM_TENSORS);
declare(Dataset.range, RANGE);
declare(Dataset.zip, ZIP);
declare(Dataset.prototype.map, MAP);
declare(Dataset.prototype.filter, FILTER);
declare(Dataset.prototype.batch, BATCH);
declare(Dataset.prototype.paddedBatch, PADDED_BATCH);
declare(Dataset.prototype.shuffle, SHUFFLE);
declare(Dataset.prototype.repeat, REPEAT);
declare(Dataset.prototype.prefetch, PREFETCH);
declare(Dataset.prototype.take, TAKE);
declare(Dataset.prototype.skip, SKIP);
declare(Dataset.prototype.concatenate, CONCATENATE);
declare(Dataset.prototype.cache, CACHE);
declare(Dataset.prototype.shard, SHARD);
declare(Dataset.prototype.apply, APPLY);
declare(Dataset.prototype.makeOneShotIterator, MAKE_ONE_SHOT);
declare(Dataset.prototype.makeInitializableIterator, MAKE_INITIALIZABLE);
declare(Iterator.fromStructure, FROM_STRUCTURE);
declare(Iterator.prototype.getNext, GET_NEXT);
declare(Iterator.prototype.makeInitializer, MAKE_INITIALIZER);
declare(Iterator.prototype.stringHandle, STRING_HANDLE);
declare(Iterator.fromStringHandle, FROM_STRING_HANDLE);
