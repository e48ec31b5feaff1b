// The store (`store:`): a stage is built once per key across experiments. Two experiments started at the same moment
// on a fresh store train their shared SFT once (the second waits for the key's lock, then reuses the entry); a
// failed build is never reused; `gc` frees an unreferenced entry and keeps referenced ones.
import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { chmod, lstat, readFile, readdir, readlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cli, cliEnv, CLI, STANDIN_BIN } from "../helpers/cli.js";
import { tempDir, writeFiles } from "../helpers/tmp.js";
import { pathExists } from "../../src/util/path-exists.js";

const RELEASED = fileURLToPath(new URL("../fixtures/data/dianjin-r1", import.meta.url));

interface Setup {
  dir: string;
  store: string;
  /** One line per start of the trainer (`llamafactory-cli train ...`), written by a wrapper in front of the stand-in. */
  starts: string;
  bin: string;
  file(name: string): string;
  workdir(name: string): string;
}

async function setup(names: string[]): Promise<Setup> {
  const dir = await tempDir("dianjin-store-");
  const records = Array.from({ length: 20 }, (_, i) => ({ instruction: `问题 ${i}`, input: "", output: `<answer>\\boxed{${i}}</answer>` }));
  const files: Record<string, string> = { "data/train.json": JSON.stringify(records) };
  for (const name of names) {
    files[`${name}.yaml`] = `name: ${name}
workdir: runs/${name}
store: store
model: { base: Qwen/Qwen2.5-0.5B-Instruct, template: qwen }
cluster: { gpus_per_node: 1 }
tools: { llamafactory: { version: "0.9.3" } }
stages:
  sft:
    datasets: [fin]
    dataset_files: { fin: { path: data/train.json } }
    deepspeed: none
    args: { per_device_train_batch_size: 1, learning_rate: 1.0e-5, num_train_epochs: 1, logging_steps: 1, save_strategy: steps, save_steps: 10 }
`;
  }
  await writeFiles(dir, files);
  const bin = join(dir, "bin");
  const starts = join(dir, "trainer-starts.log");
  await writeFiles(bin, {
    "llamafactory-cli": `#!/bin/sh\nif [ "$1" = train ]; then echo "$$ $*" >> "${starts}"; fi\nexec "${join(STANDIN_BIN, "llamafactory-cli")}" "$@"\n`,
  });
  await chmod(join(bin, "llamafactory-cli"), 0o755);
  return { dir, store: join(dir, "store"), starts, bin, file: (n) => join(dir, `${n}.yaml`), workdir: (n) => join(dir, "runs", n) };
}

const env = (s: Setup, extra: Record<string, string> = {}) => ({ PATH: `${s.bin}:${STANDIN_BIN}:${process.env.PATH}`, ...extra });
const trainerStarts = async (s: Setup) => ((await readFile(s.starts, "utf8").catch(() => "")).match(/ train /g) ?? []).length;
const sftState = async (s: Setup, name: string) =>
  (JSON.parse(await readFile(join(s.workdir(name), "state.json"), "utf8")) as { stages: Record<string, Record<string, any>> }).stages.sft!;
const entries = async (s: Setup) => (await readdir(join(s.store, "sft")).catch(() => [] as string[])).filter((n) => !n.startsWith("."));

