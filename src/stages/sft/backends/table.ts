// The SFT stage's backend table: `stages.sft.backend` picks one (default: the first).
import type { JobBackend } from "../../../contract/backend.js";
import type { SftStageConfig } from "../config.js";
import { llamafactoryBackend } from "./llamafactory.js";
import { trlBackend } from "./trl.js";

export const SFT_BACKEND_TABLE = {
  llamafactory: llamafactoryBackend,
  trl: trlBackend,
} as const satisfies Record<SftStageConfig["backend"], JobBackend<SftStageConfig>>;
