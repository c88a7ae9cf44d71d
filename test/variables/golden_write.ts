/**
 * Writes the golden graphs `golden.test.ts` compares with (see `golden_models.ts`):
 *
 *   npx tsx test/variables/golden_write.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "../../src/index.js";
import { buildGolden, collectionsText, GOLDEN_MODELS } from "./golden_models.js";

const DIR = fileURLToPath(new URL("../fixtures/variable-graphs/", import.meta.url));
mkdirSync(DIR, { recursive: true });
for (const [name, model] of Object.entries(GOLDEN_MODELS)) {
  const graph = buildGolden(model);
  const def = graph.asGraphDef({ addShapes: true });
  writeFileSync(`${DIR}${name}.pb`, tf.GraphDef.toBinary(def));
  writeFileSync(`${DIR}${name}.collections.txt`, collectionsText(graph));
  console.log(`${name}: ${def.node.length} nodes`);
}
