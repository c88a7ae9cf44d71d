/**
 * The browser demo's static server (`npm run demo:browser`), also started by the browser
 * tests. It bundles the page scripts (examples/browser/*.ts and the seed examples) with
 * esbuild, each importing the built `dist/browser/scopeflow.esm.js` instead of the sources,
 * and serves:
 *
 *   /                      examples/browser/index.html (the siamese demo)
 *   /seeds.html            examples/browser/seeds.html (runs the seed examples)
 *   /dist/…                dist/browser (the bundles and their .wasm files)
 *   /build/…               the bundled page scripts
 *   /expected/…            examples/expected (the seeds' expected output)
 *   /data/…                data (pairs.csv)
 *   /checkpoints/…         test/fixtures/tf-checkpoints (TensorFlow-written checkpoints)
 *
 * Usage: tsx scripts/browser-server.ts [--port 8080] [--host 127.0.0.1]
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build, type Plugin } from "esbuild";

export const ROOT = resolve(fileURLToPath(import.meta.url), "../..");
const DIST = join(ROOT, "dist/browser");
const OUT = join(ROOT, "out/browser-pages");

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".map": "application/json",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
  ".json": "application/json",
};

/** The seed examples (examples/seed*.ts), by name. */
export function seedNames(): string[] {
  return readdirSync(join(ROOT, "examples"))
    .filter((f) => /^seed\d+-.*\.ts$/.test(f))
    .map((f) => f.slice(0, -".ts".length))
    .sort();
}

/** Every import of scopeflow's sources or package becomes the served bundle. */
const useBundle: Plugin = {
  name: "scopeflow-bundle",
  setup(b) {
    b.onResolve({ filter: /(^scopeflow$)|(\/src\/index(\.browser)?\.js$)/ }, () => ({
      path: "/dist/scopeflow.esm.js",
      external: true,
    }));
  },
};

/** Bundles the demo page and the seed examples into out/browser-pages. */
export async function buildPages(): Promise<void> {
  if (!existsSync(join(DIST, "scopeflow.esm.js"))) {
    throw new Error(`${DIST}/scopeflow.esm.js is missing: run \`npm run build\` first.`);
  }
  const seeds = Object.fromEntries(
    seedNames().map((n) => [`seeds/${n}`, join(ROOT, "examples", `${n}.ts`)]),
  );
  await build({
    entryPoints: {
      demo: join(ROOT, "examples/browser/demo.ts"),
      seeds: join(ROOT, "examples/browser/seeds.ts"),
      ...seeds,
    },
    outdir: OUT,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    sourcemap: true,
    plugins: [useBundle],
    logLevel: "warning",
  });
  writeFileSync(join(OUT, "seeds/index.json"), JSON.stringify(seedNames()));
}

function routeFile(url: string): string | null {
  const path = decodeURIComponent(url.split("?")[0] ?? "/");
  const mounts: [string, string][] = [
    ["/dist/", DIST],
    ["/build/", OUT],
    ["/expected/", join(ROOT, "examples/expected")],
    ["/data/", join(ROOT, "data")],
    ["/checkpoints/", join(ROOT, "test/fixtures/tf-checkpoints")],
    ["/", join(ROOT, "examples/browser")],
  ];
  for (const [mount, dir] of mounts) {
    if (!path.startsWith(mount)) continue;
    const rest = path.slice(mount.length) || "index.html";
    const file = normalize(join(dir, rest));
    // No escaping the mounted folder with "..".
    if (file !== dir && !file.startsWith(dir + sep)) return null;
    return file;
  }
  return null;
}

/** A running server and its address. */
export interface RunningServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves the demo on `host:port` (port 0: any free one). */
export function startServer(port = 8080, host = "127.0.0.1"): Promise<RunningServer> {
  const server = createServer((req, res) => {
    const file = routeFile(req.url ?? "/");
    if (file === null || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    const body = readFileSync(file);
    res.writeHead(200, {
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": body.length,
      "cache-control": "no-store",
    });
    res.end(req.method === "HEAD" ? undefined : body);
  });
  return new Promise((resolveStart, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      const actual = typeof address === "object" && address !== null ? address.port : port;
      resolveStart({
        url: `http://${host}:${actual}`,
        server,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(name);
    return i < 0 ? undefined : process.argv[i + 1];
  };
  await buildPages();
  const running = await startServer(Number(arg("--port") ?? 8080), arg("--host") ?? "127.0.0.1");
  console.log(
    `scopeflow browser demo: ${running.url}/  (seed examples: ${running.url}/seeds.html)`,
  );
}
