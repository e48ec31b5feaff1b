// The crash series: the CLI is killed with SIGKILL at seeded random moments while it runs a pipeline with every kind of
// stage — a job (SFT, stand-in llamafactory-cli), a service (deploy, stand-in vLLM) and an in-process stage (eval) —
// and rerun until it finishes. Invariants, checked after every kill and by a process sampler running throughout:
// never two trainers or two servers for one stage, state.json always parses with a known status, no complete
// checkpoint ever lost, and every round converges to the outputs of an uninterrupted run.
import { afterAll, describe, expect, it } from "vitest";
import { execa } from "execa";
import { cp, readFile, readdir } from "node:fs/promises";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CLI, cli, cliEnv, makeExperiment, type Experiment } from "../helpers/cli.js";
import { TINY_QWEN2_DIR } from "../fixtures/merge/make-checkpoint.js";
import { mulberry32 } from "../helpers/prng.js";
import { STAGE_TRANSITIONS } from "../../src/pipeline/stage-status.js";

const KILLS = Number(process.env.DIANJIN_CRASH_KILLS ?? 200);
const EVAL_FIXTURES = fileURLToPath(new URL("../fixtures/eval/", import.meta.url));
const ENV = { LF_STANDIN_STEP_MS: "10", VLLM_STANDIN_STARTUP_MS: "150", DIANJIN_KILL_GRACE_MS: "500", DIANJIN_POLL_MS: "50" };
const MAX_IN_ROUND = 30;
const KNOWN = new Set(Object.keys(STAGE_TRANSITIONS));

async function experiment(): Promise<Experiment & { model: string }> {
  const exp = await makeExperiment({
    top: "keep_set_aside: 100000",
    sft: `  deploy: { model: served-model, startup_timeout_minutes: 1 }
  eval:
    benchmarks:
      cflue: { path: ${JSON.stringify(join(EVAL_FIXTURES, "cflue.json"))} }
    sampling: { max_tokens: 256 }
`,
  });
  // Each experiment serves its own copy, so its server is told apart from any other test's.
  const model = join(exp.dir, "served-model");
  await cp(TINY_QWEN2_DIR, model, { recursive: true });
  return { ...exp, model };
}

/** cmdlines of live processes, read from /proc. */
async function commandLines(): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, "utf8");
      if (stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z")) continue;
      out.push((await readFile(`/proc/${entry}/cmdline`, "utf8")).replaceAll("\0", " "));
    } catch {
      // gone
    }
  }
  return out;
}

