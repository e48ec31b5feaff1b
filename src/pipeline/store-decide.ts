// Planning with a store: a stage that would run (or resume) while the store holds a complete entry for its key is
// reused instead — nothing starts, and the reason names who built it and when.
import type { StageModule } from "../contract/stage.js";
import { stageModule } from "../stages/registry.js";
import type { Decision } from "./decide.js";
import { builtWords, readEntry } from "./store-entry.js";

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
