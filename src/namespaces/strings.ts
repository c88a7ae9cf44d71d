/** `tf.strings`: string ops. */
export { join } from "../ops/string/string_join.js";
// print (engineer: print): tf.strings.format (StringFormat).
export { format } from "../ops/string/string_format.js";
