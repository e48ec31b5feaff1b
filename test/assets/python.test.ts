import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { hasPython } from "../helpers/python.js";

const REWARD_PY = fileURLToPath(new URL("../../src/assets/python/dianjin_reward.py", import.meta.url));

// The reward runs inside verl's Python, which may be older than ours and have no extra packages.
const CHECK = `
import ast, sys
tree = ast.parse(open(sys.argv[1], encoding="utf-8").read(), feature_version=(3, 8))
imports = sorted({a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
                 | {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module})
funcs = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "compute_score"]
args = funcs[0].args
print(",".join(imports))
print(",".join(a.arg for a in args.args), args.kwarg.arg if args.kwarg else "")
`;

describe("dianjin_reward.py", () => {
  it("parses as Python 3.8, imports nothing outside the standard library, has verl's signature", (ctx) => {
    ctx.skip(!hasPython(), "python3 is not installed");
    const [imports, signature] = execFileSync("python3", ["-c", CHECK, REWARD_PY], { encoding: "utf8" }).trimEnd().split("\n");
    const stdlib = new Set(["re", "json", "math", "unicodedata", "typing"]);
    expect((imports ?? "").split(",").filter((m) => m && !stdlib.has(m))).toEqual([]);
    expect(signature).toBe("data_source,solution_str,ground_truth,extra_info kwargs");
  });
});
