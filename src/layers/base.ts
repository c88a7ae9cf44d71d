import { ValueError } from "../errors.js";
import { asDType, type DType } from "../graph/dtypes.js";
import { getDefaultGraph, GraphKeys, withDefaultGraph, type Graph } from "../graph/graph.js";
import { Operation } from "../graph/operation.js";
import { pyRepr } from "../graph/pyformat.js";
import { Tensor, type TensorLike } from "../graph/tensor.js";
import { TensorShape, type Dim, type ShapeLike } from "../graph/tensor_shape.js";
import { cast } from "../ops/array/cast.js";
import { shape as shapeOf } from "../ops/array/shape.js";
import { gather } from "../ops/array/gather.js";
import { convertToTensor } from "../ops/convert.js";
import { pythonOperator } from "../ops/math/operators.js";
import { graphFromValues, nameScope } from "../scope/name_scope.js";
import { normalizeReuse } from "../scope/reuse.js";
import type { Constraint, Initializer, InitializerFunction, Regularizer } from "../scope/types.js";
import { VariableScope, variableScope } from "../scope/variable_scope.js";
import { getVariable } from "../variables/get_variable.js";
import type { Variable } from "../variables/variable.js";
import {
  booleanKind,
  declare,
  defineParams,
  dtypeKind,
  eitherKind,
  functionKind,
  intKind,
  keywordOnlyAfter,
  kind,
  listKind,
  opt,
  optNullable,
  req,
  shapeKind,
  stringKind,
  tensorKind,
  type Kind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";
import { AUTO_REUSE } from "../scope/reuse.js";
import { activationKind } from "./activations.js";

/*
 * TensorFlow 1.15's `tf.layers.Layer` (tensorflow/python/layers/base.py on top of Keras's
 * base layer): how a layer names its variable scope, when it creates and when it reuses
 * variables, the name scope its ops go in, and the graph collections it fills. The RNN cells
 * are layers too (`rnn_cell_impl.RNNCell` extends it), so all of this holds for them.
 *
 * - A layer built without a name gets `name` from a per-graph counter (`dense_1`,
 *   `dense_2`, …, Keras's `unique_object_name`, one counter per base name shared by layers
 *   and cells), but its variable scope is opened with `defaultName: "dense"` when first
 *   called, so variables are numbered per enclosing variable scope (`dense/kernel`,
 *   `dense_1/kernel`, `outer/dense/kernel`) and ops per name scope (`dense/MatMul`,
 *   `dense_1/MatMul`).
 * - The functional forms (`tf.layers.dense(x, 3, { name, reuse })`) pass the name as the
 *   scope: `variableScope(name)` is opened when the layer is made, so a second layer of the
 *   same name shares `name/kernel` (with `reuse: true`, or inside a reusing scope) while its
 *   ops go under the next free name scope (`name_1/MatMul`).
 * - Every later call of the same layer object reuses its variables.
 * - Everything a building call changes in a layer (its scope, `built`, dtype, input spec,
 *   weights, updates, losses) is recorded with the graph's undo log, so when the graph
 *   undoes a failed call (`graph.atomically`) the layer is put back as it was too.
 */

/** Keras's `PER_GRAPH_OBJECT_NAME_UIDS`: per graph, the last number given to each base name. */
const OBJECT_NAME_UIDS = Symbol("scopeflow.objectNameUids");

/**
 * `backend.unique_object_name(base, zero_based=False)`: `base_1`, `base_2`, … counted per
 * graph (journaled, so a failed building call gives its number back).
 */
export function uniqueObjectName(graph: Graph, base: string): string {
  const uids = graph.getExtension(OBJECT_NAME_UIDS, () => new Map<string, number>());
  const n = (uids.get(base) ?? 0) + 1;
  uids.set(base, n);
  graph.onUndo(() => uids.set(base, n - 1));
  return `${base}_${n}`;
}

/** Python's `to_snake_case` of a class name (`MaxPooling2D` → `max_pooling2d`). */
export function toSnakeCase(name: string): string {
  const intermediate = name.replace(/(.)([A-Z][a-z0-9]+)/g, "$1_$2");
  const insecure = intermediate.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
  return insecure.startsWith("_") ? `private${insecure}` : insecure;
}

/** What a layer accepts (Keras's `InputSpec`): checked on every call. */
export class InputSpec {
  readonly ndim: number | null;
  readonly minNdim: number | null;
  readonly maxNdim: number | null;
  /** Required sizes of some axes (negative axes count from the end). */
  readonly axes: ReadonlyMap<number, number | null>;

  constructor(
    options: {
      ndim?: number | null;
      minNdim?: number | null;
      maxNdim?: number | null;
      axes?: Record<number, number | null> | ReadonlyMap<number, number | null>;
    } = {},
  ) {
    this.ndim = options.ndim ?? null;
    this.minNdim = options.minNdim ?? null;
    this.maxNdim = options.maxNdim ?? null;
    const axes = options.axes ?? new Map<number, number | null>();
    this.axes =
      axes instanceof Map
        ? new Map(axes)
        : new Map(Object.entries(axes).map(([k, v]) => [Number(k), v as number | null]));
  }
}

/** Keras's `assert_input_compatibility`, with its messages. */
function assertInputCompatibility(spec: InputSpec | null, x: Tensor, layerName: string): void {
  if (spec === null) return;
  const head = `Input 0 of layer ${layerName} is incompatible with the layer: `;
  const rank = x.shape.rank;
  if (rank === null && (spec.ndim !== null || spec.minNdim !== null || spec.maxNdim !== null)) {
    throw new ValueError(`${head}its rank is undefined, but the layer requires a defined rank.`);
  }
  if (spec.ndim !== null && rank !== spec.ndim) {
    throw new ValueError(
      `${head}expected ndim=${spec.ndim}, found ndim=${rank}. Full shape received: ${pyRepr(x.shape.dims)}`,
    );
  }
  if (spec.maxNdim !== null && rank !== null && rank > spec.maxNdim) {
    throw new ValueError(`${head}expected max_ndim=${spec.maxNdim}, found ndim=${rank}`);
  }
  if (spec.minNdim !== null && rank !== null && rank < spec.minNdim) {
    throw new ValueError(
      `${head}: expected min_ndim=${spec.minNdim}, found ndim=${rank}. Full shape received: ${pyRepr(x.shape.dims)}`,
    );
  }
  const dims = x.shape.dims;
  if (dims !== null) {
    for (const [axis, value] of spec.axes) {
      const actual = dims[axis < 0 ? dims.length + axis : axis];
      if (value !== null && actual !== undefined && actual !== null && actual !== value) {
        throw new ValueError(
          `Input 0 of layer ${layerName} is incompatible with the layer: expected axis ${axis} of input shape to have value ${value} but received input with shape ${pyRepr(x.shape.dims)}`,
        );
      }
    }
  }
}

// ---- Kinds of layer arguments -------------------------------------------------------------

/** An initializer: an object with `call` (`tf.zerosInitializer()`) or a function. */
export const initializerKind = kind<Initializer | InitializerFunction>(
  "an initializer",
  (v) =>
    typeof v === "function" ||
    (typeof v === "object" && v !== null && typeof (v as { call?: unknown }).call === "function"),
);

/** A regularizer: a function of the weights giving a scalar loss (or `null`). */
export const regularizerKind = functionKind as Kind<Regularizer>;

/** A constraint: a function of the updated value. */
export const constraintKind = functionKind as Kind<Constraint>;

/** An int or a list of ints (`kernel_size`, `strides`, `pool_size`). */
export const intOrIntsKind = eitherKind(intKind, listKind(intKind));

/** A layer's name, or a captured `VariableScope` used as its scope. */
export const layerNameKind = kind<string | VariableScope>(
  "a str or a VariableScope",
  (v) => typeof v === "string" || v instanceof VariableScope,
);

/** `reuse`: `true`, `false` or `tf.AUTO_REUSE`. */
export const reuseKind = kind<boolean | typeof AUTO_REUSE>(
  "a bool or tf.AUTO_REUSE",
  (v) => typeof v === "boolean" || v === AUTO_REUSE,
);

/** `training`: a JS boolean or a bool scalar tensor (a placeholder) decided at run time. */
export const trainingKind = eitherKind(booleanKind, tensorKind);

/**
 * The parameters TF 1.15's kernel layers (`Dense`, `Conv2D`) share after their own:
 * `activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
 * bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint, trainable, name`.
 */
export const KERNEL_LAYER_ARGS = [
  opt("activation", activationKind),
  opt("useBias", booleanKind),
  opt("kernelInitializer", initializerKind),
  optNullable("biasInitializer", initializerKind),
  opt("kernelRegularizer", regularizerKind),
  opt("biasRegularizer", regularizerKind),
  opt("activityRegularizer", regularizerKind),
  opt("kernelConstraint", constraintKind),
  opt("biasConstraint", constraintKind),
  opt("trainable", booleanKind),
  opt("name", layerNameKind),
] as const;

/**
 * The keyword arguments every layer class takes after its own (Python's `**kwargs`:
 * `dtype`, `_scope`, `_reuse`), by name only.
 */
export const LAYER_KWARGS = [
  opt("dtype", dtypeKind),
  opt("scope", layerNameKind),
  opt("reuse", reuseKind),
] as const;

/** TF 1.15's `tf.layers.Layer(trainable, name, dtype, **kwargs)`. */
const LAYER_PARAMS = [
  opt("trainable", booleanKind),
  opt("name", layerNameKind),
  opt("dtype", dtypeKind),
  opt("activityRegularizer", regularizerKind),
  opt("scope", layerNameKind),
  opt("reuse", reuseKind),
] as const;

const LAYER_P = keywordOnlyAfter(defineParams("layers.Layer", LAYER_PARAMS), 3);

/**
 * Options every layer takes: `name` (its variable scope is opened with this as
 * `defaultName`; a captured `VariableScope` is used as is), `trainable` (`false` keeps its
 * variables out of `TRAINABLE_VARIABLES` and its updates out of `UPDATE_OPS`), `dtype` (of
 * its variables; the first input's by default), `activityRegularizer` (a penalty on its
 * outputs), `scope` (the scope to open now and use for every call; the functional forms
 * pass `name`) and `reuse` (`true` or `tf.AUTO_REUSE` reuses the variables of a layer of
 * the same name, whose scope is then `name` itself).
 */
export type LayerOptions = OptionsOf<typeof LAYER_PARAMS>;

/**
 * TF 1.15's `add_weight(name, shape, dtype, initializer, regularizer, trainable,
 * constraint, use_resource)` of the legacy layers (the cells' `add_variable`).
 */
const ADD_WEIGHT_PARAMS = [
  req("name", stringKind),
  opt("shape", shapeKind),
  opt("dtype", dtypeKind),
  opt("initializer", initializerKind),
  opt("regularizer", regularizerKind),
  opt("trainable", booleanKind),
  opt("constraint", constraintKind),
  opt("useResource", booleanKind),
] as const;
const ADD_WEIGHT_P = defineParams("Layer.addWeight", ADD_WEIGHT_PARAMS);

/**
 * Options of {@link Layer.addWeight}: `dtype` (the layer's by default), `initializer` (the
 * variable scope's by default), `regularizer`, `trainable` (`true` by default; always `false`
 * when the layer is not trainable) and `constraint`.
 */
export type AddWeightOptions = Omit<OptionsOf<typeof ADD_WEIGHT_PARAMS>, "name" | "shape">;

/** Options of {@link Layer.apply}. */
export interface ApplyOptions {
  /** A variable scope to use (only when the layer has none yet). */
  scope?: string | VariableScope | null;
  /** Dropout and batch normalization: a JS boolean or a bool scalar tensor. */
  training?: boolean | TensorLike;
}

/** The Python class name names derive from: a class's own `className`, else its JS name. */
function pythonClassName(ctor: { name: string; className?: string | undefined }): string {
  const own = Object.prototype.hasOwnProperty.call(ctor, "className") ? ctor.className : undefined;
  return own ?? ctor.name;
}

/** Each variable once, in first-seen order (Keras's `_dedup_weights`). */
function dedup(variables: Variable[]): Variable[] {
  return variables.length < 2 ? variables : [...new Set(variables)];
}

/**
 * The base class of `tf.layers` layers and of the RNN cells (`tf.layers.Layer`):
 * subclasses implement `build` (create variables with `addWeight`) and `call` (build the
 * ops); users call `apply`. `Args` are what `apply` and `call` take after the inputs and
 * `Out` what they give (`[options?]` and a tensor for the layers, `[state, scope?]` and
 * `[output, newState]` for the cells).
 *
 * @example
 * ```ts
 * const layer = new tf.layers.Dense(3, { name: "fc" });
 * const y1 = layer.apply(tf.placeholder(tf.float32, [null, 4])); // creates fc/kernel, fc/bias
 * const y2 = layer.apply(tf.placeholder(tf.float32, [null, 4])); // reuses them
 * tf.globalVariables().length; // ==> 2
 * y2.name; // ==> fc/BiasAdd_1:0
 * ```
 */
export abstract class Layer<Args extends unknown[] = [options?: ApplyOptions], Out = Tensor> {
  /**
   * The Python class name TensorFlow derives names from (`Dense` gives the scope `dense`,
   * `BasicLSTMCell` gives `basic_lstm_cell` and `BasicLSTMCellZeroState`). A class that does
   * not declare its own uses its JavaScript name (`MyLayer` → `my_layer`), as TensorFlow
   * does; the built-in classes declare it so that bundlers renaming classes cannot change it.
   */
  static readonly className: string | undefined = undefined;
  /** Whether the layer's variables are trainable. */
  trainable: boolean;
  /** Whether `build` ran (variables exist). */
  built = false;
  /** What the layer's scope is named after: `name`, else the class name in snake case. */
  protected readonly baseName: string;
  /** What inputs must look like; checked on every call. */
  inputSpec: InputSpec | null = null;
  private readonly _name: string;
  private _dtype: DType | null;
  private _scope: VariableScope | null = null;
  private _currentScope: VariableScope | null = null;
  private readonly _reuse: ReturnType<typeof normalizeReuse>;
  private readonly activityRegularizer: Regularizer | null;
  private readonly _trainableWeights: Variable[] = [];
  private readonly _nonTrainableWeights: Variable[] = [];
  private readonly _updates: Operation[] = [];
  private readonly _losses: Tensor[] = [];

  constructor(...args: CallArgs<typeof LAYER_PARAMS>) {
    const options = LAYER_P.parse(args);
    this.trainable = options.trainable ?? true;
    this._dtype =
      options.dtype === undefined || options.dtype === null ? null : asDType(options.dtype);
    this._reuse = normalizeReuse(options.reuse);
    this.activityRegularizer = options.activityRegularizer ?? null;
    // `_init_set_name`.
    const snakeName = toSnakeCase(this.className);
    const name = options.name ?? null;
    if (name instanceof VariableScope) {
      this.baseName = name.name;
      this._name = uniqueObjectName(getDefaultGraph(), snakeName);
    } else if (name === null || name === "") {
      this.baseName = snakeName;
      this._name = uniqueObjectName(getDefaultGraph(), snakeName);
    } else {
      this.baseName = name;
      this._name = name;
    }
    const scope = options.scope ?? null;
    if (scope !== null && scope !== "") {
      this._scope = variableScope(scope, (s) => s);
    }
  }

  /** The Python class name (`type(self).__name__`): the class's `className`, else its name. */
  protected get className(): string {
    return pythonClassName(this.constructor as typeof Layer);
  }

  /** The layer's name (`dense_1` for the first unnamed `Dense` of a graph, as in TensorFlow). */
  get name(): string {
    return this._name;
  }

  /** The dtype of the layer's variables (`null` until the first call when not given). */
  get dtype(): DType | null {
    return this._dtype;
  }

  /** The full name of the layer's variable scope (`outer/dense_1`); set at the first call. */
  get scopeName(): string {
    if (this._scope === null) {
      throw new ValueError(
        `No name available for layer scope because the layer "${this._name}" has not been used yet. The scope name  is determined the first time the layer instance is called. You must therefore call the layer before querying \`scope_name\`.`,
      );
    }
    return this._scope.name;
  }

  /** The layer's variable scope, or `null` before the first call. */
  get variableScope(): VariableScope | null {
    return this._scope;
  }

  /** The variable scope the layer is running in (inside `call` or `build`). */
  protected get currentScope(): VariableScope | null {
    return this._currentScope;
  }

  /**
   * The layers this one holds (a `MultiRNNCell`'s cells): their weights are this layer's
   * too, as Keras tracks layers assigned to a layer's attributes.
   */
  protected get childLayers(): readonly Layer<never[], unknown>[] {
    return [];
  }

  /** The variables an optimizer updates (none when the layer is not trainable). */
  get trainableWeights(): Variable[] {
    if (!this.trainable) return [];
    const nested = this.childLayers.flatMap((c) => c.trainableWeights);
    return dedup([...this._trainableWeights, ...nested]);
  }
  /**
   * The variables an optimizer leaves alone (batch norm's moving statistics; all of them
   * when the layer is not trainable).
   */
  get nonTrainableWeights(): Variable[] {
    if (this.trainable) {
      const nested = this.childLayers.flatMap((c) => c.nonTrainableWeights);
      return dedup([...this._nonTrainableWeights, ...nested]);
    }
    const nested = this.childLayers.flatMap((c) => c.weights);
    return dedup([...this._trainableWeights, ...this._nonTrainableWeights, ...nested]);
  }
  /** Trainable weights, then the others. */
  get weights(): Variable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }
  /** The same as {@link weights}. */
  get variables(): Variable[] {
    return this.weights;
  }
  /** The same as {@link trainableWeights}. */
  get trainableVariables(): Variable[] {
    return this.trainableWeights;
  }
  /** The same as {@link nonTrainableWeights}. */
  get nonTrainableVariables(): Variable[] {
    return this.nonTrainableWeights;
  }
  /** Update ops to run with each training step (batch norm's moving averages). */
  get updates(): Operation[] {
    return this.trainable ? this._updates.slice() : [];
  }
  /** Regularization losses of the weights and activity. */
  get losses(): Tensor[] {
    return this._losses.slice();
  }

  /** Creates the layer's variables for inputs of `inputShape`; called once, at the first call. */
  protected build(_inputShape: TensorShape): void {
    // Layers without variables need nothing.
  }

  /** Builds the layer's ops on `inputs`. */
  protected abstract call(inputs: Tensor, ...args: Args): Out;

  /** The shape of the output for inputs of `inputShape`. */
  computeOutputShape(inputShape: ShapeLike): TensorShape {
    return TensorShape.from(inputShape);
  }

  /**
   * Records the layer's building state with the graph's undo log: if the graph undoes the
   * building call under way, the layer is put back as it was (scope, `built`, dtype, input
   * spec, weights, updates and losses).
   */
  protected journal(graph: Graph): void {
    const scope = this._scope;
    const current = this._currentScope;
    const built = this.built;
    const dtype = this._dtype;
    const spec = this.inputSpec;
    const trainable = this._trainableWeights.length;
    const nonTrainable = this._nonTrainableWeights.length;
    const updates = this._updates.length;
    const losses = this._losses.length;
    graph.onUndo(() => {
      this._scope = scope;
      this._currentScope = current;
      this.built = built;
      this._dtype = dtype;
      this.inputSpec = spec;
      this._trainableWeights.length = trainable;
      this._nonTrainableWeights.length = nonTrainable;
      this._updates.length = updates;
      this._losses.length = losses;
    });
  }

  /** `_set_scope`: opens the layer's variable scope the first time it is needed. */
  private setScope(scope: string | VariableScope | null): void {
    if (this._scope !== null) return;
    if (this._reuse !== null) {
      this._scope = variableScope(scope ?? this.baseName, (s) => s);
    } else {
      this._scope = variableScope(scope, { defaultName: this.baseName }, (s) => s);
    }
  }

  /**
   * Runs `fn` in the layer's variable scope (reusing once built) and the name scope opened
   * with it.
   */
  private inLayerScope<R>(fn: (scope: VariableScope) => R): R {
    const reuse = this.built ? true : this._reuse;
    return variableScope(
      this._scope as VariableScope,
      { reuse, auxiliaryNameScope: false },
      (scope) => {
        this._currentScope = scope;
        return nameScope(scope.originalNameScope, () => fn(scope));
      },
    );
  }

  /**
   * Records a variable the layer uses (`add_weight`, or a cell's `getVariable` in `call`)
   * among its trainable or non-trainable weights, once.
   */
  protected trackWeight(variable: Variable, trainable: boolean): void {
    if (this._trainableWeights.includes(variable)) return;
    if (this._nonTrainableWeights.includes(variable)) return;
    (trainable ? this._trainableWeights : this._nonTrainableWeights).push(variable);
  }

  /**
   * Gets or creates a variable of the layer (`add_weight`) in the layer's variable scope:
   * created at the first call, reused afterwards. A regularizer adds its loss (under
   * `<layer>/<name>/Regularizer/`) only when the variable is new.
   */
  addWeight(...args: CallArgs<typeof ADD_WEIGHT_PARAMS>): Variable {
    const options = ADD_WEIGHT_P.parse(args);
    const graph = getDefaultGraph();
    return graph.atomically(() => {
      this.journal(graph);
      const existing = new Set(graph.getCollection(GraphKeys.GLOBAL_VARIABLES));
      const dtype = options.dtype ?? this._dtype ?? "float32";
      const trainable = (options.trainable ?? true) && this.trainable;
      this.setScope(null);
      return this.inLayerScope((scope) => {
        const name = options.name;
        const variable = getVariable(name, options.shape ?? null, {
          dtype,
          initializer: options.initializer ?? scope.initializer,
          trainable,
          constraint: options.constraint ?? null,
          useResource: options.useResource,
        });
        const regularizer = options.regularizer ?? null;
        if (regularizer !== null && !existing.has(variable)) {
          const loss = nameScope(`${name}/Regularizer`, () => regularizer(variable));
          if (loss !== null && loss !== undefined) this.addLoss(loss);
        }
        // A custom getter may have made it non-trainable.
        const inTrainable = graph.getCollection(GraphKeys.TRAINABLE_VARIABLES).includes(variable);
        this.trackWeight(variable, trainable && inTrainable);
        return variable;
      });
    });
  }

  /** The same as `addWeight` (TensorFlow's cells call it `add_variable`). */
  addVariable(...args: CallArgs<typeof ADD_WEIGHT_PARAMS>): Variable {
    return this.addWeight(...args);
  }

  /** Adds a loss tensor to the layer's losses and to `REGULARIZATION_LOSSES`. */
  addLoss(loss: Tensor): void {
    this._losses.push(loss);
    addToCollectionOnce(getDefaultGraph(), GraphKeys.REGULARIZATION_LOSSES, loss);
  }

  /** Records an update op (a tensor's op) to be added to `UPDATE_OPS` after the call. */
  addUpdate(update: Operation | Tensor): void {
    this._updates.push(update instanceof Operation ? update : update.op);
  }

  /**
   * Calls the layer on `inputs` (`layer.apply(inputs)`, Python's `layer(inputs)`): opens
   * the layer's variable scope, builds it on the first call, builds its ops in its name
   * scope, and adds its updates to `UPDATE_OPS`. If anything fails the graph is left as
   * it was.
   */
  apply(inputs: TensorLike, ...args: Args): Out {
    const options = (args[0] ?? {}) as ApplyOptions;
    // What the layers' `call` gets: the options, `{}` when none were given.
    const callArgs = [options] as unknown[] as Args;
    const graph = graphFromValues([inputs]);
    return withDefaultGraph(graph, () =>
      graph.atomically(() => {
        const x = convertToTensor(inputs);
        return this.callInScope(x, options.scope ?? null, () => {
          const out = this.call(x, ...callArgs);
          if (this.activityRegularizer !== null && out instanceof Tensor) {
            this.addActivityLoss(out, this.activityRegularizer);
          }
          return out;
        });
      }),
    );
  }

  /**
   * `tf.layers.Layer.__call__` around `body` (the subclass's `call`), inside a building call
   * on the graph of `x`: captures the scope at the first call, checks `x` against the input
   * spec, builds on the first call, runs `body` in the layer's name scope, then adds the
   * layer's updates to `UPDATE_OPS`.
   */
  protected callInScope<R>(x: Tensor, scope: string | VariableScope | null, body: () => R): R {
    const graph = x.graph;
    this.journal(graph);
    this.setScope(scope);
    const outputs = this.inLayerScope(() => {
      assertInputCompatibility(this.inputSpec, x, this._name);
      if (!this.built) {
        if (this._dtype === null) this._dtype = x.dtype;
        this.build(x.shape);
        this.built = true;
      }
      return body();
    });
    for (const update of this.updates) addToCollectionOnce(graph, GraphKeys.UPDATE_OPS, update);
    return outputs;
  }

  /** `_handle_activity_regularization`: the penalty divided by the batch size. */
  private addActivityLoss(output: Tensor, regularizer: Regularizer): void {
    nameScope("ActivityRegularizer", () => {
      const loss = regularizer(output);
      if (loss === null || loss === undefined) return;
      const batch = cast(gather(shapeOf(output), 0), loss.dtype);
      this.addLoss(pythonOperator("truediv", loss, batch));
    });
  }
}

