// The deploy stage's resource estimate (eval uses the same servers), with the keys of its block a fix may change.
import { serveEstimator } from "../../resources/estimate-serve.js";

export const DEPLOY_FIX_KEYS = {
  tp: "stages.deploy.tensor_parallel_size",
  maxModelLen: "stages.deploy.max_model_len",
} as const;

export const estimateServe = serveEstimator(DEPLOY_FIX_KEYS);
