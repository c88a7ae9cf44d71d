import { ValueError } from "../../errors.js";
import { isTensorConvertible, Tensor, type TensorLike } from "../../graph/tensor.js";
import {
  declare,
  defineParams,
  isPlainObject,
  oneOfKind,
  opt,
  stringKind,
  type OptionsOf,
} from "../../graph/call_args.js";
import { convertToTensor } from "../convert.js";
import { pythonOperator } from "../math/operators.js";
import { inOpScope } from "../op_scope.js";
import { ones } from "./fill.js";
import { reshape } from "./reshape.js";
import { size } from "./shape.js";
import { stack } from "./stack.js";

/** The keywords of TF 1.15's `meshgrid(*args, **kwargs)`: `indexing="xy"`, `name="meshgrid"`. */
const MESHGRID_KEYWORDS = defineParams("meshgrid", [
  opt("indexing", oneOfKind("xy", "ij")),
  opt("name", stringKind),
] as const);

/** The options object of {@link meshgrid}. */
export type MeshgridOptions = OptionsOf<typeof MESHGRID_KEYWORDS.params>;

/**
 * Coordinate grids from 1-D coordinate vectors (`tf.meshgrid(*args, indexing, name)`),
 * built as TF 1.15 builds them under `meshgrid`: each input reshaped to one non-unit axis
 * (`stack`, `Reshape`) and multiplied by `ones` of the grid's shape. `indexing: "xy"` (the
 * default) swaps the first two axes, as NumPy's.
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * const [X, Y] = tf.meshgrid([1, 2, 3], [4, 5]);
 * sess.run(X); // ==> [[1. 2. 3.]
 *              //      [1. 2. 3.]]
 * sess.run(Y); // ==> [[4. 4. 4.]
 *              //      [5. 5. 5.]]
 * ```
 */
export function meshgrid(...args: [...inputs: TensorLike[], options: MeshgridOptions]): Tensor[];
export function meshgrid(...inputs: TensorLike[]): Tensor[];
export function meshgrid(...args: unknown[]): Tensor[] {
  let n = args.length;
  while (n > 0 && args[n - 1] === undefined) n--;
  const last = args[n - 1];
  const keywords = MESHGRID_KEYWORDS.parse(isPlainObject(last) ? [last] : []);
  if (isPlainObject(last)) n--;
  const inputs = args.slice(0, n) as TensorLike[];
  const indexing = keywords.indexing ?? "xy";
  return inOpScope(keywords.name ?? "meshgrid", "meshgrid", inputs, () => {
    const ndim = inputs.length;
    if (ndim === 0) throw new ValueError("meshgrid needs at least one input.");
    const unit = (i: number, d: number) =>
      Array.from({ length: ndim }, (_, j) => (j === i ? d : 1));
    // TF's `stack(x)` of a tensor is `convert_to_tensor(x)`: the tensor itself.
    const output = inputs.map((x, i) =>
      reshape(
        x instanceof Tensor || isTensorConvertible(x) ? convertToTensor(x) : stack(x as never),
        unit(i, -1),
      ),
    );
    const shapes = inputs.map((x) => size(x));
    const dtype = convertToTensor(inputs[0]).dtype;
    if (indexing === "xy" && ndim > 1) {
      output[0] = reshape(output[0] as Tensor, [1, -1, ...new Array<number>(ndim - 2).fill(1)]);
      output[1] = reshape(output[1] as Tensor, [-1, 1, ...new Array<number>(ndim - 2).fill(1)]);
      [shapes[0], shapes[1]] = [shapes[1] as Tensor, shapes[0] as Tensor];
    }
    const multFact = ones(shapes as never, { dtype });
    return output.map((x) => pythonOperator("mul", x, multFact));
  });
}
declare(meshgrid, MESHGRID_KEYWORDS);
