import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "../..");
const GENERATED = join(ROOT, "src/proto/generated");

// The generated codecs are committed (so a build needs no generator run); this
// fails when a .proto under src/proto/tensorflow was edited without `npm run gen:proto`.
it("src/proto/generated is what scripts/gen-proto.mjs makes from the .proto files", () => {
  const out = mkdtempSync(join(tmpdir(), "gen-proto-check-"));
  try {
    execFileSync(process.execPath, [join(ROOT, "scripts/gen-proto.mjs"), out], { stdio: "pipe" });
    const files = readdirSync(out).sort();
    expect(files).toEqual(["descriptor.ts", "tf.d.ts", "tf.js"]);
    expect(readdirSync(GENERATED).sort()).toEqual(files);
    for (const f of files)
      expect(readFileSync(join(out, f), "utf8"), f).toBe(readFileSync(join(GENERATED, f), "utf8"));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 60_000);
