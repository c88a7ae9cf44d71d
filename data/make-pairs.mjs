// Writes data/pairs.csv: pairs of 2-D points drawn from four clusters, labelled 1 when both
// points come from the same cluster. Deterministic (fixed LCG seed), so the file can be
// regenerated exactly: `node data/make-pairs.mjs`.
import { writeFileSync } from "node:fs";

let state = 20261125;
const rand = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const centers = [
  [1.5, 1.5],
  [-1.5, 1.5],
  [-1.5, -1.5],
  [1.5, -1.5],
];
const point = (c) => centers[c].map((v) => (v + 0.6 * gauss()).toFixed(4));
const rows = ["ax,ay,bx,by,same"];
for (let i = 0; i < 4000; i++) {
  const ca = Math.floor(rand() * 4);
  const same = rand() < 0.5;
  const cb = same ? ca : (ca + 1 + Math.floor(rand() * 3)) % 4;
  rows.push([...point(ca), ...point(cb), same ? 1 : 0].join(","));
}
writeFileSync(new URL("./pairs.csv", import.meta.url), rows.join("\n") + "\n");
