// Identity of a request: sha256 of a canonical JSON form (sorted keys, undefined dropped) of the logical model,
// the messages and the sampling params. The endpoint and API key are deliberately not part of it, so moving a
// server or rotating a key does not invalidate finished work.
import { createHash } from "node:crypto";
import type { ChatRequest } from "./types.js";

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError(`cannot canonicalise ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonicalJson(v))).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Journal key of a chat request. */
export function requestKey(request: ChatRequest): string {
  return sha256Hex(canonicalJson({ model: request.model, messages: request.messages, params: request.params ?? {} }));
}
