/** `tf.manip`: TF 1.15's v1 manipulation namespace (only `roll`). */
export { roll } from "../ops/array/list_diff_roll.js";
