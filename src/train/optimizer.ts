import { ValueError } from "../errors.js";
import { getDefaultGraph, GraphKeys } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import type { Tensor, TensorLike } from "../graph/tensor.js";
import { gradients } from "../gradients/gradients.js";
import { group } from "../ops/control/group.js";
import { convertToTensor } from "../ops/convert.js";
import { zerosInitializer } from "../ops/init_ops.js";
import { withNameScope } from "../scope/name_scope.js";
import { variableScope } from "../scope/variable_scope.js";
import { getVariable } from "../variables/get_variable.js";
import { Variable } from "../variables/variable.js";
import { controlDependencies } from "../ops/control/group.js";
import { assignAdd } from "../ops/state/variable_ops.js";
import { identity } from "../ops/math/unary.js";
import type { Initializer } from "../scope/types.js";

/** A gradient and the variable it is for; `null` when the loss does not depend on it. */
export type GradAndVar = [Tensor | null, Variable];

/** Options of {@link Optimizer.minimize}. */
export interface MinimizeOptions {
  /** Variables to update (default: the trainable variables). */
  varList?: readonly Variable[];
  /** Incremented by one after the update. */
  globalStep?: Variable | null;
  /** The train op's name (default: the optimizer's name). */
  name?: string;
  /** `GATE_OP` (1, default), `GATE_NONE` (0) or `GATE_GRAPH` (2). */
  gateGradients?: 0 | 1 | 2;
  /** Gradient of the loss to start from (`grad_loss`). */
  gradLoss?: TensorLike | null;
}

/** Options of {@link Optimizer.computeGradients}. */
export type ComputeGradientsOptions = Omit<MinimizeOptions, "globalStep" | "name">;

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

  constructor(useLocking: boolean, name: string) {
    if (!name) throw new ValueError("Must specify the optimizer name");
    this.useLocking = useLocking;
    this.name = name;
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
  minimize(loss: Tensor, options: MinimizeOptions = {}): Operation {
    const gradsAndVars = this.computeGradients(loss, options);
    const withGrad = gradsAndVars.filter(([g]) => g !== null);
    if (withGrad.length === 0) {
      throw new ValueError(
        `No gradients provided for any variable, check your graph for ops that do not support gradients, between variables [${gradsAndVars.map(([, v]) => `"${v.toString()}"`).join(", ")}] and loss ${loss.toString()}.`,
      );
    }
    return this.applyGradients(gradsAndVars, {
      globalStep: options.globalStep ?? null,
      name: options.name,
    });
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
  computeGradients(loss: Tensor, options: ComputeGradientsOptions = {}): GradAndVar[] {
    const gate = options.gateGradients ?? Optimizer.GATE_OP;
    if (![0, 1, 2].includes(gate)) {
      throw new ValueError(
        `gate_gradients must be one of: Optimizer.GATE_NONE, Optimizer.GATE_OP, Optimizer.GATE_GRAPH.  Not ${String(gate)}`,
      );
    }
    const varList =
      options.varList ?? getDefaultGraph().getCollection<Variable>(GraphKeys.TRAINABLE_VARIABLES);
    if (varList.length === 0) throw new ValueError("No variables to optimize.");
    for (const v of varList) {
      if (!(v instanceof Variable))
        throw new TypeError(`varList must hold tf.Variable objects, got ${String(v)}.`);
    }
    let grads = gradients(
      loss,
      [...varList],
      options.gradLoss === undefined || options.gradLoss === null ? null : [options.gradLoss],
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
  applyGradients(
    gradsAndVars: readonly GradAndVar[],
    options: { globalStep?: Variable | null; name?: string } = {},
  ): Operation {
    if (gradsAndVars.length === 0) throw new ValueError("No variables provided.");
    const pairs = gradsAndVars.map(
      ([g, v]) => [g === null ? null : convertToTensor(g), v] as [Tensor | null, Variable],
    );
    const varList = pairs.filter(([g]) => g !== null).map(([, v]) => v);
    if (varList.length === 0) {
      throw new ValueError(
        `No gradients provided for any variable: [${pairs.map(([, v]) => `"${v.toString()}"`).join(", ")}].`,
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
              withNameScope(graph, `update_${v.op.name}`, () => {
                const update = this.applyDense(grad, v);
                if (v.constraint === null) return update;
                const c = v.constraint;
                // As TF: `v/read` shows the update (the session reads snapshots through).
                return controlDependencies([update], () => v.assign(c(v.value())).op);
              }),
            );
          }
          const step = options.globalStep ?? null;
          let train: Operation;
          if (step === null) {
            train = this.finish(updates, scope);
          } else {
            const finished = this.finish(updates, "update");
            train = controlDependencies(
              [finished],
              () => assignAdd(step, convertToTensor(1, { dtype: step.dtype }), { name: scope }).op,
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
  getSlotNames(): string[] {
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
  getSlot(variable: Variable, name: string): Variable | null {
    return this.slots.get(name)?.get(variable) ?? null;
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
    const slot = variableScope(null, { defaultName: `${variable.op.name}/${opName}` }, () =>
      getVariable("", dims, { dtype: variable.dtype, initializer, trainable: false }),
    );
    named.set(variable, slot);
    return slot;
  }

  /** A variable shared by all updates (`_create_non_slot_variable`), e.g. `beta1_power`. */
  protected nonSlotVariable(initialValue: TensorLike | (() => TensorLike), name: string): Variable {
    const existing = this.nonSlots.get(name);
    if (existing !== undefined) return existing;
    const v = new Variable(initialValue, { name, trainable: false, dtype: "float32" });
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

function tupleAll(grads: (Tensor | null)[]): (Tensor | null)[] {
  const present = grads.filter((g): g is Tensor => g !== null);
  if (present.length === 0) return grads;
  const gate = group(present.map((g) => g.op));
  return grads.map((g) => (g === null ? null : controlDependencies([gate], () => identity(g))));
}
