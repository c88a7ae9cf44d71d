/**
 * Runs TensorFlow Serving's `half_plus_two` test model — a SavedModel written by
 * TensorFlow 1.14 (`saved_model.pb` + `variables/`) — with no Python and no converter:
 * the meta graph tagged `serve` is imported, its variables restored by its own sharded
 * saver's `save/restore_all`, its main op run, and its signatures used as TF Serving uses
 * them: Predict (`serving_default`, `y = 0.5 * x + 2`), Regress and Classify (serialized
 * `tf.train.Example`s, parsed by the graph's own `ParseExample`).
 *
 * Python:
 *   with tf.Session(graph=tf.Graph()) as sess:
 *     meta = tf.saved_model.loader.load(sess, [tf.saved_model.tag_constants.SERVING], export_dir)
 *     sig = meta.signature_def["serving_default"]
 *     y = sess.run(sig.outputs["y"].name, {sig.inputs["x"].name: [[1.0], [2.0], [5.0]]})
 *
 * Run: npx tsx examples/half_plus_two.ts
 */
import * as tf from "../src/index.js";

await tf.ready();

const EXPORT_DIR =
  "test/fixtures/tf-graphs/tf-serving-savedmodels-tf1/saved_model_half_plus_two_cpu/00000123";

/** Serialized `tf.train.Example`s with one float feature `x` each. */
function examples(xs: number[]): tf.NDArray {
  const bytes = xs.map((x) =>
    tf.train.Example.toBinary(tf.train.Example.fromFeatures({ x: { floatList: [x] } })),
  );
  return tf.NDArray.fromTypedArray(bytes, [bytes.length], "string");
}

{
  using sess = new tf.Session({ graph: new tf.Graph() });
  const meta = tf.savedModel.loader.load(sess, [tf.savedModel.tagConstants.SERVING], EXPORT_DIR);
  console.log(
    `loaded: tags ${JSON.stringify(meta.metaInfoDef?.tags)}, written by TensorFlow ${meta.metaInfoDef?.tensorflowVersion}`,
  );
  const signatures = meta.signatureDef ?? {};
  for (const key of Object.keys(signatures).sort()) {
    const sig = signatures[key];
    const ins = Object.entries(sig?.inputs ?? {}).map(([k, v]) => `${k}=${v.name}`);
    const outs = Object.entries(sig?.outputs ?? {}).map(([k, v]) => `${k}=${v.name}`);
    console.log(`  ${key}: ${sig?.methodName} (${ins.join(", ")}) -> (${outs.join(", ")})`);
  }

  const tensor = (name: string | null | undefined) => sess.graph.getTensorByName(name ?? "");
  const predict = signatures[tf.savedModel.signatureConstants.DEFAULT_SERVING_SIGNATURE_DEF_KEY];
  const x = [[1], [2], [5]];
  const y = sess.run(
    tensor(predict?.outputs?.y?.name),
    new Map([[tensor(predict?.inputs?.x?.name), x]]),
  );
  console.log(
    `predict   x = ${JSON.stringify(x.flat())} -> y = ${JSON.stringify((y.toArray() as number[][]).flat())}`,
  );

  const regress = signatures.regress_x_to_y;
  const r = sess.run(
    tensor(regress?.outputs?.outputs?.name),
    new Map([[tensor(regress?.inputs?.inputs?.name), examples([0, 3, 10])]]),
  );
  console.log(
    `regress   Examples x = [0,3,10] -> ${JSON.stringify((r.toArray() as number[][]).flat())}`,
  );

  const classify = signatures.classify_x_to_y;
  const c = sess.run(
    tensor(classify?.outputs?.scores?.name),
    new Map([[tensor(classify?.inputs?.inputs?.name), examples([-4])]]),
  );
  console.log(
    `classify  Examples x = [-4] -> scores ${JSON.stringify((c.toArray() as number[][]).flat())}`,
  );

  // The restored variables, read back from the checkpoint TensorFlow wrote.
  const [a, b] = ["a:0", "b:0"].map((n) => sess.run(tensor(n)).toArray());
  console.log(`variables a = ${a}, b = ${b}`);
}
