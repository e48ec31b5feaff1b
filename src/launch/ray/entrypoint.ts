// Turning an argv into what `ray job submit -- ...` needs. The Ray CLI joins the words with
// Python's subprocess.list2cmdline (Windows-style quoting) and the job supervisor runs the result
// with /bin/sh, so a word with spaces, quotes or `$` would not arrive as it was. Plain argv is
// passed as is (readable in `ray job list`); anything else travels as JSON in an environment
// variable and a one-line Python decoder execs it, exactly.
// Either way the entrypoint first looks for the command on the cluster, where it will run (the login node that
// submits does not need it), and ends the job with the tool-missing line when it is not there.
import { TOOL_MISSING_EXIT, TOOL_MISSING_MARK, type JobTool } from "../tool-missing.js";
import { WORKDIR_NOT_SHARED_EXIT, WORKDIR_NOT_SHARED_MARK, workdirMarkerPath } from "../workdir-check.js";

/** Words that list2cmdline leaves alone and sh reads literally. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

export const ENTRY_VARIABLE = "DIANJIN_RAY_ENTRY";

// No spaces would be fine too, but the decoder has them; list2cmdline wraps it in double quotes
// and escapes its inner quotes as \", which sh turns back into ". It contains no $ or backquote.
const DECODER = [
  `import json,os,shutil,socket,sys;e=json.loads(os.environ["${ENTRY_VARIABLE}"]);m=e.get("marker")`,
  `m is None or (os.path.isfile(m["path"]) and open(m["path"]).read().strip()==m["id"]) or sys.exit(print("${WORKDIR_NOT_SHARED_MARK}"+m["text"]+" (node "+socket.gethostname()+")",flush=True) or ${WORKDIR_NOT_SHARED_EXIT})`,
  `os.chdir(e["cwd"]);a=e["argv"]`,
  `t=e["tool"];shutil.which(t["command"]) or sys.exit(print("${TOOL_MISSING_MARK}"+t["name"]+" ("+t["command"]+") is not on PATH on the Ray cluster (node "+socket.gethostname()+")",flush=True) or ${TOOL_MISSING_EXIT})`,
  `os.execvp(a[0],a)`,
].join(";");

export interface RayEntrypoint {
  /** Words after `--` on the `ray job submit` command line. */
  words: string[];
  /** Extra runtime-env variables the entrypoint needs. */
  env: Record<string, string>;
}

/**
 * `tool`: what to look for before starting (default: argv[0], named as itself). `jobId`: the job's id, which the
 * launcher wrote into cwd's marker (workdir-check.ts); the entrypoint first checks that it sees that file.
 */
export function rayEntrypoint(argv: readonly string[], cwd: string, python: string, tool?: JobTool, jobId?: string): RayEntrypoint {
  if (argv.length === 0) throw new RangeError("job argv is empty");
  const t = tool ?? { name: argv[0]!, command: argv[0]! };
  const marker = jobId === undefined ? undefined : { path: workdirMarkerPath(cwd), id: jobId, text: `${cwd} is not this machine's workdir on the Ray cluster` };
  if ([cwd, ...argv, t.name, t.command, ...(marker ? [marker.path, marker.id] : [])].every((w) => PLAIN.test(w))) {
    const missing = `${TOOL_MISSING_MARK}${t.name} (${t.command}) is not on PATH on the Ray cluster`;
    const check = ["if", "!", "command", "-v", t.command, ">/dev/null;", "then", "echo", missing, ";", "exit", `${TOOL_MISSING_EXIT};`, "fi"];
    const shared = marker
      ? [
          "if",
          "!",
          "grep",
          "-qsx",
          marker.id,
          marker.path,
          ";",
          "then",
          "echo",
          `${WORKDIR_NOT_SHARED_MARK}${marker.text}`,
          ";",
          "exit",
          `${WORKDIR_NOT_SHARED_EXIT};`,
          "fi",
          "&&",
        ]
      : [];
    return { words: [...shared, "cd", cwd, "&&", ...check, "&&", "exec", ...argv], env: {} };
  }
  return { words: [python, "-c", DECODER], env: { [ENTRY_VARIABLE]: JSON.stringify({ argv, cwd, tool: t, ...(marker ? { marker } : {}) }) } };
}
