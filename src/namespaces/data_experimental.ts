/** `tf.data.experimental`. */

/** A buffer size (or parallelism) for tf.data to choose (`tf.data.experimental.AUTOTUNE`). */
export const AUTOTUNE = -1;
