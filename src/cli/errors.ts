// Prints any error as one paragraph and picks the exit code. Stacks only for real bugs (or DIANJIN_DEBUG=1).
import { isDianjinError } from "../errors.js";
import { redactText, secretValues } from "../util/secrets.js";

export function reportError(error: unknown, stream: NodeJS.WriteStream = process.stderr): number {
  if (isDianjinError(error)) {
    stream.write(redactText(`dianjin-train: ${error.describe()}\n`, secretValues()));
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  stream.write(redactText(`dianjin-train: internal error: ${message}\n`, secretValues()));
  if (process.env.DIANJIN_DEBUG && error instanceof Error && error.stack) stream.write(`${error.stack}\n`);
  else stream.write("(set DIANJIN_DEBUG=1 for the stack trace, and please report it)\n");
  return 1;
}
