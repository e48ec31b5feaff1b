// What the key inventories (the current snapshot in keys.ts, the per-release files in releases.ts) say about one
// key; its own file so that both can use it without importing each other.
export interface KeyInfo {
  type: string;
  group: string;
  choices?: string[];
  /** Added after the April-2025 build the DianJin-R1 seed used. */
  newerThanSeed?: boolean;
}
