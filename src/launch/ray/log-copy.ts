// Ray keeps a job's whole output (`ray job logs <id>`); the stage log holds what a watcher copied of it. How much was
// copied is kept next to the stage log (`<log>.ray-copied`: job id, characters, whether the copy ended a line), so a
// later CLI — a reattach, `status`, `run` judging an unwatched end — copies exactly the output no watcher saw, and
// the stage log ends up whole whoever was watching.
import { appendFile, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { rayJobLogText, type RayJobContext } from "./job-queries.js";

interface Copied {
  job: string;
  chars: number;
  endsLine: boolean;
}

export function copiedPath(logFile: string): string {
  return `${logFile}.ray-copied`;
}

export class RayLogCopy {
  private copied: Copied | undefined;

  constructor(
    private readonly context: RayJobContext,
    private readonly id: string,
    private readonly logFile: string,
  ) {}

  /** A job submitted just now: nothing of it was copied (an older job's count in the same log does not count). */
  static fresh(context: RayJobContext, id: string, logFile: string): RayLogCopy {
    const copy = new RayLogCopy(context, id, logFile);
    copy.copied = { job: id, chars: 0, endsLine: true };
    return copy;
  }

  /**
   * Appends what Ray holds beyond what was copied; `ended` closes an unfinished last line so later writes start
   * fresh; `heading` goes before the new output when there is any. Returns the characters appended.
   */
  async copy(ended: boolean, heading?: string): Promise<number> {
    const was = this.copied ?? (this.copied = await this.load());
    const text = await rayJobLogText(this.context, this.id);
    const from = text.length < was.chars ? 0 : was.chars; // logs were reset: copy them again from the start
    let fresh = text.slice(from);
    if (fresh && heading) fresh = `${was.endsLine ? "" : "\n"}${heading}\n${fresh}`;
    const endsLine = fresh ? fresh.endsWith("\n") : was.endsLine;
    if (ended && !endsLine) fresh += "\n";
    this.copied = { job: this.id, chars: text.length, endsLine: ended || endsLine };
    if (!fresh) return 0;
    await mkdir(dirname(this.logFile), { recursive: true });
    await appendFile(this.logFile, fresh);
    await this.save();
    return fresh.length;
  }

  private async load(): Promise<Copied> {
    try {
      const saved = JSON.parse(await readFile(copiedPath(this.logFile), "utf8")) as Copied;
      if (saved.job === this.id && Number.isInteger(saved.chars)) return saved;
    } catch {
      // nothing recorded: nothing of this job was copied
    }
    return { job: this.id, chars: 0, endsLine: true };
  }

  private async save(): Promise<void> {
    const file = copiedPath(this.logFile);
    await writeFile(`${file}.tmp`, JSON.stringify(this.copied));
    await rename(`${file}.tmp`, file);
  }
}
