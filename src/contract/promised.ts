// Inputs an earlier selected stage will produce in this run count as present for pre-flight: they cannot exist yet.
import { sep } from "node:path";
import { pathExists } from "../util/path-exists.js";
import type { StageContext } from "./stage.js";

/** Whether `path` is (or lies inside) an output that an earlier selected stage promises. */
export function isPromised(ctx: StageContext, path: string): boolean {
  return (ctx.promised ?? []).some((p) => path === p || path.startsWith(p.endsWith(sep) ? p : p + sep));
}

/** Exists now, or will once the stages before this one have run. */
export async function inputAvailable(ctx: StageContext, path: string): Promise<boolean> {
  return isPromised(ctx, path) || pathExists(path);
}
