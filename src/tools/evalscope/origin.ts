// Where EvalScope's problems are reported: the stage that runs it (errors carry its name) and that stage's EvalScope
// block in the experiment file (problems name keys under it). The adapter knows neither by itself.
export interface EvalscopeOrigin {
  /** e.g. "eval" */
  stage: string;
  /** e.g. "stages.eval.evalscope" */
  configPath: string;
}