async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 40_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("store: a stage built once per key", () => {
  it("two experiments started together on a fresh store train their shared SFT once; both point at the same entry", async () => {
    const s = await setup(["lr1", "lr2"]);
    const gate = join(s.dir, "go");
    const start = (name: string) =>
      execa(process.execPath, [CLI, "run", s.file(name)], {
        env: cliEnv(env(s, { LF_STANDIN_WAIT_FOR: gate })),
        extendEnv: false,
        reject: false,
        all: true,
      });
    const runs = [start("lr1"), start("lr2")];
    let output = "";
    for (const r of runs) r.all?.on("data", (d: Buffer) => (output += d.toString()));
    try {
      // The trainer holds until the gate opens: by then one experiment builds and the other waits, saying for what.
      await waitFor("one trainer start and the other experiment waiting", async () => {
        const starts = await trainerStarts(s);
        if (starts > 1) throw new Error(`the trainer started ${starts} times for one key:\n${output}`);
        return starts === 1 && /waiting for sft key/.test(output);
      });
      expect(output).toMatch(/waiting for sft key [0-9a-f]{8}… being built by experiment lr[12] \(pid \d+, started /);
      await writeFile(gate, "");
      const [a, b] = await Promise.all(runs);
      expect(a!.exitCode, a!.all).toBe(0);
      expect(b!.exitCode, b!.all).toBe(0);
    } finally {
      // Trainers held at the gate end on their own once it opens; the CLIs are stopped if still there.
      await writeFile(gate, "");
      for (const r of runs) r.kill("SIGTERM");
      await Promise.all(runs);
    }
    expect(await trainerStarts(s)).toBe(1);
    const [key] = await entries(s);
    expect(await entries(s)).toHaveLength(1);
    const entry = join(s.store, "sft", key!);
    const states = [await sftState(s, "lr1"), await sftState(s, "lr2")];
    for (const state of states) {
      expect(state.status).toBe("completed");
      expect(state.key).toBe(key);
      expect(state.outputs.model).toBe(join(entry, "output"));
    }
    expect(states.map((st) => st.stored.reused).sort()).toEqual([false, true]);
    const builder = states.find((st) => !st.stored.reused)!.stored.builtBy as string;
    expect(JSON.parse(await readFile(join(entry, "entry.json"), "utf8")).builtBy.experiment).toBe(builder);
    // Never a copy: each workdir's output is a link to the one entry.
    for (const name of ["lr1", "lr2"]) {
      const out = join(s.workdir(name), "sft", "output");
      expect((await lstat(out)).isSymbolicLink()).toBe(true);
      expect(await readlink(out)).toBe(join(entry, "output"));
    }
    expect(await pathExists(join(entry, "output", "model.safetensors"))).toBe(true);
    // A rerun of either starts nothing.
    const again = await cli(["run", s.file("lr2")], { env: env(s) });
    expect(again.exitCode, again.all).toBe(0);
    expect(await trainerStarts(s)).toBe(1);
    const reuser = states.find((st) => st.stored.reused)!;
    const status = await cli(["status", s.file(builder === "lr1" ? "lr2" : "lr1")], { env: env(s) });
    expect(status.stdout).toMatch(new RegExp(`sft +completed, reused from the store \\(built by ${builder}\\), key ${reuser.key}`));
  });

  it("plans reuse naming who built it; a failed build is not stored, and the next experiment builds it", async () => {
    const s = await setup(["a", "b", "c"]);
    const failed = await cli(["run", s.file("a")], { env: env(s, { LF_STANDIN_FAIL: "oom", LF_STANDIN_FAIL_AT_STEP: "3" }) });
    expect(failed.exitCode).not.toBe(0);
    expect(await entries(s)).toEqual([]);
    const plan = JSON.parse((await cli(["plan", s.file("b"), "--json"], { env: env(s) })).stdout) as { stages: Array<{ action: string }> };
    expect(plan.stages[0]!.action).toBe("run");

    const built = await cli(["run", s.file("b")], { env: env(s) });
    expect(built.exitCode, built.all).toBe(0);
    expect(await trainerStarts(s)).toBe(2);
    const reuse = JSON.parse((await cli(["plan", s.file("c"), "--json"], { env: env(s) })).stdout) as {
      stages: Array<{ action: string; reason: string }>;
    };
    expect(reuse.stages[0]!.action).toBe("reuse");
    expect(reuse.stages[0]!.reason).toMatch(/built by experiment b \(.*runs\/b on .*\) at \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    // The failed experiment, run again, reuses the entry instead of resuming its own failed attempt.
    const rerun = await cli(["run", s.file("a")], { env: env(s) });
    expect(rerun.exitCode, rerun.all).toBe(0);
    expect(await trainerStarts(s)).toBe(2);
    expect((await sftState(s, "a")).stored).toMatchObject({ reused: true, builtBy: "b" });
  });

  it("gc frees an entry no experiment references any more and keeps referenced ones (--dry-run only lists)", async () => {
    const s = await setup(["a"]);
    expect((await cli(["run", s.file("a")], { env: env(s) })).exitCode).toBe(0);
    const [first] = await entries(s);
    // A changed learning rate builds a second entry; the experiment's state now points there, so the first is unused.
    const lr2 = ["--set", "stages.sft.args.learning_rate=2.0e-5"];
    const second = await cli(["run", s.file("a"), ...lr2], { env: env(s) });
    expect(second.exitCode, second.all).toBe(0);
    expect(await entries(s)).toHaveLength(2);
    const kept = (await entries(s)).find((k) => k !== first)!;

    const dry = await cli(["gc", s.file("a"), "--dry-run", ...lr2], { env: env(s) });
    expect(dry.exitCode, dry.all).toBe(0);
    expect(dry.stdout).toContain(`would remove unreferenced store entry of sft: ${join(s.store, "sft", first!)}`);
    expect(await entries(s)).toHaveLength(2);

    const gc = await cli(["gc", s.file("a"), ...lr2], { env: env(s) });
    expect(gc.exitCode, gc.all).toBe(0);
    expect(gc.stdout).toMatch(new RegExp(`removed unreferenced store entry of sft: .*${first} \\(\\d+(\\.\\d+)? [kKMG]?i?B\\)`));
    expect(gc.stdout).toMatch(/freed \d+(\.\d+)? [kKMG]?i?B/);
    expect(gc.stdout).toContain(`kept store entry sft/${kept}`);
    expect(gc.stdout).toMatch(/used by a \(/);
    expect(await entries(s)).toEqual([kept]);
    const plan = JSON.parse((await cli(["plan", s.file("a"), "--json", ...lr2], { env: env(s) })).stdout) as { stages: Array<{ action: string }> };
    expect(plan.stages[0]!.action).toBe("skip");
  });

  it("a stage after a reused one is planned for reuse too: its inputs are fingerprinted in the entry", async () => {
    const s = await setup([]);
    for (const name of ["d1", "d2"]) {
      await writeFile(
        s.file(name),
        `name: ${name}
workdir: runs/${name}
store: store
model: { base: Qwen/Qwen2.5-0.5B-Instruct }
cluster: { gpus_per_node: 1 }
tools: { llamafactory: { version: "0.9.3" } }
stages:
  data: { released: ${JSON.stringify(RELEASED)} }
  sft:
    datasets: [cflue_mcq_r1, fin_qa_r1]
    deepspeed: none
    args: { per_device_train_batch_size: 1, logging_steps: 1, save_strategy: steps, save_steps: 5, num_train_epochs: 1 }
`,
      );
    }
    expect((await cli(["run", s.file("d1")], { env: env(s) })).exitCode).toBe(0);
    const plan = JSON.parse((await cli(["plan", s.file("d2"), "--json"], { env: env(s) })).stdout) as { stages: Array<{ action: string }> };
    expect(plan.stages.map((st) => st.action)).toEqual(["reuse", "reuse"]);
    const run = await cli(["run", s.file("d2")], { env: env(s) });
    expect(run.exitCode, run.all).toBe(0);
    expect(await trainerStarts(s)).toBe(1);
    const again = JSON.parse((await cli(["plan", s.file("d2"), "--json"], { env: env(s) })).stdout) as { stages: Array<{ action: string }> };
    expect(again.stages.map((st) => st.action)).toEqual(["skip", "skip"]);
  });
});
