// What the eval stage needs to talk to a served model.

export interface Endpoint {
  /** e.g. http://127.0.0.1:8901 (no trailing slash, no /v1). */
  baseUrl: string;
  /** The served model name clients put in "model". */
  model: string;
  /** Server process, when known, so readiness can notice it died. */
  pid?: number;
}

export interface ReadyEndpoint extends Endpoint {
  /** As reported by /v1/models. */
  maxModelLen?: number;
}
