import type { Tensor } from "../graph/tensor.js";
import { TensorShape, type ShapeLike } from "../graph/tensor_shape.js";
import { avgPool, maxPool } from "../ops/nn/pooling.js";
import { avgPool3d, maxPool3d } from "../ops/nn/pooling3d.js";
import { transpose } from "../ops/array/transpose.js";
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

/** What max and average pooling share, in `rank` spatial dimensions (Keras's `Pooling2D`). */
abstract class Pooling extends Layer {
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: "valid" | "same";
  readonly dataFormat: "channels_last" | "channels_first";

  constructor(
    readonly rank: number,
    a: ArgsOf<typeof POOL_PARAMS>,
  ) {
    super({ trainable: a.trainable, name: a.name, dtype: a.dtype, scope: a.scope, reuse: a.reuse });
    this.poolSize = normalizeTuple(a.poolSize, rank, "pool_size");
    this.strides = normalizeTuple(a.strides, rank, "strides");
    this.padding = normalizePadding(a.padding);
    this.dataFormat = normalizeDataFormat(a.dataFormat);
    this.inputSpec = new InputSpec({ ndim: rank + 2 });
  }

  override computeOutputShape(inputShape: ShapeLike): TensorShape {
    const n = this.rank + 2;
    const dims = dimsOfRank(inputShape, n);
    const first = this.dataFormat === "channels_first";
    const spatial = (first ? dims.slice(2) : dims.slice(1, n - 1)).map((d, i) =>
      convOutputLength(
        d ?? null,
        this.poolSize[i] as number,
        this.padding,
        this.strides[i] as number,
        1,
      ),
    );
    const batch = dims[0] ?? null;
    const channels = (first ? dims[1] : dims[n - 1]) ?? null;
    return new TensorShape(first ? [batch, channels, ...spatial] : [batch, ...spatial, channels]);
  }
}

/** The 2-D pooling layers (Keras's `Pooling2D`). */
abstract class Pooling2D extends Pooling {
  declare readonly poolSize: [number, number];
  declare readonly strides: [number, number];

  constructor(a: ArgsOf<typeof POOL_PARAMS>) {
    super(2, a);
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
  Cls: new (...args: CallArgs<typeof POOL_PARAMS>) => Pooling,
): (...args: CallArgs<typeof POOL_FN_PARAMS>) => Tensor {
  const list = defineParams(fn, POOL_FN_PARAMS);
  return declare((...args: CallArgs<typeof POOL_FN_PARAMS>): Tensor => {
    const { inputs, ...a } = list.parse(args);
    return applyFunctional(inputs, () => new Cls(a));
  }, list);
}

// conv3d: the 3-D pooling layers.

/**
 * The 3-D pooling layers (Keras's `Pooling3D`): TF's 3-D pooling ops pool channels-last
 * only, so `channels_first` inputs are transposed around them, as Keras does.
 */
abstract class Pooling3D extends Pooling {
  declare readonly poolSize: [number, number, number];
  declare readonly strides: [number, number, number];

  constructor(a: ArgsOf<typeof POOL_PARAMS>) {
    super(3, a);
  }

  protected abstract readonly poolFunction: typeof maxPool3d | typeof avgPool3d;

  protected call(inputs: Tensor, _options: ApplyOptions): Tensor {
    const first = this.dataFormat === "channels_first";
    const x = first ? transpose(inputs, [0, 2, 3, 4, 1]) : inputs;
    const outputs = this.poolFunction(
      x,
      [1, ...this.poolSize, 1],
      [1, ...this.strides, 1],
      this.padding === "same" ? "SAME" : "VALID",
    );
    return first ? transpose(outputs, [0, 4, 1, 2, 3]) : outputs;
  }
}

const MAXPOOLING3D_P = keywordOnlyAfter(
  defineParams("layers.MaxPooling3D", POOL_PARAMS),
  POOL_ARGS.length,
);
const AVERAGEPOOLING3D_P = keywordOnlyAfter(
  defineParams("layers.AveragePooling3D", POOL_PARAMS),
  POOL_ARGS.length,
);

/**
 * Max pooling for 3-D inputs (`tf.layers.MaxPooling3D`): op `MaxPool3D` in the layer's
 * name scope (`max_pooling3d/MaxPool3D`). No variables.
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 8, 28, 28, 4]);
 * new tf.layers.MaxPooling3D(2, 2).apply(x).shape.toString(); // ==> (?, 4, 14, 14, 4)
 * ```
 */
export class MaxPooling3D extends Pooling3D {
  static override readonly className: string | undefined = "MaxPooling3D";
  protected readonly poolFunction = maxPool3d;

  constructor(...args: CallArgs<typeof POOL_PARAMS>) {
    super(MAXPOOLING3D_P.parse(args));
  }
}

declare(MaxPooling3D, MAXPOOLING3D_P);

/**
 * Average pooling for 3-D inputs (`tf.layers.AveragePooling3D`): op `AvgPool3D` in the
 * layer's name scope (`average_pooling3d/AvgPool3D`).
 *
 * @example
 * ```ts
 * const x = tf.placeholder(tf.float32, [null, 8, 28, 28, 4]);
 * new tf.layers.AveragePooling3D([1, 2, 2], [1, 2, 2]).apply(x).shape.toString(); // ==> (?, 8, 14, 14, 4)
 * ```
 */
export class AveragePooling3D extends Pooling3D {
  static override readonly className: string | undefined = "AveragePooling3D";
  protected readonly poolFunction = avgPool3d;

  constructor(...args: CallArgs<typeof POOL_PARAMS>) {
    super(AVERAGEPOOLING3D_P.parse(args));
  }
}

declare(AveragePooling3D, AVERAGEPOOLING3D_P);

/**
 * 3-D max pooling (`tf.layers.max_pooling3d`): `poolSize` and `strides` are ints or
 * `[depth, height, width]`.
 *
 * @example
 * ```ts
 * const h = tf.placeholder(tf.float32, [null, 4, 8, 8, 2]);
 * tf.layers.maxPooling3d(h, 2, 2).name; // ==> max_pooling3d/MaxPool3D:0
 * ```
 */
export const maxPooling3d = poolFunction("layers.maxPooling3d", MaxPooling3D);

/**
 * 3-D average pooling (`tf.layers.average_pooling3d`).
 *
 * @example
 * ```ts
 * const h = tf.placeholder(tf.float32, [null, 5, 7, 7, 2]);
 * const p = tf.layers.averagePooling3d(h, 2, 2, { padding: "same" });
 * p.name; // ==> average_pooling3d/AvgPool3D:0
 * p.shape.toString(); // ==> (?, 3, 4, 4, 2)
 * ```
 */
export const averagePooling3d = poolFunction("layers.averagePooling3d", AveragePooling3D);
