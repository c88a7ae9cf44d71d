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
  tensorKind,
  type Kind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";
import { AUTO_REUSE } from "../scope/reuse.js";

/*
 * TensorFlow 1.15's `tf.layers.Layer` (tensorflow/python/layers/base.py on top of Keras's
 * base layer): how a layer names its variable scope, when it creates and when it reuses
 * variables, the name scope its ops go in, and the graph collections it fills.
 *
 * - A layer built without a name gets `name` from a per-graph counter (`dense_1`,
 *   `dense_2`, …, Keras's `unique_object_name`), but its variable scope is opened with
 *   `defaultName: "dense"` when first called, so variables are numbered per enclosing
 *   variable scope (`dense/kernel`, `dense_1/kernel`, `outer/dense/kernel`) and ops per
 *   name scope (`dense/MatMul`, `dense_1/MatMul`).
 * - The functional forms (`tf.layers.dense(x, 3, { name, reuse })`) pass the name as the
 *   scope: `variableScope(name)` is opened when the layer is made, so a second layer of the
 *   same name shares `name/kernel` (with `reuse: true`, or inside a reusing scope) while its
 *   ops go under the next free name scope (`name_1/MatMul`).
 * - Every later call of the same layer object reuses its variables.
 */

/** A per-graph counter of auto-generated layer names (Keras's `PER_GRAPH_OBJECT_NAME_UIDS`). */
const LAYER_UIDS = Symbol("scopeflow.layerNameUids");

/**
 * `backend.unique_object_name(base, zero_based=False)`: `base_1`, `base_2`, … counted per
 * graph (journaled, so a failed building call gives its number back).
 */
