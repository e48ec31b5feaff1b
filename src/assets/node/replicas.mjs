#!/usr/bin/env node
// Runs several server processes as one job: started together, ended together (they share this process group), and
// the job ends as soon as any of them does, so a dead replica is noticed. Spec: JSON file [{argv, env}].
import { readFileSync } from "node:fs";
import { spawn } from "node:child_process";

const specs = JSON.parse(readFileSync(process.argv[2], "utf8"));
const children = specs.map((spec, index) => {
  const child = spawn(spec.argv[0], spec.argv.slice(1), { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ...spec.env } });
  child.on("exit", (code, signal) => {
    process.stderr.write(`[replicas] replica ${index} exited (${signal ?? code}); stopping the others\n`);
    for (const other of children) if (other !== child) other.kill("SIGTERM");
    process.exitCode = code ?? 1;
    setTimeout(() => process.exit(), 5000).unref();
  });
  return child;
});
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => children.forEach((c) => c.kill(signal)));
