/** `tf.io`: reading and writing TensorFlow's files. */
export { writeGraph } from "../interchange/write_graph.js";
