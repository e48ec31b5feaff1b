// When a planned stage's render is final. Most of a render is known when planning; some of it only once earlier stages
// of this run have produced their outputs (the data stage's files for SFT, GRPO's newest checkpoint for merge, deploy's
// endpoint for eval) or once the tool has said which release it is. Such a stage is rendered again at launch, into a
// launch entry; the plan itself is never rewritten.
import type { Experiment } from "../config/schema.js";
import type { StageModule } from "../contract/stage.js";
import { toolOf, type StageName } from "../stages/registry.js";
import { stageHasVersionProbe } from "./tools.js";

export interface RenderTiming {
  /** "plan": the planned render is what the tool reads. "launch": apply renders the stage again right before launch. */
  renderAt: "plan" | "launch";
  /** Why, in words ("reads what sft produces in this run"). */
  renderReason: string;
}

interface Entry {
  name: StageName;
  action: string;
  definition: StageModule;
}

const PRODUCES_IN_RUN = new Set(["run", "resume", "reattach", "reuse"]);

export function renderTiming(entry: Entry, earlier: readonly Entry[], config: Experiment): RenderTiming {
  const reasons: string[] = [];
  for (const up of earlier) {
    if (!entry.definition.needs.includes(up.name)) continue;
    if (PRODUCES_IN_RUN.has(up.action)) reasons.push(`reads what ${up.name} produces in this run`);
    else if (up.definition.kind === "service") reasons.push(`reads the endpoint ${up.name} answers at, known once it serves`);
  }
  const tool = toolOf(entry.definition, config);
  if (!config.tools[tool]?.version && stageHasVersionProbe(entry.definition, config)) reasons.push(`the ${tool} release is asked right before launch`);
  return reasons.length
    ? { renderAt: "launch", renderReason: reasons.join("; ") }
    : { renderAt: "plan", renderReason: "nothing it reads is produced in this run" };
}
