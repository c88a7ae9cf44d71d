import type { Tensor } from "../../graph/tensor.js";
import { req, tensorKind, tfFunction } from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { concat } from "../array/concat.js";
import { constant } from "../array/constant.js";
import { pad } from "../array/pad.js";
import { reshape } from "../array/reshape.js";
import { shape } from "../array/shape.js";
import { tile } from "../array/tile.js";
import { depthwiseConv2d } from "../nn/separable_conv.js";
import { inGraphOf } from "./image_ops.js";

/** TF 1.15's `sobel_edges(image)`. */
const SOBEL_PARAMS = [req("image", tensorKind)] as const;

/** TF's vertical (`dy`) and horizontal (`dx`) Sobel filters. */
const SOBEL_DY = [
  [-1, -2, -1],
  [0, 0, 0],
  [1, 2, 1],
];
const SOBEL_DX = [
  [-1, 0, 1],
  [-2, 0, 2],
  [-1, 0, 1],
];

/** The filters as a depthwise convolution takes them: `[3, 3, 1, 2]`, `dy` first. */
const SOBEL_FILTERS = SOBEL_DY.map((row, r) => row.map((v, c) => [[v, SOBEL_DX[r]![c]!]]));

/**
 * Sobel edge maps of a batch of images (`tf.image.sobel_edges`): for `[batch, h, w, d]`
 * input, `[batch, h, w, d, 2]` holding each channel's `[dy, dx]`. The image is
 * reflect-padded by 1 and convolved channel by channel (`tf.nn.depthwise_conv2d` with the
 * filters tiled to `d` channels, named `sobel_filters`), in the caller's name scope as in
 * TensorFlow.
 *
 * @example
 * ```ts
 * const img = tf.reshape(tf.constant([1, 3, 6, 4, 1, 5]), [1, 2, 3, 1]);
 * const edges = tf.image.sobelEdges(img);
 * edges.shape.toString(); // ==> (1, 2, 3, 1, 2)
 * using sess = new tf.Session();
 * sess.run(tf.reshape(edges, [2, 3, 2])); // ==> [[[ 0.  0.]
 *                                         //       [ 0. 12.]
 *                                         //       [ 0.  0.]]
 *                                         //
 *                                         //      [[ 0.  0.]
 *                                         //       [ 0. 12.]
 *                                         //       [ 0.  0.]]]
 * ```
 */
export const sobelEdges = tfFunction("image.sobel_edges", SOBEL_PARAMS, (a) => {
  return inGraphOf([a.image], (): Tensor => {
    const image = convertToTensor(a.image);
    const staticShape = image.shape;
    const imageShape = shape(image);
    const filters = constant(SOBEL_FILTERS, { dtype: image.dtype });
    const tiled = tile(filters, [1, 1, imageShape.get(-1), 1], { name: "sobel_filters" });
    const padded = pad(
      image,
      [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
      { mode: "REFLECT" },
    );
    const output = depthwiseConv2d(padded, tiled, [1, 1, 1, 1], "VALID");
    const result = reshape(output, concat([imageShape, [2]], 0));
    if (staticShape.dims !== null) result.setShape([...staticShape.dims, 2]);
    return result;
  });
});
