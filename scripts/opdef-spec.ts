/**
 * Prints the OpDef declaration (`opDef: { inputs, outputs, attrs, … }`) of the named op
 * types as TF 1.11's ops.pbtxt defines them, for pasting beside a new op's registerOp:
 * `npx tsx scripts/opdef-spec.ts Conv2D MaxPool`. Ops TF changed or added by 1.15 still
 * need TF 1.15's core/ops/*.cc read by hand (see test/ops/opdefs.test.ts).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { specOf } from "../src/ops/op_def.js";
import { OpList } from "../src/proto/index.js";

const file = join(import.meta.dirname, "../test/fixtures/tf-graphs/tf-oplist-1.11/ops.pbtxt");
const ops = OpList.fromText(readFileSync(file, "utf8")).op;
for (const name of process.argv.slice(2)) {
  const def = ops.find((o) => o.name === name);
  if (def === undefined) console.log(`// ${name}: not in TF 1.11's ops.pbtxt`);
  else console.log(`// ${name}\nopDef: ${JSON.stringify(specOf(def), null, 2)},`);
}
