import * as tfc from "@tensorflow/tfjs-core";
import { InvalidArgumentError } from "../../errors.js";
import type { Tensor, TensorLike } from "../../graph/tensor.js";
import {
  anyKind,
  intKind,
  opt,
  req,
  stringKind,
  tensorKind,
  tfFunction,
} from "../../graph/call_args.js";
import { withNameScope } from "../../scope/name_scope.js";
import { convertToTensor } from "../convert.js";
import { identity } from "../math/unary.js";
import { inOpScope, makeOp } from "../op_scope.js";
import { registerOp } from "../registry.js";
import { attrsOf, declareOpDef } from "../op_def.js";
import { elementWriter, summarizeTensorV1 } from "../string/string_format.js";

const CHECK_NUMERICS_DEF = declareOpDef({
  inputs: ["tensor: T"],
  outputs: ["output: T"],
  attrs: ["T: {bfloat16, half, float, double}", "message: string"],
});

registerOp({
  type: "CheckNumerics",
  opDef: CHECK_NUMERICS_DEF,
  kernel: ([x], op) => {
    const input = x as tfc.Tensor;
    const values = input.dataSync() as Float32Array;
    let inf = false;
    let nan = false;
    for (const v of values) {
      if (Number.isNaN(v)) nan = true;
      else if (!Number.isFinite(v)) inf = true;
    }
    if (inf || nan) {
      const status = inf && nan ? "Inf and NaN" : inf ? "Inf" : "NaN";
      throw new InvalidArgumentError(
        `${attrsOf(op, CHECK_NUMERICS_DEF).message} : Tensor had ${status} values\n\t [[{{node ${op.name}}}]]`,
        op.name,
      );
    }
    return [tfc.clone(input)];
  },
});

/** TF 1.15's `check_numerics(tensor, message, name=None)`. */
const CHECK_NUMERICS_PARAMS = [
  req("tensor", tensorKind),
  req("message", stringKind),
  opt("name", stringKind),
] as const;

/**
 * `tensor`, passed through when it holds no NaN or infinity; else the run fails with
 * `message` (`tf.check_numerics`, op `CheckNumerics`).
 *
 * @example
 * ```ts
 * using sess = new tf.Session();
 * sess.run(tf.checkNumerics(tf.constant([1, 2]), "bad")); // ==> [1. 2.]
 * sess.run(tf.checkNumerics(tf.log(tf.constant([0])), "log of 0")); // throws InvalidArgumentError: log of 0 : Tensor had Inf values
 * ```
 */
export const checkNumerics = tfFunction("checkNumerics", CHECK_NUMERICS_PARAMS, (a) =>
  inOpScope(a.name, "CheckNumerics", [a.tensor], (scope, graph) => {
    const x = convertToTensor(a.tensor, { name: "tensor" });
    return makeOp(graph, "CheckNumerics", scope, [x], [{ dtype: x.dtype, shape: x.shape }], {
      T: x.dtype,
      message: a.message,
    }).outputs[0] as Tensor;
  }),
);

/** TF 1.15's v1 `verify_tensor_all_finite(t=None, msg=None, name=None, x=None, message=None)`. */
const VERIFY_PARAMS = [
  opt("t", tensorKind),
  opt("msg", stringKind),
  opt("name", stringKind),
  opt("x", tensorKind),
  opt("message", stringKind),
] as const;

/**
 * `t` after a `CheckNumerics` of it (`tf.verify_tensor_all_finite`): an `Identity` named
 * `VerifyFinite/control_dependency` that runs the check first. `x` and `message` are TF's
 * newer names of `t` and `msg`.
 *
 * @example
 * ```ts
 * const v = tf.verifyTensorAllFinite(tf.constant([1, 2]), "not finite");
 * v.name; // ==> VerifyFinite/control_dependency:0
 * ```
 */
export const verifyTensorAllFinite = tfFunction("verifyTensorAllFinite", VERIFY_PARAMS, (a) => {
  const given = a.x ?? a.t;
  const message = a.message ?? a.msg;
  if (given === undefined || given === null) {
    throw new TypeError("verify_tensor_all_finite() missing the tensor argument 't' (or 'x')");
  }
  if (message === undefined) {
    throw new TypeError("verify_tensor_all_finite() missing the argument 'msg' (or 'message')");
  }
  return inOpScope(a.name, "VerifyFinite", [given], (_scope, graph) => {
    const x = convertToTensor(given, { name: "x" });
    return graph.colocateWith(x.op, () => {
      const check = checkNumerics(x, message);
      return withNameScope(graph, "control_dependency", (scope) =>
        graph.colocateWith(x.op, () =>
          graph.controlDependencies([check.op], () => identity(x, { name: scope })),
        ),
      );
    });
  });
});

const PRINT_DEF = declareOpDef({
  inputs: ["input: T", "data: U"],
  outputs: ["output: T"],
  attrs: [
    "T: type",
    "U: list(type) >= 0",
    "message: string = ''",
    "first_n: int = -1",
    "summarize: int = 3",
  ],
  stateful: true,
});

/** How many times a `Print` op printed in a session (its kernel's `first_n` counter). */
class PrintCount {
  n = 0;
  dispose(): void {}
}

registerOp({
  type: "Print",
  opDef: PRINT_DEF,
  stateful: true,
  kernel: (inputs, op, runtime) => {
    const [input, ...data] = inputs as tfc.Tensor[];
    const attrs = attrsOf(op, PRINT_DEF);
    const count = runtime.resource(op, () => new PrintCount());
    if (attrs.first_n < 0 || count.n < attrs.first_n) {
      count.n++;
      const text =
        attrs.message +
        data
          .map((d) => `[${summarizeTensorV1(elementWriter(d, false), d.shape, attrs.summarize)}]`)
          .join("");
      // TF's kernel writes the line to std::cerr, ended by std::endl.
      runtime.output.write("stderr", text + "\n");
    }
    return [tfc.clone(input as tfc.Tensor)];
  },
  inferShapes: (op) => [(op.inputs[0] as Tensor).shape],
});

const dataListKind = anyKind<readonly TensorLike[]>("a list of tensors", false);

/** TF 1.15's `Print(input_, data, message=None, first_n=None, summarize=None, name=None)`. */
const PRINT_PARAMS = [
  req("input_", tensorKind),
  req("data", dataListKind),
  opt("message", stringKind),
  opt("firstN", intKind),
  opt("summarize", intKind),
  opt("name", stringKind),
] as const;

/**
 * `input_` passed through, printing `message` and the values of `data` to stderr (the
 * session's `output`) each time it runs (`tf.Print`, op `Print`): the first `firstN` runs only when given, at most
 * `summarize` values of each tensor (3 by default).
 *
 * @example
 * ```ts
 * const x = tf.constant([1, 2, 3]);
 * const y = tf.Print(x, [x], "x is ");
 * y.op.type; // ==> Print
 * ```
 */
export const Print = tfFunction("Print", PRINT_PARAMS, (a) =>
  inOpScope(a.name, "Print", [a.input_, ...a.data], (scope, graph) => {
    const x = convertToTensor(a.input_, { name: "input" });
    const data = a.data.map((d) => convertToTensor(d, { name: "data" }));
    return makeOp(graph, "Print", scope, [x, ...data], [{ dtype: x.dtype, shape: x.shape }], {
      T: x.dtype,
      U: data.map((d) => d.dtype),
      message: a.message ?? "",
      first_n: a.firstN ?? -1,
      summarize: a.summarize ?? 3,
    }).outputs[0] as Tensor;
  }),
);
