// What a running deploy stage hands on (recorded once the server answers): where it serves and under which name.
import { outputHandle } from "../../contract/outputs.js";

export type ServedEndpoint = {
  /** Server root of the first replica (…/health, …/v1). */
  baseUrl: string;
  /** Every replica's root, comma-separated. */
  baseUrls: string;
  /** The served model name requests must use. */
  model: string;
  /** The variable holding the API key the server requires, when it requires one. */
  apiKeyEnv?: string;
};

export const deployOutputs = outputHandle<ServedEndpoint>("deploy");
