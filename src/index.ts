// Public API.
export * from "./errors.js";
export type * from "./launch/types.js";