/** Samples the process table throughout, remembering the most trainers and servers of one experiment seen at once. */
function sampler() {
  const most = { trainers: 0, servers: 0 };
  const dirs = new Set<string>();
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      // The local supervisor's command line carries the tool's argv too; it is not a second trainer or server.
      const lines = (await commandLines()).filter((l) => !l.includes("dianjin-supervisor"));
      for (const dir of dirs) {
        const trainers = lines.filter((l) => l.includes(join(dir, "runs/sft/rendered/train.yaml")) && / train /.test(l)).length;
        const servers = lines.filter((l) => l.includes(" serve ") && l.includes(join(dir, "served-model"))).length;
        most.trainers = Math.max(most.trainers, trainers);
        most.servers = Math.max(most.servers, servers);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  return {
    most,
    watch: (dir: string) => dirs.add(dir),
    unwatch: (dir: string) => dirs.delete(dir),
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

/** Names of complete SFT checkpoints anywhere under the stage (output or set-aside). */
async function completeCheckpoints(workdir: string): Promise<Set<string>> {
  const found = new Set<string>();
  const walk = async (dir: string, depth: number): Promise<void> => {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const path = join(dir, name);
      if (/^checkpoint-\d+$/.test(name)) {
        if (existsSync(join(path, "trainer_state.json"))) found.add(`${name}@${(await readFile(join(path, "trainer_state.json"), "utf8")).length}`);
      } else if (depth < 3) await walk(path, depth + 1);
    }
  };
  await walk(join(workdir, "sft"), 0);
  return found;
}

async function stateParses(workdir: string): Promise<void> {
  const path = join(workdir, "state.json");
  if (!existsSync(path)) return;
  const state = JSON.parse(await readFile(path, "utf8")) as { stages: Record<string, { status: string }> };
  for (const [name, s] of Object.entries(state.stages)) expect(KNOWN.has(s.status), `${name}: ${s.status}`).toBe(true);
}

/** What a finished round must equal: the trained weights and the evaluation, byte for byte. */
async function outputs(workdir: string): Promise<Record<string, string>> {
  const read = (p: string) => readFile(join(workdir, p), "utf8");
  const evalDir = join(workdir, "eval/output");
  const files: Record<string, string> = {
    weights: (await readFile(join(workdir, "sft/output/model.safetensors"))).toString("hex"),
    scores: await read("eval/output/scores.json"),
  };
  for (const name of (await readdir(evalDir, { recursive: true })).filter((n) => String(n).endsWith(".jsonl") && String(n).startsWith("results")).sort()) {
    files[String(name)] = await readFile(join(evalDir, String(name)), "utf8");
  }
  return files;
}

const started: Experiment[] = [];
/** Ends the servers a round left serving (its last run skipped deploy): their process groups, from state.json. */
async function endServers(exp: Experiment): Promise<void> {
  try {
    const state = JSON.parse(await readFile(join(exp.workdir, "state.json"), "utf8")) as { stages: Record<string, { job?: { id: string } }> };
    const id = Number(state.stages.deploy?.job?.id);
    if (id > 0) process.kill(-id, "SIGKILL");
  } catch {
    // nothing recorded, or already gone
  }
}
afterAll(async () => {
  for (const exp of started) await endServers(exp);
});

type Sampler = ReturnType<typeof sampler>;

/**
 * One series: rounds of fresh experiments, each run again and again with a SIGKILL until a run finishes, then
 * checked against the reference outputs. Returns the kills by the stage they landed in.
 */
async function series(kills: number, seed: number, span: number, expected: Record<string, string>, watch: Sampler) {
  const random = mulberry32(seed);
  const killedIn = new Map<string, number>();
  let done = 0;
  let rounds = 0;
  while (done < kills) {
    const exp = await experiment();
    started.push(exp);
    watch.watch(exp.dir);
    rounds++;
    let seen = new Set<string>();
    for (let inRound = 0; ; inRound++) {
      const run = execa(process.execPath, [CLI, "run", exp.file], { env: cliEnv(ENV), extendEnv: false, reject: false, all: true });
      // A quarter of the kills fall anywhere from start-up on (loading, planning, the launch sequence); the rest a
      // random moment after a stage starts, so every kind of stage is hit. After MAX_IN_ROUND kills the round is let
      // finish.
      let timer: NodeJS.Timeout | undefined;
      const killAfter = (ms: number) => (timer = setTimeout(() => run.kill("SIGKILL"), ms));
      if (inRound >= MAX_IN_ROUND) {
        // no kill
      } else if (random() < 0.25) killAfter(random() * span);
      else {
        const delay = random() * 700;
        let output = "";
        run.stderr!.on("data", (chunk: Buffer) => {
          output += chunk.toString();
          if (timer === undefined && /▶ \w+:/.test(output)) killAfter(delay);
        });
      }
      const result = await run;
      clearTimeout(timer);
      await stateParses(exp.workdir);
      const now = await completeCheckpoints(exp.workdir);
      for (const c of seen) expect(now.has(c), `checkpoint ${c} lost after kill ${done}`).toBe(true);
      seen = now;
      if (result.signal === "SIGKILL") {
        done++;
        const stage = [...(result.all ?? "").matchAll(/▶ (\w+):/g)].at(-1)?.[1] ?? "start-up";
        killedIn.set(stage, (killedIn.get(stage) ?? 0) + 1);
        continue;
      }
      expect(result.exitCode, result.all).toBe(0);
      break;
    }
    expect(await outputs(exp.workdir)).toEqual(expected);
    await endServers(exp);
    watch.unwatch(exp.dir);
  }
  return { killedIn, kills: done, rounds };
}

describe("crash series: SIGKILL of the CLI at random moments", () => {
  it(`${KILLS} kills across job, service and in-process stages: no second job, nothing lost, same outputs`, { timeout: 1_200_000 }, async () => {
    const reference = await experiment();
    started.push(reference);
    const clean = await cli(["run", reference.file], { env: ENV });
    expect(clean.exitCode, clean.all).toBe(0);
    const expected = await outputs(reference.workdir);
    // Kills are spread over the time an uninterrupted run takes here (capped, so rounds progress by resuming).
    const t0 = Date.now();
    await cli(["run", reference.file, "--force", "sft", "--force", "eval"], { env: ENV });
    const span = Math.min(2500, Date.now() - t0);

    // Two series side by side (each experiment in its own workdir), so both cores work while a CLI waits.
    const watch = sampler();
    let results;
    try {
      results = await Promise.all([
        series(Math.ceil(KILLS / 2), 20261202, span, expected, watch),
        series(Math.floor(KILLS / 2), 20261203, span, expected, watch),
      ]);
    } finally {
      await watch.stop();
    }
    const killedIn = new Map<string, number>();
    for (const r of results) for (const [stage, n] of r.killedIn) killedIn.set(stage, (killedIn.get(stage) ?? 0) + n);
    const kills = results.reduce((sum, r) => sum + r.kills, 0);
    const rounds = results.reduce((sum, r) => sum + r.rounds, 0);
    expect(kills).toBeGreaterThanOrEqual(KILLS);
    expect(watch.most.trainers).toBeLessThanOrEqual(1);
    expect(watch.most.servers).toBeLessThanOrEqual(1);
    // The kills landed in every kind of stage, not just at start-up.
    for (const stage of ["sft", "deploy", "eval"])
      expect(killedIn.get(stage) ?? 0, `kills during ${stage}: ${JSON.stringify([...killedIn])}`).toBeGreaterThan(0);
    console.log(
      `crash series: ${kills} kills over ${rounds} rounds; by stage: ${JSON.stringify(Object.fromEntries(killedIn))}; most trainers at once ${watch.most.trainers}, servers ${watch.most.servers}`,
    );
  });
});
