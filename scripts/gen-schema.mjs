#!/usr/bin/env node
// Rewrites schema/experiment.schema.json from the TypeScript sources, with no build first: esbuild bundles
// src/cli/schema.ts into a temporary module beside this script (so its packages resolve from the project's
// node_modules), which gives what `dianjin-train schema` prints.
//   node scripts/gen-schema.mjs            (npm run schema)
import { build } from "esbuild";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const outfile = join(root, "scripts", `.gen-schema-${process.pid}.mjs`);
try {
  await build({
    entryPoints: [join(root, "src/cli/schema.ts")],
    outfile,
    bundle: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    logLevel: "error",
  });
  const { experimentJsonSchema } = await import(pathToFileURL(outfile).href);
  await writeFile(join(root, "schema/experiment.schema.json"), `${JSON.stringify(experimentJsonSchema(), null, 2)}\n`);
  process.stdout.write("gen-schema: wrote schema/experiment.schema.json\n");
} finally {
  await rm(outfile, { force: true });
}
