import { ValueError } from "../errors.js";
import type { DType } from "./dtypes.js";
import { Graph, type OpSpec } from "./graph.js";
import type { Operation } from "./operation.js";
import type { Tensor } from "./tensor.js";
import type { TensorShape } from "./tensor_shape.js";

/** Every kind of variable op: reference (`VariableV2`, TF 0.x's `Variable`) and resource. */
const VARIABLE_OP_TYPES: ReadonlySet<string> = new Set(["VariableV2", "Variable", "VarHandleOp"]);

/**
 * The body of a traced function (TensorFlow's `FuncGraph`): a graph of its own, whose
 * arguments are placeholders and whose reads of tensors from the graph it is traced in
 * become captures (a placeholder here, fed at each call with the outer tensor's value, as
 * TensorFlow passes captures as extra arguments). Its ops never appear in the outer graph.
 */
export class FuncGraph extends Graph {
  /** The function's name in the outer graph's library. */
  readonly name: string;
  /** The graph the function is traced in (and called from). */
  readonly outerGraph: Graph;
  /** The argument placeholders, in order. */
  readonly arguments: Tensor[] = [];
  /** The function's results, set when tracing ends. */
  outputs: Tensor[] = [];
  private readonly captureMap = new Map<Tensor, Tensor>();

  constructor(name: string, outerGraph: Graph) {
    super();
    this.name = name;
    this.outerGraph = outerGraph;
    // TF's FuncGraph takes the graph seed of the graph it is traced in.
    this.seed = outerGraph.seed;
  }

  override get buildingFunction(): boolean {
    return true;
  }

  /**
   * Refuses variables: a function's body runs per call, with no initializer run for it,
   * so a variable made there could never hold a value.
   */
  override createOp(spec: OpSpec): Operation {
    if (VARIABLE_OP_TYPES.has(spec.type)) {
      throw new ValueError(
        `Creating variables inside a function (${this.name}) is not supported: create them outside it and read them inside, where they are captured.`,
      );
    }
    return super.createOp(spec);
  }

  /** The captured outer tensors and their placeholders here, in capture order. */
  get captures(): [outer: Tensor, inner: Tensor][] {
    return [...this.captureMap];
  }

  /** Adds an argument: a placeholder named `name` (TF names them `args_0`, …). */
  addArgument(dtype: DType, shape: TensorShape, name: string): Tensor {
    const t = this.placeholderAtTop(dtype, shape, name);
    this.arguments.push(t);
    this.onUndo(() => this.arguments.pop());
    return t;
  }

  /** The placeholder standing for outer tensor `t` (made on first use). */
  protected override captureExternal(t: Tensor): Tensor {
    if (t.graph !== this.outerGraph) {
      // A value from further out reaches this body through the enclosing bodies.
      if (!(this.outerGraph instanceof FuncGraph)) {
        throw new ValueError(
          `${t.toString()} must be from the same graph as the operation being created.`,
        );
      }
      return this.captureExternal(this.outerGraph.captureExternal(t));
    }
    const known = this.captureMap.get(t);
    if (known !== undefined) return known;
    const inner = this.placeholderAtTop(t.dtype, t.shape, t.op.name);
    this.captureMap.set(t, inner);
    this.onUndo(() => this.captureMap.delete(t));
    return inner;
  }

  /** A placeholder outside any name scope or control dependency of the body being built. */
  private placeholderAtTop(dtype: DType, shape: TensorShape, name: string): Tensor {
    const saved = this.nameStack;
    this.setNameStack("");
    try {
      return this.controlDependencies(null, () => {
        const op = this.createOp({
          type: "Placeholder",
          name,
          inputs: [],
          outputs: [{ dtype, shape }],
          attrs: { dtype, shape },
        });
        return op.outputs[0] as Tensor;
      });
    } finally {
      this.setNameStack(saved);
    }
  }
}

const LIBRARY = Symbol("functionLibrary");

/**
 * The functions traced in `graph` (its `FunctionDefLibrary`), by name: ops that call one
 * (`MapDataset`'s `f`) name it in an attribute, as in TensorFlow.
 */
export function functionLibrary(graph: Graph): Map<string, FuncGraph> {
  return graph.getExtension(LIBRARY, () => new Map<string, FuncGraph>());
}

const FUNCTION_NAMES = Symbol("functionNames");

/** The outermost graph of `graph`'s tree of function bodies. */
function rootGraph(graph: Graph): Graph {
  let g = graph;
  while (g instanceof FuncGraph) g = g.outerGraph;
  return g;
}

/**
 * The function names taken anywhere in the tree of graphs `graph` belongs to: a body's
 * library and the outer graph's are written into one `GraphDef.library`, where a name
 * stands for one function, so names are unique across the tree (TF's uids are global).
 */
function takenFunctionNames(graph: Graph): Set<string> {
  return rootGraph(graph).getExtension(FUNCTION_NAMES, () => new Set<string>());
}

/** Marks a function name as taken in `graph`'s tree (an imported function's). */
export function reserveFunctionName(graph: Graph, name: string): void {
  const taken = takenFunctionNames(graph);
  if (taken.has(name)) return;
  taken.add(name);
  graph.onUndo(() => taken.delete(name));
}

/** A function name not yet taken in `graph`'s tree: `base` with a number, as TF's uids. */
export function uniqueFunctionName(graph: Graph, base: string): string {
  const taken = takenFunctionNames(graph);
  let n = taken.size + 1;
  while (taken.has(`${base}_${n}`)) n++;
  const name = `${base}_${n}`;
  reserveFunctionName(graph, name);
  return name;
}
