import { getDefaultGraph } from "./graph.js";
import {
  anyKind,
  declare,
  defineParams,
  kind,
  opt,
  req,
  stringKind,
  type CallArgs,
} from "./call_args.js";

/** TF 1.15's `get_collection(key, scope=None)`. */
const GET_COLLECTION_PARAMS = [req("key", stringKind), opt("scope", stringKind)] as const;
const GET_COLLECTION = defineParams("getCollection", GET_COLLECTION_PARAMS);
/** `add_to_collection(name, value)`. */
const ADD_PARAMS = [req("name", stringKind), req("value", anyKind<unknown>("a value"))] as const;
const ADD = defineParams("addToCollection", ADD_PARAMS);
/** `add_to_collections(names, value)`: one string is one name. */
const ADD_MANY_PARAMS = [
  req(
    "names",
    kind<string | Iterable<string>>(
      "a str or a list of strs",
      (v) =>
        typeof v === "string" ||
        ((Array.isArray(v) || v instanceof Set) &&
          [...(v as Iterable<unknown>)].every((n) => typeof n === "string")),
    ),
  ),
  req("value", anyKind<unknown>("a value")),
] as const;
const ADD_MANY = defineParams("addToCollections", ADD_MANY_PARAMS);

/**
 * The items of a collection of the default graph (`tf.get_collection(key, scope)`), in
 * the order they were added; with `scope`, only items whose `name` starts with it.
 *
 * @example
 * ```ts
 * tf.addToCollection("losses", tf.constant(1));
 * tf.addToCollection("losses", tf.constant(2));
 * const total = tf.addN(tf.getCollection<tf.Tensor>("losses"));
 * using sess = new tf.Session();
 * sess.run(total); // ==> 3.0
 * ```
 */
export function getCollection<T = unknown>(...args: CallArgs<typeof GET_COLLECTION_PARAMS>): T[] {
  const a = GET_COLLECTION.parse(args);
  return getDefaultGraph().collectionItems<T>(a.key, a.scope);
}
declare(getCollection, GET_COLLECTION);

/**
 * Adds `value` to a collection of the default graph (`tf.add_to_collection`).
 *
 * @example
 * ```ts
 * const w = tf.getVariable("w", [2]);
 * tf.addToCollection("losses", tf.multiply(tf.nn.l2Loss(w), 0.004));
 * tf.getCollection<tf.Tensor>("losses")[0].name; // ==> Mul:0
 * ```
 */
export function addToCollection(...args: CallArgs<typeof ADD_PARAMS>): void {
  const a = ADD.parse(args);
  getDefaultGraph().addItem(a.name, a.value);
}
declare(addToCollection, ADD);

/**
 * Adds `value` to each of several collections of the default graph
 * (`tf.add_to_collections`); one string is one name, as in TensorFlow.
 *
 * @example
 * ```ts
 * const h = tf.nn.relu(tf.constant([1, -1]));
 * tf.addToCollections(["activations", "summaries"], h);
 * tf.getCollection("summaries").length; // ==> 1
 * ```
 */
export function addToCollections(...args: CallArgs<typeof ADD_MANY_PARAMS>): void {
  const a = ADD_MANY.parse(args);
  getDefaultGraph().addItems(a.names, a.value);
}
declare(addToCollections, ADD_MANY);
