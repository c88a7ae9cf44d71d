/** `tf.contrib.stateless`: TF 1.15's contrib names of the stateless random functions. */
export {
  statelessRandomUniform,
  statelessRandomNormal,
  statelessTruncatedNormal,
} from "../ops/random/stateless.js";
