import type { Tensor, TensorLike } from "../graph/tensor.js";
import { TensorShape, type ShapeLike } from "../graph/tensor_shape.js";
import { avgPool, maxPool } from "../ops/nn/pooling.js";
import {
  applyFunctional,
  InputSpec,
  Layer,
  normalizeDataFormat,
  normalizePadding,
  normalizeTuple,
  type ApplyOptions,
  type LayerOptions,
} from "./base.js";
import { convOutputLength, fourDims } from "./conv2d.js";

/** Options of the 2-D pooling layers. */
export interface Pooling2DOptions extends Omit<LayerOptions, "scope" | "activityRegularizer"> {
  /** `"valid"` (default) or `"same"` (case-insensitive). */
  padding?: "valid" | "same" | "VALID" | "SAME";
  /** `"channels_last"` (default, NHWC) or `"channels_first"` (NCHW). */
  dataFormat?: "channels_last" | "channels_first";
}

/** What max and average pooling share (Keras's `Pooling2D`). */
abstract class Pooling2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: "valid" | "same";
  readonly dataFormat: "channels_last" | "channels_first";

  constructor(
    poolSize: number | readonly number[],
    strides: number | readonly number[] | null | undefined,
    options: Pooling2DOptions,
  ) {
    super(options);
    this.poolSize = normalizeTuple(poolSize, 2, "pool_size") as [number, number];
    this.strides = normalizeTuple(strides ?? poolSize, 2, "strides") as [number, number];
    this.padding = normalizePadding(options.padding);
    this.dataFormat = normalizeDataFormat(options.dataFormat);
    this.inputSpec = new InputSpec({ ndim: 4 });
  }

  protected abstract readonly poolFunction: typeof maxPool;

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
    const dims = fourDims(inputShape);
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
  static override readonly layerName: string | undefined = "max_pooling2d";
  protected readonly poolFunction = maxPool;

  constructor(
    poolSize: number | readonly number[],
    strides?: number | readonly number[] | null,
    options: Pooling2DOptions = {},
  ) {
    super(poolSize, strides, options);
  }
}

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
  static override readonly layerName: string | undefined = "average_pooling2d";
  protected readonly poolFunction = avgPool;

  constructor(
    poolSize: number | readonly number[],
    strides?: number | readonly number[] | null,
    options: Pooling2DOptions = {},
  ) {
    super(poolSize, strides, options);
  }
}

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
export function maxPooling2d(
  inputs: TensorLike,
  poolSize: number | readonly number[],
  strides: number | readonly number[],
  options: Pooling2DOptions = {},
): Tensor {
  return applyFunctional(inputs, () => new MaxPooling2D(poolSize, strides, options));
}

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
export function averagePooling2d(
  inputs: TensorLike,
  poolSize: number | readonly number[],
  strides: number | readonly number[],
  options: Pooling2DOptions = {},
): Tensor {
  return applyFunctional(inputs, () => new AveragePooling2D(poolSize, strides, options));
}
