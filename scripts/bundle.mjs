// Bundles the CLI into dist/bin/ (after tsc has built dist/): our modules, zod, yaml and commander in a few files
// instead of ~300, because resolving and compiling each file is most of `plan`'s start-up. Code a command loads
// lazily stays lazy (split into chunks), and packages only a running stage needs stay outside the bundle.
// dist/bin/ sits one folder below dist/ like every compiled module, so util/dist-path.ts finds the shipped assets,
// release inventories and worker scripts from either.
import { build } from "esbuild";
import { chmod, readFile, rm } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const outdir = `${root}dist/bin`;
const pkg = JSON.parse(await readFile(`${root}package.json`, "utf8"));
// Bundled: what every command loads. External: packages loaded only while a stage runs (or large data).
const BUNDLED = new Set(["zod", "yaml", "commander"]);
const external = Object.keys(pkg.dependencies).filter((name) => !BUNDLED.has(name));

await rm(outdir, { recursive: true, force: true });
await build({
  entryPoints: { "dianjin-train": `${root}dist/cli/main.js` },
  outdir,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  external,
  chunkNames: "chunk-[hash]",
  legalComments: "none",
  // yaml and commander are CommonJS: their require("node:events") needs a real require in ES module output.
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  logLevel: "warning",
});
await chmod(`${outdir}/dianjin-train.mjs`, 0o755);
