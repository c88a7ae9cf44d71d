/**
 * The hash-bucket ops (TF's core/kernels/string_to_hash_bucket_op.cc) and their TF 1.15
 * wrappers: each string's 64-bit hash, taken unsigned, modulo `num_buckets` —
 * `StringToHashBucketFast` (FarmHash Fingerprint64), `StringToHashBucketStrong` (SipHash-2-4
 * keyed by `key`) and `StringToHashBucket` (TF's legacy Hash64).
 */
import * as tfc from "@tensorflow/tfjs-core";
import {
  alias,
  intKind,
  listKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { narrowInt64 } from "../../graph/int64.js";
import type { Operation } from "../../graph/operation.js";
import type { Tensor } from "../../graph/tensor.js";
import { notDifferentiable, registerOp } from "../registry.js";
import { fingerprint64, legacyHash64, sipHash24 } from "./hashes.js";
import { bytesOf, kernelError, requireInput, unaryStringOp } from "./string_common.js";

/** The buckets of `input`'s strings under `hash`, as the int64 output. */
function bucketKernel(
  input: tfc.Tensor,
  op: Operation,
  hash: (s: Uint8Array) => bigint,
): tfc.Tensor[] {
  const buckets = BigInt(op.attrs.num_buckets as number);
  const out = BigInt64Array.from(bytesOf(input), (s) => hash(s) % buckets);
  return [tfc.tensor(narrowInt64(out, "output", op.name), input.shape, "int32")];
}

registerOp({
  type: "StringToHashBucketFast",
  opDef: {
    inputs: ["input: string"],
    outputs: ["output: int64"],
    attrs: ["num_buckets: int >= 1"],
  },
  inferShapes: (op) => [(op.inputs[0] as Tensor).shape],
  kernel: (inputs, op) => bucketKernel(inputs[0] as tfc.Tensor, op, fingerprint64),
});

registerOp({
  type: "StringToHashBucketStrong",
  opDef: {
    inputs: ["input: string"],
    outputs: ["output: int64"],
    attrs: ["num_buckets: int >= 1", "key: list(int)"],
  },
  inferShapes: (op) => [(op.inputs[0] as Tensor).shape],
  kernel: (inputs, op) => {
    const key = op.attrs.key as readonly number[];
    // TF checks the key when the kernel is made, before any input is read.
    if (key.length !== 2) throw kernelError(op, "Key must have 2 elements");
    const [k0, k1] = key.map((k) => BigInt.asUintN(64, BigInt(k))) as [bigint, bigint];
    return bucketKernel(inputs[0] as tfc.Tensor, op, (s) => sipHash24(k0, k1, s));
  },
});

registerOp({
  type: "StringToHashBucket",
  opDef: {
    inputs: ["string_tensor: string"],
    outputs: ["output: int64"],
    attrs: ["num_buckets: int >= 1"],
  },
  inferShapes: (op) => [(op.inputs[0] as Tensor).shape],
  kernel: (inputs, op) => bucketKernel(inputs[0] as tfc.Tensor, op, legacyHash64),
});
notDifferentiable("StringToHashBucketFast", "StringToHashBucketStrong", "StringToHashBucket");

/** TF 1.15's `strings.to_hash_bucket_fast(input, num_buckets, name=None)`. */
const FAST_PARAMS = [
  req("input", tensorKind),
  req("numBuckets", intKind),
  opt("name", stringKind),
] as const;

/**
 * Hashes each string to one of `numBuckets` buckets with FarmHash's Fingerprint64
 * (`tf.strings.toHashBucketFast`, `tf.stringToHashBucketFast`; op
 * `StringToHashBucketFast`): stable across runs and platforms, int64.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.strings.toHashBucketFast(["Hello", "TensorFlow", "2.x"], 3)).toArray(); // ==> 0,2,2
 * ```
 */
export const toHashBucketFast = tfFunction("strings.toHashBucketFast", FAST_PARAMS, (a) =>
  unaryStringOp("StringToHashBucketFast", a.input, "int64", { num_buckets: a.numBuckets }, a.name),
);

/** TF 1.15's `strings.to_hash_bucket_strong(input, num_buckets, key, name=None)`. */
const STRONG_PARAMS = [
  req("input", tensorKind),
  req("numBuckets", intKind),
  req("key", listKind(intKind)),
  opt("name", stringKind),
] as const;

/**
 * Hashes each string to one of `numBuckets` buckets with SipHash-2-4 keyed by the two
 * ints of `key` (`tf.strings.toHashBucketStrong`, `tf.stringToHashBucketStrong`; op
 * `StringToHashBucketStrong`), which inputs chosen to collide cannot defeat without the key.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.strings.toHashBucketStrong(["Hello", "TF"], 3, [1, 2])).toArray(); // ==> 2,0
 * ```
 */
export const toHashBucketStrong = tfFunction("strings.toHashBucketStrong", STRONG_PARAMS, (a) =>
  unaryStringOp(
    "StringToHashBucketStrong",
    a.input,
    "int64",
    { num_buckets: a.numBuckets, key: a.key },
    a.name,
  ),
);

/**
 * TF 1.15's `strings.to_hash_bucket(string_tensor=None, num_buckets=None, name=None,
 * input=None)`.
 */
const LEGACY_PARAMS = [
  opt("stringTensor", tensorKind),
  req("numBuckets", intKind),
  opt("name", stringKind),
  alias("input", "stringTensor", tensorKind, true),
] as const;

/**
 * Hashes each string to one of `numBuckets` buckets with TF's legacy Hash64
 * (`tf.strings.toHashBucket`, `tf.stringToHashBucket`; op `StringToHashBucket`). TF
 * recommends `toHashBucketFast` for new code; this one is kept for models built on it.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.strings.toHashBucket(["Hello", "TensorFlow", "2.x"], 3)).toArray(); // ==> 2,0,1
 * ```
 */
export const toHashBucket = tfFunction("strings.toHashBucket", LEGACY_PARAMS, (a) =>
  unaryStringOp(
    "StringToHashBucket",
    requireInput("strings.toHashBucket", a.stringTensor),
    "int64",
    { num_buckets: a.numBuckets },
    a.name,
    "string_tensor",
  ),
);
