import { parseDeviceSpec } from "../../graph/device.js";
import { getDefaultGraph, type DeviceFunction, type DeviceScope } from "../../graph/graph.js";
import {
  booleanKind,
  declare,
  defineParams,
  isPlainObject,
  kind,
  opt,
  optNullable,
  parseWithCallback,
  req,
} from "../../graph/call_args.js";
import { Operation } from "../../graph/operation.js";
import { isTensorConvertible, Tensor, toTensorSymbol } from "../../graph/tensor.js";
import { runScopeCallback } from "../../scope/name_scope.js";
import { AsyncScopeError, isPromiseLike } from "../../scope/synchronous.js";

/** What `tf.device` takes: a device name, a device function, or `null`. */
export type DeviceNameOrFunction = string | DeviceFunction | null;

/** TF 1.15's `device(device_name_or_function)`, whose `with` body is the callback. */
const DEVICE_PARAMS = defineParams("device", [
  req(
    "deviceNameOrFunction",
    kind<DeviceNameOrFunction>(
      "a device name (str), a device function, or null",
      (v) => typeof v === "string" || typeof v === "function",
    ),
  ),
] as const);

/** A stand-in for `null` while parsing: the parser reads `null` as "not given". */
const CLEARED = "\u0000cleared";

/**
 * Ops created inside `fn` are requested on a device (`tf.device`, TF 1.15's
 * `Graph.device`): `op.device` records it, and a later graph export keeps it; scopeflow
 * computes every op on its tfjs backend whatever the device says.
 *
 * A device name (`"/cpu:0"`, `"/job:ps/task:1"`, `"/device:GPU:*"`) is merged with the
 * enclosing scopes' names: its parts override theirs, theirs fill in what it leaves out, and
 * the result is written in TF's canonical form (`/device:CPU:0`). A device function gets
 * each new op (its `device` holds what inner scopes gave) and returns the op's device, or
 * `null` for none. `null` ignores every enclosing device scope inside `fn`. Variables
 * created inside get the device too; their snapshot (`read`) follows the variable's.
 *
 * @example
 * ```ts
 * const a = tf.device("/job:ps/task:1", () => tf.device("/gpu:0", () => tf.constant(1)));
 * a.device; // ==> /job:ps/task:1/device:GPU:0
 * const b = tf.device("/cpu:0", () => tf.device(null, () => tf.constant(2)));
 * b.device; // ==>
 * const c = tf.device((op) => (op.type === "Const" ? "/cpu:0" : "/gpu:1"), () => tf.add(1, 2));
 * c.op.device; // ==> /gpu:1
 * c.op.inputs[0].device; // ==> /cpu:0
 * ```
 */
export function device<T>(deviceNameOrFunction: DeviceNameOrFunction, fn: () => T): T;
export function device<T>(options: { deviceNameOrFunction: DeviceNameOrFunction }, fn: () => T): T;
export function device<T>(...args: unknown[]): T {
  const first = args[0];
  const asOptions = isPlainObject(first) && args.length === 2;
  const cleared = first === null || (asOptions && first.deviceNameOrFunction === null);
  const given = cleared
    ? [
        asOptions ? { ...(first as object), deviceNameOrFunction: CLEARED } : CLEARED,
        ...args.slice(1),
      ]
    : args;
  const [a, fn] = parseWithCallback<typeof DEVICE_PARAMS.params, () => T>(DEVICE_PARAMS, given);
  const spec = a.deviceNameOrFunction as string | DeviceFunction;
  // Parsed on entry, as `DeviceSpec.from_string` does, so a bad name fails before `fn` runs.
  const scope: DeviceScope = cleared
    ? null
    : typeof spec === "function"
      ? { fn: spec }
      : { spec: parseDeviceSpec(spec) };
  const graph = getDefaultGraph();
  return runScopeCallback(graph, () =>
    graph.device(scope, () => {
      const result = fn();
      if (isPromiseLike(result)) throw new AsyncScopeError("device");
      return result;
    }),
  );
}
declare(device, DEVICE_PARAMS);

/** What `tf.colocateWith` takes: an op, a tensor or variable (its op), or `null`. */
export type ColocationTarget =
  Operation | Tensor | { [toTensorSymbol](asRef: boolean): Tensor } | null;

/** TF 1.15's `colocate_with(op, ignore_existing=False)`, whose `with` body is the callback. */
const COLOCATE_WITH_PARAMS = defineParams("colocateWith", [
  optNullable(
    "op",
    kind<Exclude<ColocationTarget, null>>(
      "an Operation, Tensor or Variable, or null",
      (v) => v instanceof Operation || v instanceof Tensor || isTensorConvertible(v),
    ),
  ),
  opt("ignoreExisting", booleanKind),
] as const);

/**
 * Ops created inside `fn` are colocated with `op` (`tf.colocate_with`): their `_class`
 * attr lists `loc:@<op>` (with the groups of enclosing colocation scopes, unless
 * `ignoreExisting`), and they take `op`'s device, the device scopes around set aside — so
 * an exported graph places them as TensorFlow would. A tensor or variable stands for its
 * op. `null` with `ignoreExisting: true` clears the colocation inside `fn`.
 *
 * @example
 * ```ts
 * const v = tf.device("/job:ps/task:0", () => tf.getVariable("v", [2], { initializer: tf.onesInitializer() }));
 * const y = tf.colocateWith(v, () => tf.multiply(v, 2, { name: "y" }));
 * y.op.getAttr("_class"); // ==> loc:@v
 * y.device; // ==> /job:ps/task:0
 * ```
 */
export function colocateWith<T>(op: ColocationTarget, fn: () => T): T;
export function colocateWith<T>(op: ColocationTarget, ignoreExisting: boolean, fn: () => T): T;
export function colocateWith<T>(
  options: { op: ColocationTarget; ignoreExisting?: boolean },
  fn: () => T,
): T;
export function colocateWith<T>(...args: unknown[]): T {
  const [a, fn] = parseWithCallback<typeof COLOCATE_WITH_PARAMS.params, () => T>(
    COLOCATE_WITH_PARAMS,
    args,
  );
  if (a.op === undefined) {
    throw new TypeError("colocateWith() missing 1 required positional argument: 'op'");
  }
  const target = a.op;
  const op =
    target === null
      ? null
      : target instanceof Operation
        ? target
        : target instanceof Tensor
          ? target.op
          : target[toTensorSymbol](true).op;
  const graph = op?.graph ?? getDefaultGraph();
  return runScopeCallback(graph, () =>
    graph.colocateWith(
      op,
      () => {
        const result = fn();
        if (isPromiseLike(result)) throw new AsyncScopeError("colocateWith");
        return result;
      },
      a.ignoreExisting ?? false,
    ),
  );
}
declare(colocateWith, COLOCATE_WITH_PARAMS);
