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
import { building, datasetFunctionOp, Dataset } from "./dataset.js";
import { checkOpInputs } from "../ops/input_types.js";
import { makeOp } from "../ops/op_scope.js";
import { checkReaderShapes } from "./dataset_ops.js";
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
  // A source op: only its OpDef's inputs, no `output_types` attrs (so its GraphDef exports).
  return readerOp(graph, "TFRecordDataset", [filenames, compression, buffer]).variantTensor;
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

/** `convert.optional_param_to_tensor`: the value, or TF's default, as a tensor named `name`. */
function optionalParam(
  name: string,
  value: TensorLike | null | undefined,
  fallback: number | string,
  dtype: "int64" | "string",
): Tensor {
  return convertToTensor(value ?? fallback, { dtype, name });
}

/**
 * A reader op of TF 1.15's `DatasetSource` readers: one op, named as its type, with only its
 * OpDef's inputs (a source op has no `output_types` attrs), checked by TF's shape function.
 */
function readerOp(graph: Graph, type: string, inputs: readonly Tensor[]): Dataset {
  checkOpInputs(type, inputs, {});
  const shape = checkReaderShapes(
    graph.uniqueName(type, false),
    type,
    inputs.map((t) => t.shape),
  );
  const op = makeOp(graph, type, type, inputs, [{ dtype: "variant", shape }]);
  return Dataset.wrap(op.outputs[0] as Tensor, new ComponentSpec("string", TensorShape.scalar()));
}

const TEXT_LINE_DATASET = defineParams("data.TextLineDataset", [
  req("filenames", tensorKind),
  opt("compressionType", stringOrTensorKind),
  opt("bufferSize", intOrTensorKind),
] as const);

/**
 * The lines of text files as scalar `string` elements (`tf.data.TextLineDataset`, TF 1.15's
 * `TextLineDatasetV1`): one `TextLineDataset` op over the file names (a scalar or a vector,
 * converted as `filenames`), with a `compression_type` (`""`, `"ZLIB"` or `"GZIP"`) and a
 * read `buffer_size` (256 KiB by default). Lines end at `\n`; every `\r` is dropped (so
 * `\r\n` endings are stripped) and a last line without a newline is kept. Files are read
 * through Node's `fs` when an iterator reaches them: a missing file is a `NotFoundError` at
 * `IteratorGetNext`.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * writeFileSync("lines.txt", "first\r\nsecond\nthird");
 * const ds = new tf.data.TextLineDataset("lines.txt");
 * const next = ds.makeOneShotIterator().getNext() as tf.Tensor;
 * using sess = new tf.Session();
 * String(sess.run(next)); // ==> b'first'
 * String(sess.run(next)); // ==> b'second'
 * String(sess.run(next)); // ==> b'third'
 * ds.variantTensor.op.type; // ==> TextLineDataset
 * ```
 */
export class TextLineDataset extends Dataset {
  constructor(...args: CallArgs<typeof TEXT_LINE_DATASET.params>) {
    const a = TEXT_LINE_DATASET.parse(args);
    const built = building([a.filenames, a.compressionType, a.bufferSize], (graph) => {
      const filenames = convertToTensor(a.filenames, { dtype: "string", name: "filenames" });
      const compression = optionalParam("compression_type", a.compressionType, "", "string");
      const buffer = optionalParam(
        "buffer_size",
        a.bufferSize,
        DEFAULT_READER_BUFFER_SIZE_BYTES,
        "int64",
      );
      return readerOp(graph, "TextLineDataset", [filenames, compression, buffer]);
    });
    super(built.variantTensor, built.elementSpec);
  }
}
declare(TextLineDataset, TEXT_LINE_DATASET);

const FIXED_LENGTH_RECORD_DATASET = defineParams("data.FixedLengthRecordDataset", [
  req("filenames", tensorKind),
  req("recordBytes", intOrTensorKind),
  opt("headerBytes", intOrTensorKind),
  opt("footerBytes", intOrTensorKind),
  opt("bufferSize", intOrTensorKind),
  opt("compressionType", stringOrTensorKind),
] as const);

/**
 * The fixed-length records of binary files as scalar `string` elements
 * (`tf.data.FixedLengthRecordDataset`, TF 1.15's `FixedLengthRecordDatasetV1`): one
 * `FixedLengthRecordDatasetV2` op (the op 1.15 builds) skipping `headerBytes` at the start
 * of each file and `footerBytes` at its end, with an optional `compressionType` (`""`,
 * `"ZLIB"`, `"GZIP"`). A file whose body is not a whole number of records is TF's
 * `InvalidArgumentError` when the iterator reaches it (`DataLossError` for a compressed
 * file, found at its end).
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * writeFileSync("records.bin", Uint8Array.of(9, 1, 0, 0, 0, 2, 0, 0, 0));
 * const ds = new tf.data.FixedLengthRecordDataset("records.bin", 4, 1)
 *   .map((r: tf.Tensor) => tf.io.decodeRaw(r, tf.int32));
 * const next = ds.makeOneShotIterator().getNext() as tf.Tensor;
 * using sess = new tf.Session();
 * sess.run(next).toArray(); // ==> 1
 * sess.run(next).toArray(); // ==> 2
 * ```
 */
export class FixedLengthRecordDataset extends Dataset {
  constructor(...args: CallArgs<typeof FIXED_LENGTH_RECORD_DATASET.params>) {
    const a = FIXED_LENGTH_RECORD_DATASET.parse(args);
    const values = [
      a.filenames,
      a.recordBytes,
      a.headerBytes,
      a.footerBytes,
      a.bufferSize,
      a.compressionType,
    ];
    const built = building(values, (graph) => {
      const filenames = convertToTensor(a.filenames, { dtype: "string", name: "filenames" });
      const record = convertToTensor(a.recordBytes, { dtype: "int64", name: "record_bytes" });
      const header = optionalParam("header_bytes", a.headerBytes, 0, "int64");
      const footer = optionalParam("footer_bytes", a.footerBytes, 0, "int64");
      const buffer = optionalParam(
        "buffer_size",
        a.bufferSize,
        DEFAULT_READER_BUFFER_SIZE_BYTES,
        "int64",
      );
      const compression = optionalParam("compression_type", a.compressionType, "", "string");
      return readerOp(graph, "FixedLengthRecordDatasetV2", [
        filenames,
        header,
        record,
        footer,
        buffer,
        compression,
      ]);
    });
    super(built.variantTensor, built.elementSpec);
  }
}
declare(FixedLengthRecordDataset, FIXED_LENGTH_RECORD_DATASET);
