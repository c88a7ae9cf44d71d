import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import * as tf from "../../src/index.js";
import { buildGolden, collectionsText, GOLDEN_MODELS } from "./golden_models.js";

const DIR = fileURLToPath(new URL("../fixtures/variable-graphs/", import.meta.url));

// Variables are built on a direct path (no argument parsing or nested op scopes per op):
// these graphs, written by the public op path before it existed, must come out the same.
describe("variables build the same graphs as the public op path", () => {
  for (const [name, model] of Object.entries(GOLDEN_MODELS)) {
    test(name, () => {
      const graph = buildGolden(model);
      const def = graph.asGraphDef({ addShapes: true });
      const golden = readFileSync(`${DIR}${name}.pb`);
      // The text first, for a readable difference; then the exact bytes.
      expect(tf.GraphDef.toText(def)).toBe(tf.GraphDef.toText(tf.GraphDef.fromBinary(golden)));
      expect(Buffer.from(tf.GraphDef.toBinary(def)).equals(golden)).toBe(true);
      expect(collectionsText(graph)).toBe(readFileSync(`${DIR}${name}.collections.txt`, "utf8"));
    });
  }
});
