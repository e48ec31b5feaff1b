// vLLM tool layer: render `vllm serve`, plan replicas, wait for readiness, classify start-up failures.

export { VLLM_DEFAULTS } from "./defaults.js";
export type { Endpoint, ReadyEndpoint } from "./endpoint.js";
export { renderServe, type ServeOptions, type ServeCommand } from "./render.js";
export { serveConfigProblems, type ServeShape } from "./preflight.js";
export { planReplicas, renderReplicas, type ReplicaPlan, type ReplicaPlanOptions } from "./replicas.js";
export { waitUntilReady, type WaitReadyOptions } from "./ready.js";
export { classifyVllmLog, VLLM_FAILURE_IDS } from "./classify.js";
export { findFreePort, findFreePorts, isPortFree } from "./ports.js";
export { readLogTail } from "./log-tail.js";
