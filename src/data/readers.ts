import {
  declare,
  defineParams,
  intOrTensorKind,
  kind,
  opt,
  req,
  tensorKind,
  type CallArgs,
} from "../graph/call_args.js";
import type { Graph } from "../graph/graph.js";
import { Tensor, type TensorLike } from "../graph/tensor.js";
import { reshape } from "../ops/array/reshape.js";
import { convertToTensor } from "../ops/convert.js";
import { pythonOperator } from "../ops/math/operators.js";
import { building, datasetFunctionOp, datasetOp, Dataset } from "./dataset.js";
import { ComponentSpec } from "./dataset.js";
import { TensorShape } from "../graph/tensor_shape.js";

/** TF's `_DEFAULT_READER_BUFFER_SIZE_BYTES` (256 KiB). */
const DEFAULT_READER_BUFFER_SIZE_BYTES = 256 * 1024;

const filenamesKind = kind<TensorLike | Dataset>(
  "a string Tensor (or value), or a Dataset of strings",
  (v) => v instanceof Dataset || tensorKind.check(v),
);
const stringOrTensorKind = kind<string | Tensor>(
  "a str or a string Tensor",
  (v) => typeof v === "string" || v instanceof Tensor,
);

const TFRECORD_DATASET = defineParams("data.TFRecordDataset", [
  req("filenames", filenamesKind),
  opt("compressionType", stringOrTensorKind),
  opt("bufferSize", intOrTensorKind),
  opt("numParallelReads", intOrTensorKind),
] as const);

/** `_create_or_validate_filenames_dataset`: a dataset of scalar file names. */
function filenamesDataset(filenames: TensorLike | Dataset): Dataset {
  if (filenames instanceof Dataset) {
    const spec = filenames.elementSpec;
    if (
      !(spec instanceof ComponentSpec) ||
      spec.dtype !== "string" ||
      !spec.shape.isCompatibleWith(TensorShape.scalar())
    ) {
      throw new TypeError(
        "`filenames` must be a `tf.data.Dataset` of scalar `tf.string` elements.",
      );
    }
    return filenames;
  }
  const t = convertToTensor(filenames, { preferredDtype: "string" });
  if (t.dtype !== "string") {
    throw new TypeError("`filenames` must be a `tf.Tensor` of `tf.string` elements.");
  }
  return Dataset.fromTensorSlices(reshape(t, [-1], { name: "flat_filenames" }));
}

/** `_TFRecordDataset`: the `TFRecordDataset` op over `filenames`, with TF's default inputs. */
function recordsOf(
  graph: Graph,
  filenames: Tensor,
  compressionType: string | Tensor | undefined,
  bufferSize: number | TensorLike | undefined,
): Tensor {
  const compression = convertToTensor(compressionType ?? "", {
    dtype: "string",
    name: "compression_type",
  });
  const buffer = convertToTensor(bufferSize ?? DEFAULT_READER_BUFFER_SIZE_BYTES, {
    dtype: "int64",
    name: "buffer_size",
  });
  return datasetOp(
    graph,
    "TFRecordDataset",
    [filenames, compression, buffer],
    new ComponentSpec("string", TensorShape.scalar()),
  );
}

function build(args: CallArgs<typeof TFRECORD_DATASET.params>): Dataset {
  const a = TFRECORD_DATASET.parse(args);
  const values = [a.filenames, a.compressionType, a.bufferSize, a.numParallelReads].filter(
    (v) => v !== undefined && !(v instanceof Dataset),
  );
  return building(values, (graph) => {
    const files = filenamesDataset(a.filenames);
    const readOneFile = (filename: Tensor): Dataset => {
      const name = convertToTensor(filename, { dtype: "string", name: "filename" });
      return Dataset.wrap(
        recordsOf(name.graph, name, a.compressionType, a.bufferSize),
        new ComponentSpec("string", TensorShape.scalar()),
      );
    };
    Object.defineProperty(readOneFile, "name", { value: "read_one_file" });
    if (a.numParallelReads === undefined || a.numParallelReads === null) {
      return datasetFunctionOp(
        graph,
        files,
        "flat_map",
        readOneFile,
        "FlatMapDataset",
        () => [],
        {},
      );
    }
    const parallel = a.numParallelReads;
    // TF's `ParallelInterleaveDataset(filenames, read_one_file, cycle_length=num_parallel_reads,
    // block_length=1, sloppy=False)`: files read in turn, one record from each.
    return datasetFunctionOp(
      graph,
      files,
      "interleave",
      readOneFile,
      "ParallelInterleaveDataset",
      () => {
        const cycle = convertToTensor(parallel, { dtype: "int64", name: "cycle_length" });
        const block = convertToTensor(1, { dtype: "int64", name: "block_length" });
        const sloppy = convertToTensor(false, { dtype: "bool", name: "sloppy" });
        const buffer = convertToTensor(2, { dtype: "int64", name: "buffer_output_elements" });
        const prefetch =
          typeof parallel === "number"
            ? convertToTensor(2 * parallel, { dtype: "int64", name: "prefetch_input_elements" })
            : pythonOperator("mul", 2, cycle);
        return [cycle, block, sloppy, buffer, prefetch];
      },
      {},
    );
  });
}

/**
 * The records of TFRecord files as scalar `string` elements (`tf.data.TFRecordDataset`,
 * TF 1.15's `TFRecordDatasetV1`). As TensorFlow builds it: the file names flattened
 * (`flat_filenames`) into a `TensorSliceDataset`, and a `FlatMapDataset` whose function
 * (`read_one_file`) makes one `TFRecordDataset` op per file, with a `compression_type`
 * (`""`, `"ZLIB"` or `"GZIP"`) and a read `buffer_size` in bytes (256 KiB by default). With
 * `numParallelReads`, a `ParallelInterleaveDataset` reads that many files in turn, a record
 * from each, in a fixed order. Files are read when an iterator reaches them: a missing file
 * is a `NotFoundError` and a damaged record (each record's CRC32C is checked) a
 * `DataLossError`, both raised by the `IteratorGetNext` that reached them.
 *
 * @example
 * ```ts
 * const w = new tf.io.TFRecordWriter("ds.tfrecord");
 * w.write("first");
 * w.write("second");
 * w.close();
 * const ds = new tf.data.TFRecordDataset("ds.tfrecord");
 * const next = ds.makeOneShotIterator().getNext() as tf.Tensor;
 * using sess = new tf.Session();
 * String(sess.run(next)); // ==> b'first'
 * String(sess.run(next)); // ==> b'second'
 * ds.variantTensor.op.type; // ==> FlatMapDataset
 * ```
 */
export class TFRecordDataset extends Dataset {
  constructor(...args: CallArgs<typeof TFRECORD_DATASET.params>) {
    const built = build(args);
    super(built.variantTensor, built.elementSpec);
  }
}
declare(TFRecordDataset, TFRECORD_DATASET);
