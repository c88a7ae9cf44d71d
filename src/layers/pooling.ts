import type { Tensor } from "../graph/tensor.js";
import { TensorShape, type ShapeLike } from "../graph/tensor_shape.js";
import { avgPool, maxPool } from "../ops/nn/pooling.js";
import {
  booleanKind,
  declare,
  defineParams,
  keywordOnlyAfter,
  opt,
  req,
  stringKind,
  tensorKind,
  type ArgsOf,
  type CallArgs,
  type OptionsOf,
} from "../graph/call_args.js";
import {
  applyFunctional,
  InputSpec,
  intOrIntsKind,
  Layer,
  LAYER_KWARGS,
  layerNameKind,
  normalizeDataFormat,
  normalizePadding,
  normalizeTuple,
  type ApplyOptions,
} from "./base.js";
import { convOutputLength, dimsOfRank } from "./conv_base.js";

/**
 * What the 2-D pooling layers and functions share, in TF 1.15's order: `poolSize` and
 * `strides` (an int or `[height, width]`), `padding` (`"valid"` or `"same"`, any case),
 * `dataFormat` (`"channels_last"` or `"channels_first"`), `name`.
 */
const POOL_ARGS = [
  req("poolSize", intOrIntsKind),
  req("strides", intOrIntsKind),
  opt("padding", stringKind),
  opt("dataFormat", stringKind),
  opt("name", layerNameKind),
] as const;

/** TF 1.15's `MaxPooling2D(pool_size, strides, padding, data_format, name, **kwargs)`. */
const POOL_PARAMS = [...POOL_ARGS, opt("trainable", booleanKind), ...LAYER_KWARGS] as const;

/** TF 1.15's `max_pooling2d(inputs, pool_size, strides, padding, data_format, name)`. */
const POOL_FN_PARAMS = [req("inputs", tensorKind), ...POOL_ARGS] as const;

/** The options object of the 2-D pooling layers. */
export type Pooling2DOptions = OptionsOf<typeof POOL_PARAMS>;

/** What max and average pooling share (Keras's `Pooling2D`). */
abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: "valid" | "same";
  readonly dataFormat: "channels_last" | "channels_first";

  constructor(a: ArgsOf<typeof POOL_PARAMS>) {
    super({ trainable: a.trainable, name: a.name, dtype: a.dtype, scope: a.scope, reuse: a.reuse });
    this.poolSize = normalizeTuple(a.poolSize, 2, "pool_size") as [number, number];
    this.strides = normalizeTuple(a.strides, 2, "strides") as [number, number];
    this.padding = normalizePadding(a.padding);
    this.dataFormat = normalizeDataFormat(a.dataFormat);
    this.inputSpec = new InputSpec({ ndim: 4 });
  }

  protected abstract readonly poolFunction: typeof maxPool | typeof avgPool;

  protected call(inputs: Tensor, _options: ApplyOptions): Tensor {
    const nchw = this.dataFormat === "channels_first";
    const [ph, pw] = this.poolSize;
    const [sh, sw] = this.strides;
    return this.poolFunction(inputs, {
      ksize: nchw ? [1, 1, ph, pw] : [1, ph, pw, 1],
      strides: nchw ? [1, 1, sh, sw] : [1, sh, sw, 1],
      padding: this.padding === "same" ? "SAME" : "VALID",
      dataFormat: nchw ? "NCHW" : "NHWC",
    });
  }

  override computeOutputShape(inputShape: ShapeLike): TensorShape {
    const dims = dimsOfRank(inputShape, 4);
    const nchw = this.dataFormat === "channels_first";
    const [rows, cols] = (nchw ? [dims[2], dims[3]] : [dims[1], dims[2]]).map((d, i) =>
      convOutputLength(
        d ?? null,
        this.poolSize[i] as number,
        this.padding,
        this.strides[i] as number,
        1,
      ),
    );
    return new TensorShape(
      nchw
        ? [dims[0] ?? null, dims[1] ?? null, rows ?? null, cols ?? null]
        : [dims[0] ?? null, rows ?? null, cols ?? null, dims[3] ?? null],
    );
  }
}

const MAXPOOLING2D_P = keywordOnlyAfter(
  defineParams("layers.MaxPooling2D", POOL_PARAMS),
  POOL_ARGS.length,
);
const AVERAGEPOOLING2D_P = keywordOnlyAfter(
  defineParams("layers.AveragePooling2D", POOL_PARAMS),
  POOL_ARGS.length,
);

/**
 * Max pooling for 2-D inputs (`tf.layers.MaxPooling2D`): op `MaxPool` in the layer's name
 * scope (`max_pooling2d/MaxPool`). No variables.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 28, 28, 8]);
 * new tf.layers.MaxPooling2D(2, 2).apply(x).shape.toString(); // ==> (?, 14, 14, 8)
 * ```
 */
export class MaxPooling2D extends Pooling2D {
  static override readonly className: string | undefined = "MaxPooling2D";
  protected readonly poolFunction = maxPool;

  constructor(...args: CallArgs<typeof POOL_PARAMS>) {
    super(MAXPOOLING2D_P.parse(args));
  }
}

declare(MaxPooling2D, MAXPOOLING2D_P);

/**
 * Average pooling for 2-D inputs (`tf.layers.AveragePooling2D`): op `AvgPool` in the
 * layer's name scope (`average_pooling2d/AvgPool`).
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 28, 28, 8]);
 * new tf.layers.AveragePooling2D(2, 2).apply(x).shape.toString(); // ==> (?, 14, 14, 8)
 * ```
 */
export class AveragePooling2D extends Pooling2D {
  static override readonly className: string | undefined = "AveragePooling2D";
  protected readonly poolFunction = avgPool;

  constructor(...args: CallArgs<typeof POOL_PARAMS>) {
    super(AVERAGEPOOLING2D_P.parse(args));
  }
}

declare(AveragePooling2D, AVERAGEPOOLING2D_P);

/**
 * Max pooling (`tf.layers.max_pooling2d`): `poolSize` and `strides` are ints or
 * `[height, width]`. The layer is named `max_pooling2d`, `max_pooling2d_1`, … unless `name`
 * is given.
 *
 * @example
 * ```ts
 * const h = tf.placeholder(tf.float32, [null, 28, 28, 8]);
 * tf.layers.maxPooling2d(h, 2, 2).name; // ==> max_pooling2d/MaxPool:0
 * ```
 */
export const maxPooling2d = poolFunction("layers.maxPooling2d", MaxPooling2D);

/**
 * Average pooling (`tf.layers.average_pooling2d`).
 *
 * @example
 * ```ts
 * const h = tf.placeholder(tf.float32, [null, 7, 7, 8]);
 * const p = tf.layers.averagePooling2d(h, 2, 2, { padding: "same" });
 * p.name; // ==> average_pooling2d/AvgPool:0
 * p.shape.toString(); // ==> (?, 4, 4, 8)
 * ```
 */
export const averagePooling2d = poolFunction("layers.averagePooling2d", AveragePooling2D);

/** A functional pooling layer: TF's `layer = MaxPooling2D(…, name=name); layer.apply(inputs)`. */
function poolFunction(
  fn: string,
  Cls: typeof MaxPooling2D | typeof AveragePooling2D,
): (...args: CallArgs<typeof POOL_FN_PARAMS>) => Tensor {
  const list = defineParams(fn, POOL_FN_PARAMS);
  return declare((...args: CallArgs<typeof POOL_FN_PARAMS>): Tensor => {
    const { inputs, ...a } = list.parse(args);
    return applyFunctional(inputs, () => new Cls(a));
  }, list);
}