export function uniqueLayerName(graph: Graph, base: string): string {
  const uids = graph.getExtension(LAYER_UIDS, () => new Map<string, number>());
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

/** A layer class's default scope name: its own `layerName`, else its class name in snake case. */
function layerBaseName(ctor: { name: string; layerName?: string | undefined }): string {
  const own = Object.prototype.hasOwnProperty.call(ctor, "layerName") ? ctor.layerName : undefined;
  return own ?? toSnakeCase(ctor.name);
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

/** An activation: a function of a tensor, or one of Keras's names (`"relu"`, `"tanh"`, …). */
export type Activation = ((x: Tensor) => Tensor) | ActivationName | null;

/** The activation names Keras's `activations.get` knows that scopeflow builds. */
export type ActivationName =
  "relu" | "tanh" | "sigmoid" | "softmax" | "softplus" | "elu" | "linear";

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

/**
 * An activation: a function (`tf.nn.relu`) or one of Keras's names (`"relu"`); an unknown
 * name is Keras's ValueError when the layer is made.
 */
export const activationKind = eitherKind(
  functionKind as Kind<(x: Tensor) => Tensor>,
  kind<ActivationName>("an activation name", (v) => typeof v === "string"),
);

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
 * The keyword arguments every layer class takes after its own (Python's `**kwargs`:
 * `dtype`, `_scope`, `_reuse`), by name only.
 */
/**
 * The parameters TF 1.15's kernel layers (`Dense`, `Conv2D`) share after their own:
 * `activation, use_bias, kernel_initializer, bias_initializer, kernel_regularizer,
 * bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint, trainable, name`.
 */
export const KERNEL_LAYER_ARGS = [
  opt("activation", activationKind),
  opt("useBias", booleanKind),
  opt("kernelInitializer", initializerKind),
  opt("biasInitializer", initializerKind),
  opt("kernelRegularizer", regularizerKind),
  opt("biasRegularizer", regularizerKind),
  opt("activityRegularizer", regularizerKind),
  opt("kernelConstraint", constraintKind),
  opt("biasConstraint", constraintKind),
  opt("trainable", booleanKind),
  opt("name", layerNameKind),
] as const;

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

/** Options of {@link Layer.addWeight}. */
export interface AddWeightOptions {
  dtype?: DType | null;
  initializer?: Initializer | InitializerFunction | null;
  regularizer?: Regularizer | null;
  /** `true` by default; always `false` when the layer is not trainable. */
  trainable?: boolean;
  constraint?: Constraint | null;
}

/** Options of {@link Layer.apply}. */
export interface ApplyOptions {
  /** A variable scope to use (only when the layer has none yet). */
  scope?: string | VariableScope | null;
  /** Dropout and batch normalization: a JS boolean or a bool scalar tensor. */
  training?: boolean | TensorLike;
}

/**
 * The base class of `tf.layers` layers (`tf.layers.Layer`): subclasses implement `build`
 * (create variables with `addWeight`) and `call` (build the ops); users call `apply`.
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
export abstract class Layer {
  /**
   * The default scope name of the class (`dense`). A class that does not declare its own
   * gets its class name in snake case (`MyLayer` → `my_layer`), as TensorFlow does; the
   * built-in layers declare it so that bundlers renaming classes cannot change it.
   */
  static readonly layerName: string | undefined = undefined;
  /** Whether the layer's variables are trainable. */
  readonly trainable: boolean;
  /** Whether `build` ran (variables exist). */
  built = false;
  /** What the layer's scope is named after: `name`, else the class's `layerName` (`dense`). */
  protected readonly baseName: string;
  /** What inputs must look like; checked on every call. */
  inputSpec: InputSpec | null = null;
  private _name: string;
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
    const className = layerBaseName(new.target);
    // `_init_set_name`.
    const name = options.name ?? null;
    if (name instanceof VariableScope) {
      this.baseName = name.name;
      this._name = uniqueLayerName(getDefaultGraph(), className);
    } else if (name === null || name === "") {
      this.baseName = className;
      this._name = uniqueLayerName(getDefaultGraph(), className);
    } else {
      this.baseName = name;
      this._name = name;
    }
    const scope = options.scope ?? null;
    if (scope !== null && scope !== "") {
      this._scope = variableScope(scope, (s) => s);
    }
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

  /** Trainable variables, then the others (`layer.variables` / `weights`). */
  get variables(): Variable[] {
    return [...this._trainableWeights, ...this._nonTrainableWeights];
  }
  /** The same as {@link variables}. */
  get weights(): Variable[] {
    return this.variables;
  }
  /** The variables an optimizer updates. */
  get trainableVariables(): Variable[] {
    return this.trainable ? this._trainableWeights.slice() : [];
  }
  /** The variables an optimizer leaves alone (batch norm's moving statistics). */
  get nonTrainableVariables(): Variable[] {
    return this.trainable
      ? this._nonTrainableWeights.slice()
      : [...this._trainableWeights, ...this._nonTrainableWeights];
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
  protected abstract call(inputs: Tensor, options: ApplyOptions): Tensor;

  /** The shape of the output for inputs of `inputShape`. */
  computeOutputShape(inputShape: ShapeLike): TensorShape {
    return TensorShape.from(inputShape);
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

  /** The name scope of the layer's ops: the one opened with its variable scope. */
  private nameScopeOf(): string {
    return (this._currentScope as VariableScope).originalNameScope;
  }

  /**
   * Gets or creates a variable of the layer (`add_weight`) in the layer's variable scope:
   * created at the first call, reused afterwards. A regularizer adds its loss (under
   * `<layer>/<name>/Regularizer/`) only when the variable is new.
   */
  addWeight(name: string, shape: ShapeLike, options: AddWeightOptions = {}): Variable {
    const graph = getDefaultGraph();
    return graph.atomically(() => {
      const existing = new Set(graph.getCollection(GraphKeys.GLOBAL_VARIABLES));
      const dtype = options.dtype ?? this._dtype ?? "float32";
      const trainable = (options.trainable ?? true) && this.trainable;
      this.setScope(null);
      const reuse = this.built ? true : this._reuse;
      return variableScope(
        this._scope as VariableScope,
        { reuse, auxiliaryNameScope: false },
        (scope) => {
          this._currentScope = scope;
          return nameScope(this.nameScopeOf(), () => {
            const variable = getVariable(name, shape, {
              dtype,
              initializer: options.initializer ?? scope.initializer,
              trainable,
              constraint: options.constraint ?? null,
            });
            const regularizer = options.regularizer ?? null;
            if (regularizer !== null && !existing.has(variable)) {
              const loss = nameScope(`${name}/Regularizer`, () => regularizer(variable));
              if (loss !== null && loss !== undefined) this.addLoss(loss);
            }
            const inTrainable = graph
              .getCollection(GraphKeys.TRAINABLE_VARIABLES)
              .includes(variable);
            const list =
              trainable && inTrainable ? this._trainableWeights : this._nonTrainableWeights;
            if (!this.variables.includes(variable)) list.push(variable);
            return variable;
          });
        },
      );
    });
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
  apply(inputs: TensorLike, options: ApplyOptions = {}): Tensor {
    const graph = graphFromValues([inputs]);
    return withDefaultGraph(graph, () => {
      const saved = {
        scope: this._scope,
        current: this._currentScope,
        built: this.built,
        dtype: this._dtype,
        spec: this.inputSpec,
        trainable: this._trainableWeights.length,
        nonTrainable: this._nonTrainableWeights.length,
        updates: this._updates.length,
        losses: this._losses.length,
      };
      try {
        return graph.atomically(() => this.callInScope(graph, inputs, options));
      } catch (e) {
        this._scope = saved.scope;
        this._currentScope = saved.current;
        this.built = saved.built;
        this._dtype = saved.dtype;
        this.inputSpec = saved.spec;
        this._trainableWeights.length = saved.trainable;
        this._nonTrainableWeights.length = saved.nonTrainable;
        this._updates.length = saved.updates;
        this._losses.length = saved.losses;
        throw e;
      }
    });
  }

  private callInScope(graph: Graph, inputs: TensorLike, options: ApplyOptions): Tensor {
    const x = convertToTensor(inputs);
    this.setScope(options.scope ?? null);
    const reuse = this.built ? true : this._reuse;
    const outputs = variableScope(
      this._scope as VariableScope,
      { reuse, auxiliaryNameScope: false },
      (scope) => {
        this._currentScope = scope;
        assertInputCompatibility(this.inputSpec, x, this._name);
        return nameScope(this.nameScopeOf(), () => {
          if (!this.built) {
            if (this._dtype === null) this._dtype = x.dtype;
            this.build(x.shape);
            this.built = true;
          }
          const out = this.call(x, options);
          if (this.activityRegularizer !== null) {
            this.addActivityLoss(out, this.activityRegularizer);
          }
          return out;
        });
      },
    );
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

/** Keras's `activations.get`: a function as is, a name as the op TensorFlow builds for it. */
export function resolveActivation(
  activation: Activation | undefined,
  ops: Record<Exclude<ActivationName, "linear">, (x: Tensor) => Tensor>,
): ((x: Tensor) => Tensor) | null {
  if (activation === undefined || activation === null) return null;
  if (typeof activation === "function") return activation;
  if (activation === "linear") return null;
  const fn = (ops as Record<string, ((x: Tensor) => Tensor) | undefined>)[activation];
  if (fn === undefined) throw new ValueError(`Unknown activation function:${String(activation)}`);
  return fn;
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
