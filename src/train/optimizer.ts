import { ValueError } from "../errors.js";
import { getDefaultGraph, GraphKeys } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import { pyList, pyRepr } from "../graph/pyformat.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import { gradients, type Gradient } from "../gradients/gradients.js";
import { unique } from "../ops/array/unique.js";
import { shape as shapeOf } from "../ops/array/shape.js";
import { IndexedSlices } from "../ops/indexed_slices.js";
import { unsortedSegmentSum } from "../ops/math/segment.js";
import { group } from "../ops/control/group.js";
import { convertToTensor } from "../ops/convert.js";
import { zerosInitializer } from "../ops/init_ops.js";
import { withNameScope } from "../scope/name_scope.js";
import { variableScope } from "../scope/variable_scope.js";
import { getVariable } from "../variables/get_variable.js";
import { Variable } from "../variables/variable.js";
import { controlDependencies } from "../ops/control/group.js";
import { tuple } from "../ops/control/tuple.js";
import { assignAdd } from "../ops/state/variable_ops.js";
import { buildOp } from "../ops/op_scope.js";
import type { Initializer } from "../scope/types.js";
import {
  booleanKind,
  declare,
  defineParams,
  intKind,
  kind,
  listKind,
  opt,
  req,
  stringKind,
  tensorKind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";

/**
 * A gradient and the variable it is for; `null` when the loss does not depend on it, an
 * `IndexedSlices` when only some rows of the variable were used (`tf.gather`).
 */
export type GradAndVar = [Tensor | IndexedSlices | null, Variable];

/** A `tf.Variable` (a variable to update, the global step). */
export const variableKind = kind<Variable>("a Variable", (v) => v instanceof Variable);

/** `gate_gradients`: `GATE_NONE` (0), `GATE_OP` (1) or `GATE_GRAPH` (2). */
const gateKind = kind<0 | 1 | 2>(
  "Optimizer.GATE_NONE, Optimizer.GATE_OP or Optimizer.GATE_GRAPH",
  (v) => intKind.check(v),
);

/** TF 1.15's `Optimizer.__init__(use_locking, name)`. */
const OPTIMIZER_P = defineParams("train.Optimizer", [
  req("useLocking", booleanKind),
  req("name", stringKind),
] as const);

/**
 * TF 1.15's `minimize(loss, global_step, var_list, gate_gradients, aggregation_method,
 * colocate_gradients_with_ops, name, grad_loss)`.
 */
const MINIMIZE_PARAMS = [
  req("loss", tensorKind),
  opt("globalStep", variableKind),
  opt("varList", listKind(variableKind)),
  opt("gateGradients", gateKind),
  opt("aggregationMethod", intKind),
  opt("colocateGradientsWithOps", booleanKind),
  opt("name", stringKind),
  opt("gradLoss", tensorKind),
] as const;
const MINIMIZE_P = defineParams("Optimizer.minimize", MINIMIZE_PARAMS);

/**
 * TF 1.15's `compute_gradients(loss, var_list, gate_gradients, aggregation_method,
 * colocate_gradients_with_ops, grad_loss)`.
 */
const COMPUTE_GRADIENTS_PARAMS = [
  req("loss", tensorKind),
  opt("varList", listKind(variableKind)),
  opt("gateGradients", gateKind),
  opt("aggregationMethod", intKind),
  opt("colocateGradientsWithOps", booleanKind),
  opt("gradLoss", tensorKind),
] as const;
const COMPUTE_GRADIENTS_P = defineParams("Optimizer.computeGradients", COMPUTE_GRADIENTS_PARAMS);

/** A `[grad, var]` pair, the grad a tensor (or convertible), an `IndexedSlices` or `null`. */
const gradsAndVarsKind = kind<readonly (readonly [TensorLike | IndexedSlices | null, Variable])[]>(
  "a list of [gradient, variable] pairs",
  (v) =>
    Array.isArray(v) &&
    v.every(
      (p) =>
        Array.isArray(p) &&
        p.length === 2 &&
        p[1] instanceof Variable &&
        (p[0] === null || tensorKind.check(p[0])),
    ),
);

/** TF 1.15's `apply_gradients(grads_and_vars, global_step, name)`. */
const APPLY_GRADIENTS_PARAMS = [
  req("gradsAndVars", gradsAndVarsKind),
  opt("globalStep", variableKind),
  opt("name", stringKind),
] as const;
const APPLY_GRADIENTS_P = defineParams("Optimizer.applyGradients", APPLY_GRADIENTS_PARAMS);

/** TF 1.15's `get_slot(var, name)`. */
const GET_SLOT_PARAMS = [req("var", variableKind), req("name", stringKind)] as const;
const GET_SLOT_P = defineParams("Optimizer.getSlot", GET_SLOT_PARAMS);
const GET_SLOT_NAMES_P = defineParams("Optimizer.getSlotNames", [] as const);

/** Options of {@link Optimizer.minimize}: any of TF's parameters by name. */
export type MinimizeOptions = OptionsOf<typeof MINIMIZE_PARAMS>;

/** Options of {@link Optimizer.computeGradients}. */
export type ComputeGradientsOptions = OptionsOf<typeof COMPUTE_GRADIENTS_PARAMS>;

/** Options of {@link Optimizer.applyGradients}. */
export type ApplyGradientsOptions = OptionsOf<typeof APPLY_GRADIENTS_PARAMS>;

/**
 * `aggregation_method`: only TF's default, `ADD_N` (0), which is how scopeflow sums the
 * gradients of a tensor used several times; the experimental tree and accumulate methods
 * build other graphs and are refused rather than ignored.
 */
function checkAggregationMethod(method: number | undefined): void {
  if (method === undefined || method === 0) return;
  throw new ValueError(
    `Invalid aggregation_method specified ${method}: scopeflow supports only AggregationMethod.ADD_N (0, the default).`,
  );
}

/**
 * Base class of the TF 1.x optimizers (`tf.train.Optimizer`): `minimize` is
 * `computeGradients` (gradient ops in the graph) then `applyGradients` (one fused update
 * op per variable, under `<Name>/update_<var>/`, grouped into the train op `<Name>`).
 * Slot variables are named `<var>/<Name>`, `<var>/<Name>_1`.
 */
export abstract class Optimizer {
  static readonly GATE_NONE = 0;
  static readonly GATE_OP = 1;
  static readonly GATE_GRAPH = 2;

  /** The optimizer's name: the default name of its train op and slot suffix. */
  readonly name: string;
  /** Whether updates may use locking (accepted for compatibility). */
  readonly useLocking: boolean;
  private readonly slots = new Map<string, Map<Variable, Variable>>();
  private readonly nonSlots = new Map<string, Variable>();

  /** TF's `Optimizer(use_locking, name)`, for subclasses. */
  constructor(...args: CallArgs<typeof OPTIMIZER_P.params>) {
    const a = OPTIMIZER_P.parse(args);
    if (!a.name) throw new ValueError("Must specify the optimizer name");
    this.useLocking = a.useLocking;
    this.name = a.name;
  }

  /**
   * Adds the ops that minimize `loss`: gradients, then updates; returns the train op.
   *
   * @example
   * ```ts
   * const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(3) });
   * const train = new tf.train.GradientDescentOptimizer(0.1).minimize(tf.square(w));
   * using sess = new tf.Session();
   * sess.run(w.initializer);
   * sess.run(train);
   * sess.run(w); // ==> 2.4
   * ```
   */
  minimize(...args: CallArgs<typeof MINIMIZE_PARAMS>): Operation {
    const a = MINIMIZE_P.parse(args);
    const loss = a.loss;
    const gradsAndVars = this.computeGradients(loss, {
      varList: a.varList,
      gateGradients: a.gateGradients,
      aggregationMethod: a.aggregationMethod,
      colocateGradientsWithOps: a.colocateGradientsWithOps,
      gradLoss: a.gradLoss,
    });
    const withGrad = gradsAndVars.filter(([g]) => g !== null);
    if (withGrad.length === 0) {
      throw new ValueError(
        `No gradients provided for any variable, check your graph for ops that do not support gradients, between variables ${pyList(gradsAndVars, ([, v]) => pyRepr(v.toString()))} and loss ${String(loss)}.`,
      );
    }
    return this.applyGradients(gradsAndVars, a.globalStep, a.name);
  }

  /**
   * The gradient of `loss` for each variable (`compute_gradients`), as `[grad, var]` pairs.
   *
   * @example
   * ```ts
   * const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(3) });
   * const opt = new tf.train.GradientDescentOptimizer(0.1);
   * const gv = opt.computeGradients(tf.square(w));
   * gv[0][0]?.op.type; // ==> Mul
   * gv[0][1] === w; // ==> true
   * ```
   */
  computeGradients(...args: CallArgs<typeof COMPUTE_GRADIENTS_PARAMS>): GradAndVar[] {
    const options = COMPUTE_GRADIENTS_P.parse(args);
    const loss = options.loss;
    const gate = options.gateGradients ?? Optimizer.GATE_OP;
    if (![0, 1, 2].includes(gate)) {
      throw new ValueError(
        `gate_gradients must be one of: Optimizer.GATE_NONE, Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not ${String(gate)}`,
      );
    }
    checkAggregationMethod(options.aggregationMethod);
    // colocate_gradients_with_ops places gradient ops on their forward op's device; with
    // every op on one device that holds whatever the flag says.
    const varList =
      options.varList ?? getDefaultGraph().getCollection<Variable>(GraphKeys.TRAINABLE_VARIABLES);
    if (varList.length === 0) throw new ValueError("No variables to optimize.");
    let grads = gradients(
      loss,
      [...varList],
      options.gradLoss === undefined ? null : [options.gradLoss],
      {
        gateGradients: gate === Optimizer.GATE_OP,
      },
    );
    if (gate === Optimizer.GATE_GRAPH) grads = tupleAll(grads);
    grads.forEach((g, i) => {
      const v = varList[i] as Variable;
      if (g !== null && g.dtype !== v.dtype) {
        throw new ValueError(`Invalid type ${g.dtype} for ${v.name}, expected: ${v.dtype}.`);
      }
    });
    return varList.map((v, i) => [grads[i] ?? null, v]);
  }

  /**
   * Adds the update ops for `gradsAndVars` (`apply_gradients`); with `globalStep`, the
   * returned op also increments it.
   *
   * @example
   * ```ts
   * const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(3) });
   * const opt = new tf.train.GradientDescentOptimizer(0.1);
   * const gv = opt.computeGradients(tf.square(w));
   * const train = opt.applyGradients(gv, { globalStep: tf.train.getOrCreateGlobalStep() });
   * train.type; // ==> AssignAdd
   * ```
   */
  applyGradients(...args: CallArgs<typeof APPLY_GRADIENTS_PARAMS>): Operation {
    const options = APPLY_GRADIENTS_P.parse(args);
    const gradsAndVars = options.gradsAndVars;
    if (gradsAndVars.length === 0) throw new ValueError("No variables provided.");
    // `convert_to_tensor_or_indexed_slices`: sparse gradients stay sparse.
    const pairs = gradsAndVars.map(
      ([g, v]) =>
        [g === null || g instanceof IndexedSlices ? g : convertToTensor(g), v] as [
          Tensor | IndexedSlices | null,
          Variable,
        ],
    );
    const varList = pairs.filter(([g]) => g !== null).map(([, v]) => v);
    if (varList.length === 0) {
      throw new ValueError(
        `No gradients provided for any variable: ${pyList(pairs, ([, v]) => pyRepr(v.toString()))}.`,
      );
    }
    const graph = varList[0]?.graph ?? getDefaultGraph();
    return graph.asDefault(() =>
      graph.atomically(() => {
        graph.initScope(() => this.createSlots(varList));
        return withNameScope(graph, options.name ?? this.name, (scope) => {
          this.prepare();
          const updates: Operation[] = [];
          for (const [grad, v] of pairs) {
            if (grad === null) continue;
            updates.push(
              withNameScope(graph, `update_${v.op.name}`, () =>
                graph.colocateWith(v.op, () => {
                  if (grad instanceof IndexedSlices) {
                    if (v.constraint !== null) {
                      throw new Error("Cannot use a constraint function on a sparse variable.");
                    }
                    return this.applySparseDuplicateIndices(grad, v);
                  }
                  const update = this.applyDense(grad, v);
                  if (v.constraint === null) return update;
                  const c = v.constraint;
                  // As TF: `v/read` shows the update (the session reads snapshots through).
                  return controlDependencies([update], () => v.assign(c(v.value())).op);
                }),
              ),
            );
          }
          const step = options.globalStep ?? null;
          let train: Operation;
          if (step === null) {
            train = this.finish(updates, scope);
          } else {
            const finished = this.finish(updates, "update");
            train = controlDependencies([finished], () =>
              graph.colocateWith(step.op, () => {
                if (step.isResource) {
                  // TF writes a resource global step with no read after it.
                  const one = convertToTensor(1, { dtype: step.dtype });
                  return buildOp(
                    "AssignAddVariableOp",
                    [step.refTensor, one],
                    [],
                    {
                      dtype: step.dtype,
                    },
                    scope,
                  );
                }
                return assignAdd(step, convertToTensor(1, { dtype: step.dtype, name: "value" }), {
                  name: scope,
                }).op;
              }),
            );
          }
          const trainOps = graph.getCollectionRef<Operation>(GraphKeys.TRAIN_OP);
          if (!trainOps.includes(train)) graph.addToCollection(GraphKeys.TRAIN_OP, train);
          return train;
        });
      }),
    );
  }

  /** Names of the slots this optimizer creates (`get_slot_names`), e.g. `["m", "v"]`. */
  getSlotNames(...args: CallArgs<typeof GET_SLOT_NAMES_P.params>): string[] {
    GET_SLOT_NAMES_P.parse(args);
    return [...this.slots.keys()].sort();
  }

  /**
   * The slot variable `name` of `variable` (`get_slot`), or `null`.
   *
   * @example
   * ```ts
   * const w = tf.getVariable("w", [2]);
   * const opt = new tf.train.AdamOptimizer(0.001);
   * opt.minimize(tf.reduceSum(w));
   * opt.getSlot(w, "m")?.name; // ==> w/Adam:0
   * ```
   */
  getSlot(...args: CallArgs<typeof GET_SLOT_PARAMS>): Variable | null {
    const a = GET_SLOT_P.parse(args);
    return this.slots.get(a.name)?.get(a.var) ?? null;
  }

  /** The variables the optimizer created (slots and non-slots), as TF's `variables()`. */
  variables(): Variable[] {
    const out = new Set<Variable>();
    for (const m of this.slots.values()) for (const v of m.values()) out.add(v);
    for (const v of this.nonSlots.values()) out.add(v);
    return [...out].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Creates slot and non-slot variables for `varList`; called once per `applyGradients`. */
  protected createSlots(_varList: readonly Variable[]): void {}

  /** Converts hyper-parameters to tensors inside the optimizer's name scope. */
  protected prepare(): void {}

  /** The update op of one variable. */
  protected abstract applyDense(grad: Tensor, variable: Variable): Operation;

  /**
   * The update of the rows of `variable` an `IndexedSlices` gradient names
   * (`_apply_sparse_duplicate_indices`): rows named several times are summed first
   * (`Unique`, `UnsortedSegmentSum`), then {@link applySparse}.
   */
  protected applySparseDuplicateIndices(grad: IndexedSlices, variable: Variable): Operation {
    const [uniqueIndices, positions] = unique(grad.indices);
    const summed = unsortedSegmentSum(grad.values, positions, shapeOf(uniqueIndices).get(0));
    return this.applySparse(new IndexedSlices(summed, uniqueIndices, grad.denseShape), variable);
  }

  /** The update of a variable from an `IndexedSlices` with distinct indices (`_apply_sparse`). */
  protected applySparse(_grad: IndexedSlices, variable: Variable): Operation {
    throw new Error(`${this.name} does not apply sparse gradients (variable ${variable.name}).`);
  }

  /** Groups the updates into the train op (Adam also advances its beta powers here). */
  protected finish(updates: Operation[], name: string): Operation {
    return group(updates, { name });
  }

  /**
   * A slot initialized with zeros, shaped like `variable` (`_zeros_slot`): the variable
   * `<var>/<optimizer name>` (then `_1`, …), not trainable.
   */
  protected zerosSlot(variable: Variable, slotName: string, opName: string): Variable {
    return this.slotWithInitializer(variable, zerosInitializer(), slotName, opName);
  }

  /** A slot shaped like `variable`, first valued by `initializer` (`_get_or_make_slot_with_initializer`). */
  protected slotWithInitializer(
    variable: Variable,
    initializer: Initializer,
    slotName: string,
    opName: string,
  ): Variable {
    let named = this.slots.get(slotName);
    if (named === undefined) {
      named = new Map();
      this.slots.set(slotName, named);
    }
    const existing = named.get(variable);
    if (existing !== undefined) return existing;
    const dims = variable.shape.asList() as number[];
    // slot_creator colocates a slot with its variable (`colocate_vars_with(primary)`).
    const slot = variableScope(null, { defaultName: `${variable.op.name}/${opName}` }, () =>
      variable.graph.colocateWith(variable.op, () =>
        // A slot is a resource variable when its primary is (slot_creator's `use_resource`).
        getVariable("", dims, {
          dtype: variable.dtype,
          initializer,
          trainable: false,
          useResource: variable.isResource,
        }),
      ),
    );
    named.set(variable, slot);
    return slot;
  }

  /**
   * A variable shared by all updates (`_create_non_slot_variable`), e.g. `beta1_power`,
   * colocated with `colocateWith` (TF passes the first variable by name).
   */
  protected nonSlotVariable(
    initialValue: TensorLike | (() => TensorLike),
    name: string,
    colocateWith: Variable,
  ): Variable {
    const existing = this.nonSlots.get(name);
    if (existing !== undefined) return existing;
    const v = colocateWith.graph.colocateWith(
      colocateWith.op,
      () =>
        new Variable(initialValue, {
          name,
          trainable: false,
          dtype: "float32",
          useResource: colocateWith.isResource,
        }),
    );
    this.nonSlots.set(name, v);
    return v;
  }

  /** The non-slot variable `name`, once created. */
  protected getNonSlot(name: string): Variable {
    const v = this.nonSlots.get(name);
    if (v === undefined) throw new Error(`Non-slot variable ${name} was not created.`);
    return v;
  }
}

declare(Optimizer, OPTIMIZER_P);
declare(Optimizer.prototype.minimize, MINIMIZE_P);
declare(Optimizer.prototype.computeGradients, COMPUTE_GRADIENTS_P);
declare(Optimizer.prototype.applyGradients, APPLY_GRADIENTS_P);
declare(Optimizer.prototype.getSlot, GET_SLOT_P);
declare(Optimizer.prototype.getSlotNames, GET_SLOT_NAMES_P);

/** `GATE_GRAPH`: `control_flow_ops.tuple(grads)` (`tuple/control_dependency`, …). */
function tupleAll(grads: (Gradient | null)[]): (Gradient | null)[] {
  if (grads.every((g) => g === null)) return grads;
  return tuple(grads) as (Gradient | null)[];
}
