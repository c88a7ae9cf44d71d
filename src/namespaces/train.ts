/** `tf.train`: optimizers and the global step (checkpoints join later). */
export {
  Optimizer,
  type GradAndVar,
  type MinimizeOptions,
  type ComputeGradientsOptions,
  type ApplyGradientsOptions,
} from "../train/optimizer.js";
export {
  GradientDescentOptimizer,
  MomentumOptimizer,
  AdamOptimizer,
  RMSPropOptimizer,
  AdagradOptimizer,
  type HyperParameter,
  type GradientDescentOptions,
  type MomentumOptions,
  type AdamOptions,
  type RMSPropOptions,
  type AdagradOptions,
} from "../train/optimizers.js";
export { getGlobalStep, createGlobalStep, getOrCreateGlobalStep } from "../train/global_step.js";
export {
  Saver,
  type SaverOptions,
  type SaveOptions,
  type SaverVarList,
  type SaverDef,
} from "../checkpoint/saver.js";
export { exportMetaGraph } from "../interchange/meta_graph.js";
export { importMetaGraph } from "../interchange/import_meta_graph.js";
export {
  latestCheckpoint,
  latestCheckpointAsync,
  getCheckpointStateAsync,
  getCheckpointState,
  checkpointExists,
  getCheckpointMtimes,
} from "../checkpoint/checkpoint_management.js";
export {
  listVariables,
  loadVariable,
  initFromCheckpoint,
  type AssignmentTarget,
} from "../checkpoint/checkpoint_utils.js";
export { loadCheckpoint, CheckpointReader } from "../checkpoint/checkpoint_reader.js";
export {
  exponentialDecay,
  piecewiseConstant,
  piecewiseConstantDecay,
  polynomialDecay,
  naturalExpDecay,
  inverseTimeDecay,
  cosineDecay,
  type ExponentialDecayOptions,
  type PiecewiseConstantOptions,
  type PolynomialDecayOptions,
  type CosineDecayOptions,
} from "../train/learning_rate_decay.js";
export {
  ExponentialMovingAverage,
  type ExponentialMovingAverageOptions,
  type Averageable,
} from "../train/moving_averages.js";
export {
  SessionRunHook,
  SessionRunArgs,
  SessionRunContext,
  type SessionRunValues,
} from "../train/session_run_hook.js";
export {
  SecondOrStepTimer,
  StopAtStepHook,
  CheckpointSaverHook,
  CheckpointSaverListener,
  LoggingTensorHook,
  StepCounterHook,
  SummarySaverHook,
  NanTensorHook,
  NanLossDuringTrainingError,
  type LoggedTensors,
  type TensorValues,
} from "../train/basic_session_run_hooks.js";
export {
  Scaffold,
  ChiefSessionCreator,
  MonitoredSession,
  SingularMonitoredSession,
  MonitoredTrainingSession,
  type SessionCreator,
  type HookLike,
  type ScaffoldInitFn,
} from "../train/monitored_session.js";
export {
  Example,
  SequenceExample,
  Features,
  Feature,
  BytesList,
  FloatList,
  Int64List,
  summaryIterator,
  type ExampleType,
  type FeatureValues,
  type DecodedFeatureValues,
  type PublicMessageType,
} from "../io/messages.js";
