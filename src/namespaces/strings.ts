/** `tf.strings`: string ops. */
export { join } from "../ops/string/string_join.js";
