// Planning with a store: a stage that would run (or resume) while the store holds a complete entry for its key is
// reused instead — nothing starts, and the reason names who built it and when.
import type { StageModule } from "../contract/stage.js";
import { stageModule } from "../stages/registry.js";
import type { Decision } from "./decide.js";
import { builtWords, movedPath, readEntry } from "./store-entry.js";

/**
 * What the store keeps: outputs that follow from the key alone. A server (deploy) is a process, not an output, and a
 * stage that reads a server (eval) depends on that process and is rescored in place (`rescore`): neither is stored.
 */
export function storable(def: Pick<StageModule, "kind" | "needs">): boolean {
  return def.kind !== "service" && !def.needs.some((name) => stageModule(name)?.kind === "service");
}

export async function withStore(store: string | undefined, def: StageModule, key: string, decision: Decision, forced: boolean): Promise<Decision> {
  if (!store || forced || !storable(def) || (decision.action !== "run" && decision.action !== "resume")) return decision;
  const entry = await readEntry(store, def.name, key);
  if (!entry) return decision;
  return {
    action: "reuse",
    reason: `reusing the stored output (key ${key}), built by ${builtWords(entry.manifest)}`,
    incomplete: [],
    setAsideLabel: "superseded",
  };
}

/**
 * Stages planned for reuse, for the stages after them: a file under a reused stage's output folder is fingerprinted
 * in the entry (where the link will point), so their keys are the ones the run will find and can be reused too.
 */
export class ReusedOutputs {
  private readonly moved: Array<{ from: string; to: string }> = [];

  async add(store: string, stage: string, key: string, output: string): Promise<void> {
    const entry = await readEntry(store, stage, key);
    if (entry) this.moved.push({ from: output, to: entry.output });
  }

  readonly readAt = (path: string): string => {
    for (const { from, to } of this.moved) {
      const moved = movedPath(path, from, to);
      if (moved) return moved;
    }
    return path;
  };
}
