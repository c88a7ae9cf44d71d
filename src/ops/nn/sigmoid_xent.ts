import { ValueError } from "../../errors.js";
import { where } from "../array/where.js";
import { zerosLike } from "../array/like.js";
import { convertToTensor } from "../convert.js";
import { add, greaterEqual } from "../math/binary.js";
import { pythonOperator, neg } from "../math/operators.js";
import { exp, log1p } from "../math/unary.js";
import { inOpScope } from "../op_scope.js";
import { keywordXent, XENT_PARAMS, type XentArgs } from "./xent.js";

/**
 * Sigmoid cross-entropy, element-wise (`tf.nn.sigmoid_cross_entropy_with_logits`): the
 * numerically stable `max(x, 0) - x * z + log(1 + exp(-abs(x)))`, built as TensorFlow
 * builds it under `logistic_loss/` (the result is the `Add` op `logistic_loss`, or `name`).
 * TensorFlow takes its arguments by keyword only: `labels`, `logits`, `name`.
 *
 * @example
 * ```ts
 * const loss = tf.nn.sigmoidCrossEntropyWithLogits({ labels: [1, 0], logits: [0, 0] });
 * using sess = new tf.Session();
 * sess.run(loss); // ==> [0.6931472 0.6931472]
 * ```
 */
export const sigmoidCrossEntropyWithLogits = keywordXent<typeof XENT_PARAMS, XentArgs>(
  "nn.sigmoidCrossEntropyWithLogits",
  "sigmoid_cross_entropy_with_logits",
  XENT_PARAMS,
  ({ labels, logits, name }) =>
    inOpScope(name, "logistic_loss", [logits, labels], (scope) => {
      const x = convertToTensor(logits, { name: "logits" });
      const z = convertToTensor(labels, { name: "labels", preferredDtype: x.dtype });
      if (!z.shape.isCompatibleWith(x.shape)) {
        throw new ValueError(
          `logits and labels must have the same shape (${x.shape.toString()} vs ${z.shape.toString()})`,
        );
      }
      const zeros = zerosLike(x);
      const cond = greaterEqual(x, zeros);
      const reluLogits = where(cond, x, zeros);
      const negAbsLogits = where(cond, neg(x), x);
      // TF names the result by the scope itself: `logistic_loss`, or `name` as given.
      return add(
        pythonOperator("sub", reluLogits, pythonOperator("mul", x, z)),
        log1p(exp(negAbsLogits)),
        { name: scope },
      );
    }),
);
