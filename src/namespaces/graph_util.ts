/**
 * `tf.graphUtil` (TF's `tf.compat.v1.graph_util`): frozen graphs and GraphDef surgery for
 * deployment.
 */
export {
  convertVariablesToConstants,
  extractSubGraph,
  removeTrainingNodes,
  tensorShapeFromNodeDefName,
  mustRunOnCpu,
} from "../interchange/graph_util.js";
