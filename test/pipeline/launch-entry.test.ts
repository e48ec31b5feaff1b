// Launch records: what only the run knows goes into a new record; the frozen plan entry is left as it was.
import { describe, expect, it } from "vitest";
import type { StageContext, StageModule, StageRender } from "../../src/contract/stage.js";
import { frozenCopy } from "../../src/pipeline/freeze.js";
import { atLaunch, learnProduced, withProbedVersion, type RunFacts } from "../../src/pipeline/launch-entry.js";
import { stageKey } from "../../src/pipeline/keys.js";
import type { PlannedStage } from "../../src/pipeline/plan.js";

function sftEntry(renderAt: "plan" | "launch") {
  const calls: StageContext[] = [];
  const definition = {
    name: "sft",
    version: 3,
    backends: { llamafactory: { tool: "llamafactory", defaultCommand: [], install: "", versionArgs: ["version"], parseVersion: () => undefined } },
    render(ctx: StageContext): StageRender {
      calls.push(ctx);
      const data = ctx.upstream.data?.outputs.file ?? "(none)";
      return {
        files: {},
        argv: ["train", data, ctx.toolVersion ?? "?"],
        env: {},
        keyInputs: { data, version: ctx.toolVersion ?? null },
        inputFiles: [],
        fingerprint: "mtime",
      };
    },
  } as unknown as StageModule;
  const keyInputs = { data: "/planned", version: null, files: {}, upstream: { data: "k-planned" } };
  const context = {
    workdir: "/runs",
    config: {},
    paths: {},
    upstream: { data: { key: "k-planned", outputs: { file: "/planned" } } },
    toolVersions: { python: "3.12" },
    versionSource: "unknown",
  } as unknown as StageContext;
  const entry = frozenCopy(
    {
      name: "sft",
      title: "SFT",
      action: "run",
      reason: "never run",
      key: stageKey("sft", 3, keyInputs),
      keyInputs,
      render: definition.render(context, undefined),
      incomplete: [],
      context,
      definition,
      renderAt,
      renderReason: "test",
    } as PlannedStage,
    new Set(["definition"]),
  );
  calls.length = 0;
  return { entry, calls };
}

function factsAfterData(): RunFacts {
  const facts: RunFacts = { upstream: {}, toolVersions: { python: "3.12" } };
  learnProduced(facts, "data", "k-run", { file: "/built" });
  return facts;
}

describe("launch entries", () => {
  it("renders a launch-time stage again with what earlier stages produced; the plan entry stays as planned", async () => {
    const { entry, calls } = sftEntry("launch");
    const record = await atLaunch(entry, factsAfterData(), { render: true });
    expect(calls).toHaveLength(1);
    expect(record.render.argv).toEqual(["train", "/built", "?"]);
    expect(record.keyInputs).toEqual({ data: "/built", version: null, files: {}, upstream: { data: "k-run" } });
    expect(record.key).toBe(stageKey("sft", 3, record.keyInputs));
    expect(record.key).not.toBe(entry.key);
    expect(record.planned).toBe(entry);
    expect(entry.render.argv).toEqual(["train", "/planned", "?"]);
    expect(entry.context.upstream.data).toEqual({ key: "k-planned", outputs: { file: "/planned" } });
  });

  it("a plan-time stage keeps its render; its context and upstream keys still carry what the run learned", async () => {
    const { entry, calls } = sftEntry("plan");
    const record = await atLaunch(entry, factsAfterData(), { render: true });
    expect(calls).toHaveLength(0);
    expect(record.render).toBe(entry.render);
    expect(record.context.upstream.data).toEqual({ key: "k-run", outputs: { file: "/built" } });
    expect(record.keyInputs.upstream).toEqual({ data: "k-run" });
  });

  it("a reattach is not rendered again (the job already read its files)", async () => {
    const { entry, calls } = sftEntry("launch");
    await atLaunch(entry, factsAfterData(), { render: false });
    expect(calls).toHaveLength(0);
  });

  it("a probed version renders again and is known to later stages; a failed probe renders for probe-failed", async () => {
    const { entry } = sftEntry("launch");
    const facts = factsAfterData();
    const record = await atLaunch(entry, facts, { render: true });
    const probed = await withProbedVersion(record, "0.9.3", facts);
    expect(probed.render.argv).toEqual(["train", "/built", "0.9.3"]);
    expect(probed.context).toMatchObject({ toolVersion: "0.9.3", versionSource: "probed", toolVersions: { python: "3.12", llamafactory: "0.9.3" } });
    expect(facts.toolVersions.llamafactory).toBe("0.9.3");
    expect(await withProbedVersion(probed, "0.9.3", facts)).toBe(probed);
    const failed = await withProbedVersion(record, undefined, facts);
    expect(failed.context.versionSource).toBe("probe-failed");
    expect(record.context.versionSource).toBe("unknown");
  });
});
