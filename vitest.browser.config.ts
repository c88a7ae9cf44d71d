import { defineConfig } from "vitest/config";

/**
 * The browser tests (`npm run test:browser`): headless Chromium driven by playwright-core
 * against the built dist/browser bundle. Kept out of `npm test` so a developer machine
 * without Chromium runs the rest; `.ci/run` installs Chromium and runs these, which fail
 * (never skip) when it cannot start.
 */
export default defineConfig({
  test: {
    include: ["test/browser/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: "forks",
    fileParallelism: false,
  },
});
