// EvalScope reads its API key only from --api-key (default "EMPTY"); a value there is visible to every user in
// `ps`. So when a key is needed we start EvalScope's own CLI entry point from a fixed Python snippet that appends
// --api-key inside the interpreter (sys.argv is not the OS command line). The key's variable *name* travels in
// DIANJIN_EVALSCOPE_API_KEY_ENV; the key itself stays in the environment it was already in.

import { API_KEY_ENV_POINTER } from "./defaults.js";

export const EVALSCOPE_KEY_LAUNCHER = [
  "import os, sys",
  "from evalscope.cli.cli import run_cmd",
  `name = os.environ.get(${JSON.stringify(API_KEY_ENV_POINTER)}, "")`,
  'key = os.environ.get(name, "") if name else ""',
  "if not key:",
  '    sys.exit("dianjin-train: the API key variable %r is unset or empty" % name)',
  'if any(a.split("=", 1)[0] in ("--api-key", "--api-ke", "--api-k") for a in sys.argv[1:]):',
  '    sys.exit("dianjin-train: refusing an --api-key on the command line")',
  'sys.argv = ["evalscope"] + sys.argv[1:] + ["--api-key", key]',
  "sys.exit(run_cmd())",
].join("\n");
