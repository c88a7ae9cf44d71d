/** `tf.strings`: string ops. */
export { join } from "../ops/string/string_join.js";
// print (engineer: print): tf.strings.format (StringFormat).
export { format } from "../ops/string/string_format.js";
// strings: split (StringSplitV2, returning a SparseTensor).
export { split } from "../ops/string/string_split.js";
export { toNumber } from "../ops/string/string_to_number.js";
export {
  toHashBucketFast,
  toHashBucketStrong,
  toHashBucket,
} from "../ops/string/string_to_hash_bucket.js";
export { substr } from "../ops/string/substr.js";
export { asString } from "../ops/string/as_string.js";
export { length, strip, lower, upper, reduceJoin } from "../ops/string/string_ops.js";
export { regexReplace, regexFullMatch } from "../ops/string/regex.js";
