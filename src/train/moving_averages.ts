/**
 * Exponential moving averages of variables and tensors (`tf.train.ExponentialMovingAverage`,
 * TF 1.15's `moving_averages.py`): shadow variables `<var>/ExponentialMovingAverage`
 * updated by `AssignMovingAvg` ops, and the name map to evaluate with the averages.
 */
import { ValueError } from "../errors.js";
import {
  booleanKind,
  declare,
  defineParams,
  kind,
  opt,
  req,
  scalarKind,
  stringKind,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";
import { isFloating } from "../graph/dtypes.js";
import { getDefaultGraph, GraphKeys, withDefaultGraph, type Graph } from "../graph/graph.js";
import type { Operation } from "../graph/operation.js";
import { Tensor, type TensorConvertible } from "../graph/tensor.js";
import { group } from "../ops/control/group.js";
import { convertToTensor } from "../ops/convert.js";
import { zerosInitializer } from "../ops/init_ops.js";
import { pythonOperator } from "../ops/math/operators.js";
import { inOpScope } from "../ops/op_scope.js";
import { assign, assignAdd, assignSub } from "../ops/state/variable_ops.js";
import { graphFromValues, withNameScope } from "../scope/name_scope.js";
import { variableScope, type VariableScope } from "../scope/variable_scope.js";
import { getVariable } from "../variables/get_variable.js";
import { Variable } from "../variables/variable.js";
import { binary, castAs } from "./graph_math.js";

/** What a moving average can follow: a variable, or any tensor. */
export type Averageable = Variable | Tensor;

const averageableKind = kind<Averageable>(
  "a Variable or a Tensor",
  (v) => v instanceof Variable || v instanceof Tensor,
);
const averageableListKind = kind<readonly Averageable[]>(
  "a list of Variables or Tensors",
  (v) => Array.isArray(v) && v.every((x) => x instanceof Variable || x instanceof Tensor),
);
const variableListKind = kind<readonly Variable[]>(
  "a list of Variables",
  (v) => Array.isArray(v) && v.every((x) => x instanceof Variable),
);

/**
 * TF 1.15's `assign_moving_average(variable, value, decay, zero_debias=True, name=None)`:
 * `variable -= (1 - decay) * (variable - value)` as an `AssignSub` named by the
 * `AssignMovingAvg` scope; with `zeroDebias`, the biased average and the update count are
 * kept in `<variable>/biased` and `<variable>/local_step` and the variable is assigned the
 * debiased value `biased / (1 - decay ^ local_step)`. Returns the updated value.
 */
export function assignMovingAverage(
  variable: Variable,
  value: Averageable,
  decay: number | Tensor,
  zeroDebias = true,
  name?: string,
): Tensor {
  return inOpScope(name, "AssignMovingAvg", [variable, value, decay], (scope, graph) => {
    // TF: convert_to_tensor(1.0 - decay, name="decay"): a Python constant for a number,
    // the operator's `sub` op for a tensor.
    const oneMinusDecay =
      typeof decay === "number"
        ? convertToTensor(1.0 - decay, { name: "decay" })
        : pythonOperator("sub", 1.0, decay);
    if (zeroDebias) return zeroDebiasUpdate(graph, scope, variable, value, oneMinusDecay);
    const delta = pythonOperator("mul", pythonOperator("sub", variable, value), oneMinusDecay);
    return assignSub(variable, delta, { name: scope });
  });
}

/** TF's `_zero_debias`: `oneMinusDecay` is `1 - decay`, as TF passes it. */
function zeroDebiasUpdate(
  graph: Graph,
  scope: string,
  unbiased: Variable,
  value: Averageable,
  oneMinusDecay: Tensor,
): Tensor {
  const dims = unbiased.shape.asList() as number[];
  const [biased, localStep] = graph.initScope(() =>
    variableScope(
      unbiased.name.slice(0, -":0".length),
      { values: [unbiased, value, oneMinusDecay] },
      (vs) => {
        const b = getVariable(uniqueIn(graph, vs, "biased"), dims, {
          dtype: unbiased.dtype,
          initializer: zerosInitializer(),
          trainable: false,
        });
        const s = getVariable(uniqueIn(graph, vs, "local_step"), [], {
          dtype: unbiased.dtype,
          initializer: zerosInitializer(),
          trainable: false,
        });
        return [b, s] as const;
      },
    ),
  );
  const updateBiased = assignSub(
    biased,
    pythonOperator("mul", pythonOperator("sub", biased, value), oneMinusDecay),
  );
  const updateLocalStep = assignAdd(localStep, 1);
  const decayPower = binary(
    graph,
    "Pow",
    "Pow",
    pythonOperator("sub", 1.0, oneMinusDecay),
    updateLocalStep,
  );
  const biasFactor = pythonOperator("sub", 1, decayPower);
  return assign(unbiased, pythonOperator("truediv", updateBiased, biasFactor), { name: scope });
}

/**
 * TF's `_maybe_get_unique`: `name`, or `name_1`, `name_2`, … when the scope already holds a
 * global variable of that name (unless the scope reuses).
 */
function uniqueIn(graph: Graph, vs: VariableScope, name: string): string {
  if (vs.reuse !== false) return name;
  const taken = new Set(
    graph.getCollection<Variable>(GraphKeys.GLOBAL_VARIABLES, vs.name).map((v) => v.op.name),
  );
  const full = `${vs.name}/${name}`;
  if (!taken.has(full)) return name;
  let i = 1;
  while (taken.has(`${full}_${i}`)) i++;
  return `${name}_${i}`;
}

/** TF 1.15's `ExponentialMovingAverage(decay, num_updates=None, zero_debias=False, name="ExponentialMovingAverage")`. */
const EMA_PARAMS = [
  req("decay", scalarKind),
  opt("numUpdates", scalarKind),
  opt("zeroDebias", booleanKind),
  opt("name", stringKind),
] as const;
const EMA_P = defineParams("train.ExponentialMovingAverage", EMA_PARAMS);

/** The options object of `new tf.train.ExponentialMovingAverage`. */
export type ExponentialMovingAverageOptions = OptionsOf<typeof EMA_PARAMS>;

/** `apply(var_list=None)`. */
const APPLY_PARAMS = [opt("varList", averageableListKind)] as const;
const APPLY_P = defineParams("ExponentialMovingAverage.apply", APPLY_PARAMS);
/** `average(var)`. */
const AVERAGE_PARAMS = [req("var", averageableKind)] as const;
const AVERAGE_P = defineParams("ExponentialMovingAverage.average", AVERAGE_PARAMS);
const AVERAGE_NAME_P = defineParams("ExponentialMovingAverage.averageName", AVERAGE_PARAMS);
/** `variables_to_restore(moving_avg_variables=None)`. */
const RESTORE_PARAMS = [opt("movingAvgVariables", variableListKind)] as const;
const RESTORE_P = defineParams("ExponentialMovingAverage.variablesToRestore", RESTORE_PARAMS);

type DecayValue = number | Tensor | TensorConvertible;

/**
 * Keeps exponential moving averages of variables and tensors
 * (`tf.train.ExponentialMovingAverage`). `apply(varList)` creates, once per variable, the
 * non-trainable shadow variable `<var>/ExponentialMovingAverage` (in `GLOBAL_VARIABLES`;
 * the averaged variables join `MOVING_AVERAGE_VARIABLES`), first valued as the variable's
 * initial value (zeros for a tensor), and returns the op that moves every average:
 * `shadow -= (1 - decay) * (shadow - var)`. With `numUpdates`, the decay is
 * `min(decay, (1 + numUpdates) / (10 + numUpdates))`; with `zeroDebias`, averages of
 * tensors are debiased as TF does.
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [], { initializer: tf.constantInitializer(1) });
 * const ema = new tf.train.ExponentialMovingAverage(0.9);
 * const update = ema.apply([w]);
 * ema.average(w)?.name; // ==> w/ExponentialMovingAverage:0
 * using sess = new tf.Session();
 * sess.run(tf.globalVariablesInitializer());
 * sess.run(tf.assign(w, 2));
 * sess.run(update);
 * sess.run(ema.average(w)); // ==> 1.1
 * ```
 */
export class ExponentialMovingAverage {
  /** The prefix of the shadow variables' names and of the update ops' scope. */
  readonly name: string;
  private readonly decay: DecayValue;
  private readonly numUpdates: DecayValue | null;
  private readonly zeroDebias: boolean;
  private averages = new Map<Averageable, Variable>();

  constructor(...args: CallArgs<typeof EMA_PARAMS>) {
    const a = EMA_P.parse(args);
    this.decay = a.decay;
    this.numUpdates = a.numUpdates ?? null;
    this.zeroDebias = a.zeroDebias ?? false;
    this.name = a.name ?? "ExponentialMovingAverage";
  }

  /**
   * Creates the shadow variables of `varList` (default: the trainable variables) that do
   * not have one yet, and returns the op (`ExponentialMovingAverage`, a `NoOp`) that runs
   * one `AssignMovingAvg` update per element.
   *
   * @example
   * ```ts
   * const w = tf.getVariable("w", [2], { initializer: tf.zerosInitializer() });
   * const update = new tf.train.ExponentialMovingAverage(0.99).apply([w]);
   * update.name; // ==> ExponentialMovingAverage
   * ```
   */
  apply(...args: CallArgs<typeof APPLY_PARAMS>): Operation {
    const a = APPLY_P.parse(args);
    const graph =
      a.varList === undefined ? getDefaultGraph() : graphFromValues([...a.varList, this.decay]);
    const varList = a.varList ?? graph.getCollection<Variable>(GraphKeys.TRAINABLE_VARIABLES);
    for (const v of varList) {
      if (!isFloating(v.dtype)) {
        throw new TypeError(`The variables must be half, float, or double: ${v.name}`);
      }
      if (v instanceof Tensor && !this.averages.has(v) && !v.shape.isFullyDefined()) {
        throw new ValueError(
          `ExponentialMovingAverage.apply: the shape of ${v.name} must be fully defined to make its average, got ${v.shape.toString()}.`,
        );
      }
    }
    const before = new Map(this.averages);
    try {
      return withDefaultGraph(graph, () =>
        graph.atomically(() => {
          // Only averages of tensors made by this call are debiased, as in TF.
          const debiased = new Set<Variable>();
          graph.initScope(() => {
            for (const v of varList) {
              if (this.averages.has(v)) continue;
              const avg = this.makeAverage(v);
              if (v instanceof Variable)
                graph.addToCollection(GraphKeys.MOVING_AVERAGE_VARIABLES, v);
              else if (this.zeroDebias) debiased.add(avg);
              this.averages.set(v, avg);
            }
          });
          return withNameScope(graph, this.name, (scope) => {
            let decay = convertToTensor(this.decay, { name: "decay" });
            if (this.numUpdates !== null) {
              const n = castAs(graph, this.numUpdates, "float32", "int", "num_updates");
              const ratio = pythonOperator(
                "truediv",
                pythonOperator("add", 1.0, n),
                pythonOperator("add", 10.0, n),
              );
              decay = binary(graph, "Minimum", "Minimum", decay, ratio);
            }
            const updates = varList.map((v) => {
              const avg = this.averages.get(v) as Variable;
              return assignMovingAverage(avg, v, decay, debiased.has(avg));
            });
            return group(updates, { name: scope });
          });
        }),
      );
    } catch (e) {
      this.averages = before;
      throw e;
    }
  }

  /** The shadow variable of `v`, named `<v>/<name>` in the current variable scope. */
  private makeAverage(v: Averageable): Variable {
    const dims = v.shape.asList() as number[];
    // slot_creator colocates the average with a variable (`colocate_with_primary`).
    return variableScope(null, { defaultName: `${v.op.name}/${this.name}` }, () =>
      v instanceof Variable
        ? v.graph.colocateWith(v.op, () =>
            // A resource variable's average is one too (slot_creator's `use_resource`).
            getVariable("", {
              initializer: v.initialValue,
              trainable: false,
              useResource: v.isResource,
            }),
          )
        : getVariable("", dims, {
            dtype: v.dtype,
            initializer: zerosInitializer(),
            trainable: false,
          }),
    );
  }

  /**
   * The shadow variable holding the average of `var`, or `null` if `apply` has not made one.
   *
   * @example
   * ```ts
   * const w = tf.getVariable("w", []);
   * const ema = new tf.train.ExponentialMovingAverage(0.9);
   * ema.average(w); // ==> null
   * ```
   */
  average(...args: CallArgs<typeof AVERAGE_PARAMS>): Variable | null {
    const a = AVERAGE_P.parse(args);
    return this.averages.get(a.var) ?? null;
  }

  /**
   * The name of the shadow variable of `var` (`average_name`): its op name once `apply`
   * made it, otherwise the name `apply` would give it (`<var>/ExponentialMovingAverage`).
   * A `Saver` given `{ [ema.averageName(v)]: v }` restores `v` from its average.
   *
   * @example
   * ```ts
   * const w = tf.getVariable("w", []);
   * new tf.train.ExponentialMovingAverage(0.9).averageName(w); // ==> w/ExponentialMovingAverage
   * ```
   */
  averageName(...args: CallArgs<typeof AVERAGE_PARAMS>): string {
    const a = AVERAGE_NAME_P.parse(args);
    return this.nameOfAverage(a.var);
  }

  private nameOfAverage(v: Averageable): string {
    const avg = this.averages.get(v);
    if (avg !== undefined) return avg.op.name;
    return getDefaultGraph().uniqueName(`${v.op.name}/${this.name}`, false);
  }

  /**
   * The checkpoint names to restore each global variable from (`variables_to_restore`),
   * for `new tf.train.Saver(map)`: the variables of `movingAvgVariables` (default: the
   * trainable variables and `MOVING_AVERAGE_VARIABLES`) from their averages' names, every
   * other global variable from its own name. Restoring with it loads the averaged values
   * into the plain variables.
   *
   * @example
   * ```ts
   * const w = tf.getVariable("w", []);
   * const ema = new tf.train.ExponentialMovingAverage(0.9);
   * ema.apply([w]);
   * Object.keys(ema.variablesToRestore()).join(", "); // ==> w/ExponentialMovingAverage
   * ```
   */
  variablesToRestore(...args: CallArgs<typeof RESTORE_PARAMS>): Record<string, Variable> {
    const a = RESTORE_P.parse(args);
    const graph = getDefaultGraph();
    const chosen = new Set(
      a.movingAvgVariables ?? [
        ...graph.getCollection<Variable>(GraphKeys.TRAINABLE_VARIABLES),
        ...graph.getCollection<Variable>(GraphKeys.MOVING_AVERAGE_VARIABLES),
      ],
    );
    const map: Record<string, Variable> = {};
    for (const v of chosen) map[this.nameOfAverage(v)] = v;
    const chosenNames = new Set([...chosen].map((v) => v.name));
    for (const v of new Set(graph.getCollection<Variable>(GraphKeys.GLOBAL_VARIABLES))) {
      if (!chosenNames.has(v.name) && !Object.hasOwn(map, v.op.name)) map[v.op.name] = v;
    }
    return map;
  }
}
declare(ExponentialMovingAverage, EMA_P);
declare(ExponentialMovingAverage.prototype.apply, APPLY_P);
declare(ExponentialMovingAverage.prototype.average, AVERAGE_P);
declare(ExponentialMovingAverage.prototype.averageName, AVERAGE_NAME_P);
declare(ExponentialMovingAverage.prototype.variablesToRestore, RESTORE_P);
