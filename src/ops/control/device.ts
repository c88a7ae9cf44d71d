import { parseDeviceSpec } from "../../graph/device.js";
import { getDefaultGraph, type DeviceFunction, type DeviceScope } from "../../graph/graph.js";
import {
  declare,
  defineParams,
  isPlainObject,
  kind,
  parseWithCallback,
  req,
} from "../../graph/call_args.js";
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
