// Config seconds (`timeouts: { connect_s, idle_s, total_s }`) → the client's milliseconds; an endpoint's keys win.
import type { RequestTimeouts } from "./types.js";

export interface TimeoutSeconds {
  connect_s?: number;
  idle_s?: number;
  total_s?: number;
}

export function timeoutsFromSeconds(...layers: Array<TimeoutSeconds | undefined>): Partial<RequestTimeouts> {
  const out: Partial<RequestTimeouts> = {};
  for (const t of layers) {
    if (t?.connect_s !== undefined) out.connectMs = Math.round(t.connect_s * 1000);
    if (t?.idle_s !== undefined) out.idleMs = Math.round(t.idle_s * 1000);
    if (t?.total_s !== undefined) out.totalMs = Math.round(t.total_s * 1000);
  }
  return out;
}
