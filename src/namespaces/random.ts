/** `tf.random`: TF 1.15's v1 names of the random functions scopeflow has. */
export {
  randomNormal as normal,
  randomUniform as uniform,
  truncatedNormal,
} from "../ops/random/random_ops.js";
export { setRandomSeed } from "../ops/random/seed.js";
export {
  uniformCandidateSampler,
  logUniformCandidateSampler,
} from "../ops/random/candidate_sampling.js";
export {
  randomShuffle as shuffle,
  multinomial,
  categorical,
} from "../ops/random/shuffle_multinomial.js";
// random (gamma/poisson): `tf.random.gamma` and TF 1.15's v1 `tf.random.poisson(lam, shape)`.
export { randomGamma as gamma, randomPoisson as poisson } from "../ops/random/gamma_poisson.js";
export {
  statelessRandomUniform as statelessUniform,
  statelessRandomNormal as statelessNormal,
  statelessTruncatedNormal,
} from "../ops/random/stateless.js";