declare(Layer, LAYER_P);
declare(Layer.prototype.addWeight, ADD_WEIGHT_P);
declare(Layer.prototype.addVariable, ADD_WEIGHT_P);

/**
 * Runs a functional layer (`tf.layers.dense(x, …)`): makes the layer and applies it as one
 * building call, so a failure leaves the graph (names, scopes, counters) as it was.
 */
export function applyFunctional(
  inputs: TensorLike,
  make: () => Layer,
  options: ApplyOptions = {},
): Tensor {
  const graph = graphFromValues([inputs]);
  return withDefaultGraph(graph, () => graph.atomically(() => make().apply(inputs, options)));
}

function addToCollectionOnce(graph: Graph, key: string, value: unknown): void {
  if (!graph.getCollectionRef(key).includes(value)) graph.addToCollection(key, value);
}

/** `conv_utils.normalize_tuple`: an int or a list of `n` ints. */
export function normalizeTuple(
  value: number | readonly number[],
  n: number,
  name: string,
): number[] {
  const list = typeof value === "number" ? new Array<number>(n).fill(value) : value.slice();
  if (list.length !== n || list.some((v) => !Number.isInteger(v))) {
    throw new ValueError(
      `The \`${name}\` argument must be a tuple of ${n} integers. Received: ${JSON.stringify(value)}`,
    );
  }
  return list;
}

/** `conv_utils.normalize_data_format`: `"channels_last"` or `"channels_first"`. */
export function normalizeDataFormat(
  value: string | null | undefined,
): "channels_last" | "channels_first" {
  const f = (value ?? "channels_last").toLowerCase();
  if (f !== "channels_last" && f !== "channels_first") {
    throw new ValueError(
      `The \`data_format\` argument must be one of "channels_first", "channels_last". Received: ${String(value)}`,
    );
  }
  return f;
}

/** `conv_utils.normalize_padding`: `"valid"` or `"same"`. */
export function normalizePadding(value: string | null | undefined): "valid" | "same" {
  const p = (value ?? "valid").toLowerCase();
  if (p !== "valid" && p !== "same") {
    throw new ValueError(
      `The \`padding\` argument must be one of "valid", "same" (or "causal", only for \`Conv1D). Received: ${String(value)}`,
    );
  }
  return p;
}

/** The size of `dim` of a static shape, or `null`. */
export function dimAt(shape: TensorShape, axis: number): Dim {
  const dims = shape.dims;
  if (dims === null) return null;
  return dims[axis < 0 ? dims.length + axis : axis] ?? null;
}
