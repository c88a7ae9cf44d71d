/** `tf.sets`: set operations over the last dimension of dense tensors and `SparseTensor`s. */
export {
  setDifference,
  setDifference as difference,
  setIntersection,
  setIntersection as intersection,
  setSize,
  setSize as size,
  setUnion,
  setUnion as union,
} from "../ops/sets.js";
