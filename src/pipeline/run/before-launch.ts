// Right before a launch: set aside what the tool must not resume from, warn about low disk, write the rendered files.
import { readdir } from "node:fs/promises";
import type { EventSink } from "../../contract/events.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { freeBytes, pruneSetAside } from "../../util/disk.js";
import { formatBytes } from "../../util/bytes.js";
import { moveAside } from "../aside.js";
import type { LaunchEntry } from "../launch-entry.js";

/**
 * For `run`, the whole output folder (an older config's, or a restart's with no complete checkpoint) is moved aside,
 * incomplete checkpoints with it, so the tool starts clean and cannot auto-resume it; for `resume`, only the incomplete
 * checkpoints newer than the resume point. Nothing is deleted.
 */
export async function setAsideBeforeLaunch(record: LaunchEntry, emit: EventSink): Promise<void> {
  const { output, aside } = record.context.paths;
  if (record.action === "run") {
    if ((await readdir(output).catch(() => [])).length) await moveAside([output], aside, record.setAsideLabel ?? "superseded");
  } else {
    await moveAside(
      record.incomplete.map((c) => c.path),
      aside,
      "incomplete",
    );
  }
  const keep = record.context.config.keep_set_aside;
  for (const removed of await pruneSetAside(aside, keep)) {
    emit({
      type: "log",
      stage: record.name,
      level: "info",
      message: `removed set-aside ${removed.path} (${formatBytes(removed.bytes)}; keep_set_aside: ${keep})`,
    });
  }
}

/** A warning, not a refusal: the stage may still fit when checkpoints are pruned as it goes. */
export async function warnLowDisk(record: LaunchEntry, emit: EventSink): Promise<void> {
  const each = record.definition.kind === "job" ? await record.definition.checkpointBytes?.(record.context) : undefined;
  if (!each) return;
  const free = await freeBytes(record.context.paths.output);
  if (free !== undefined && free < 3 * each) {
    emit({
      type: "log",
      stage: record.name,
      level: "warn",
      message: `only ${formatBytes(free)} free where checkpoints go; one checkpoint is about ${formatBytes(each)} (less than 3 checkpoints' worth)`,
    });
  }
}

export async function writeRendered(record: LaunchEntry): Promise<void> {
  for (const file of Object.values(record.render.files)) await writeFileAtomic(file.path, file.content);
}
